import { z } from 'zod';
import { BrokerDescriptorSchema } from './brokers';
import type { ChannelName, EventName } from './channels';
import {
  AccountCheckSchema,
  AppInfoSchema,
  BrokerInput,
  InstrumentSearchInput,
  InstrumentSearchSchema,
  LoginFinishedSchema,
  LoginStartSchema,
  RedirectUriSchema,
  TestConnectionInput,
  AuditListInput,
  AuditPageSchema,
  AuditVerifySchema,
  ConnectionViewSchema,
  CreateConnectionInput,
  EmptyInput,
  IdInput,
  PassphraseInput,
  SettingsPatchSchema,
  SettingsSchema,
  UpdateConnectionInput,
  VaultStatusSchema,
} from './schemas';

export interface ChannelSpec {
  input: z.ZodType;
  output: z.ZodType;
}

/**
 * The whole IPC contract: every channel with its strict input and output schema.
 * Main parses every input and every output against it; the renderer's types come from it.
 */
export const contract = {
  'app:info': { input: EmptyInput, output: AppInfoSchema },
  'brokers:list': { input: EmptyInput, output: z.array(BrokerDescriptorSchema) },
  'connections:list': { input: EmptyInput, output: z.array(ConnectionViewSchema) },
  'connections:get': { input: IdInput, output: ConnectionViewSchema },
  'connections:create': { input: CreateConnectionInput, output: ConnectionViewSchema },
  'connections:update': { input: UpdateConnectionInput, output: ConnectionViewSchema },
  'connections:delete': { input: IdInput, output: z.strictObject({ deleted: z.literal(true) }) },
  'connections:setDefault': { input: IdInput, output: ConnectionViewSchema },
  'connections:activate': { input: IdInput, output: ConnectionViewSchema },
  'connections:deactivate': { input: IdInput, output: ConnectionViewSchema },
  'connections:test': { input: TestConnectionInput, output: AccountCheckSchema },
  'connections:connect': { input: CreateConnectionInput, output: ConnectionViewSchema },
  'connections:login': { input: IdInput, output: LoginStartSchema },
  'connections:cancelLogin': { input: IdInput, output: z.strictObject({ cancelled: z.boolean() }) },
  'connections:validate': { input: IdInput, output: ConnectionViewSchema },
  'connections:validateAll': { input: EmptyInput, output: z.array(ConnectionViewSchema) },
  'connections:disconnect': { input: IdInput, output: ConnectionViewSchema },
  'brokers:redirectUri': { input: BrokerInput, output: RedirectUriSchema },
  'instruments:search': { input: InstrumentSearchInput, output: InstrumentSearchSchema },
  'vault:status': { input: EmptyInput, output: VaultStatusSchema },
  'vault:rotateKey': { input: EmptyInput, output: VaultStatusSchema },
  'vault:setupPassphrase': { input: PassphraseInput, output: VaultStatusSchema },
  'vault:unlock': { input: PassphraseInput, output: VaultStatusSchema },
  'audit:list': { input: AuditListInput, output: AuditPageSchema },
  'audit:verify': { input: EmptyInput, output: AuditVerifySchema },
  'settings:get': { input: EmptyInput, output: SettingsSchema },
  'settings:set': { input: SettingsPatchSchema, output: SettingsSchema },
} as const satisfies Record<ChannelName, ChannelSpec>;

/** Payload schemas of the events main pushes to the renderer. */
export const events = {
  'connections:changed': z.strictObject({ connections: z.array(ConnectionViewSchema) }),
  'vault:changed': VaultStatusSchema,
  'settings:changed': SettingsSchema,
  'login:finished': LoginFinishedSchema,
} as const satisfies Record<EventName, z.ZodType>;

export type Contract = typeof contract;
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;
