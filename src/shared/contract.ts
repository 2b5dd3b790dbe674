import { z } from 'zod';
import { BrokerDescriptorSchema } from './brokers';
import type { ChannelName, EventName } from './channels';
import {
  AppInfoSchema,
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
} as const satisfies Record<EventName, z.ZodType>;

export type Contract = typeof contract;
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;
