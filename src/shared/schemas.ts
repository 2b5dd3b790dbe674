import { z } from 'zod';
import { BrokerIdSchema, EnvironmentSchema } from './brokers';
import { AppErrorSchema } from './result';

/** Inputs that carry no data still must be a plain empty object: anything else is rejected. */
export const EmptyInput = z.strictObject({});

export const IdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'must be a connection id');
export const IdInput = z.strictObject({ id: IdSchema });

export const CONNECTION_STATUSES = ['untested', 'valid', 'invalid', 'expired', 'error'] as const;
export const ConnectionStatusSchema = z.enum(CONNECTION_STATUSES);
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

const Label = z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters');
const FieldName = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'is not a field name');
const FieldValue = z.string().max(4096, 'must be at most 4096 characters');
const ApiHost = z
  .string()
  .max(300)
  .regex(/^https?:\/\/[^\s/?#@]+(:\d{1,5})?(\/[^\s?#@]*)?$/, 'must be an http(s) URL without credentials or query');

export const FieldViewSchema = z.strictObject({
  name: z.string(),
  secret: z.boolean(),
  /** Non-secret fields show their value; secret ones a masked preview such as "••••7f3a". */
  preview: z.string(),
});

export const ConnectionViewSchema = z.strictObject({
  id: IdSchema,
  broker: BrokerIdSchema,
  label: z.string(),
  environment: EnvironmentSchema,
  status: ConnectionStatusSchema,
  lastValidatedAt: z.number().int().nullable(),
  lastError: z.string().nullable(),
  latencyMs: z.number().nullable(),
  tokenExpiresAt: z.number().int().nullable(),
  accountMasked: z.string().nullable(),
  accountType: z.string().nullable(),
  buyingPower: z.number().nullable(),
  currency: z.string().nullable(),
  apiHost: z.string().nullable(),
  isDefault: z.boolean(),
  isActive: z.boolean(),
  fields: z.array(FieldViewSchema),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type ConnectionView = z.infer<typeof ConnectionViewSchema>;

export const CreateConnectionInput = z.strictObject({
  broker: BrokerIdSchema,
  label: Label,
  environment: EnvironmentSchema,
  fields: z.record(FieldName, FieldValue),
  apiHost: ApiHost.nullable().optional(),
});
export type CreateConnectionInput = z.infer<typeof CreateConnectionInput>;

export const UpdateConnectionInput = z.strictObject({
  id: IdSchema,
  label: Label.optional(),
  environment: EnvironmentSchema.optional(),
  /** Only the fields given change; an empty string clears an optional field. */
  fields: z.record(FieldName, FieldValue).optional(),
  apiHost: ApiHost.nullable().optional(),
});
export type UpdateConnectionInput = z.infer<typeof UpdateConnectionInput>;

export const VAULT_STATES = ['ready', 'no-key-yet', 'keystore-unavailable', 'key-missing', 'locked'] as const;
export const VaultStatusSchema = z.strictObject({
  backend: z.enum(['keychain', 'passphrase']),
  state: z.enum(VAULT_STATES),
  keyId: z.string().nullable(),
  secretCount: z.number().int(),
  /** What the user can do about a state other than ready, in plain words. */
  guidance: z.string().nullable(),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

export const PassphraseInput = z.strictObject({
  passphrase: z.string().min(12, 'must be at least 12 characters').max(1024),
});

export const AUDIT_ACTIONS = [
  'connection.create',
  'connection.update',
  'connection.delete',
  'connection.activate',
  'connection.deactivate',
  'connection.setDefault',
  'connection.validate',
  'connection.login',
  'connection.disconnect',
  'vault.keyCreated',
  'vault.keyRotated',
  'vault.passphraseSetup',
  'mode.switch',
  'order.submit',
  'order.update',
  'order.cancel',
  'killswitch.engage',
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

const AuditDetailValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
export const AuditDetailSchema = z.record(z.string(), AuditDetailValue);
export type AuditDetail = z.infer<typeof AuditDetailSchema>;

export const AuditEntrySchema = z.strictObject({
  seq: z.number().int(),
  at: z.number().int(),
  action: AuditActionSchema,
  connectionId: z.string().nullable(),
  detail: AuditDetailSchema,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditListInput = z.strictObject({
  /** Return entries older than this sequence number (for the next page). */
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  connectionId: IdSchema.optional(),
  action: AuditActionSchema.optional(),
});
export const AuditPageSchema = z.strictObject({
  entries: z.array(AuditEntrySchema),
  nextBefore: z.number().int().nullable(),
});

export const AuditVerifySchema = z.strictObject({
  ok: z.boolean(),
  checked: z.number().int(),
  brokenAt: z.number().int().nullable(),
  reason: z.string().nullable(),
});

export const THEMES = ['system', 'light', 'dark'] as const;
export const SettingsSchema = z.strictObject({
  theme: z.enum(THEMES),
  checkIntervalSec: z.number().int().min(30).max(3600),
  notificationsEnabled: z.boolean(),
});
export type Settings = z.infer<typeof SettingsSchema>;
export const SettingsPatchSchema = SettingsSchema.partial().strict();

export const AppInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
});

/** Unsaved credentials to try before saving (no label: nothing is stored). */
export const TestConnectionInput = CreateConnectionInput.omit({ label: true });

export const AccountCheckSchema = z.strictObject({
  accountMasked: z.string(),
  accountType: z.string(),
  buyingPower: z.number(),
  currency: z.string(),
  latencyMs: z.number(),
});

export const LoginStartSchema = z.discriminatedUnion('status', [
  /** Main opened the broker's sign-in page in the system browser and waits for the redirect. */
  z.strictObject({ status: z.literal('browser'), redirectUri: z.string(), loginHost: z.string() }),
  z.strictObject({ status: z.literal('logged-in'), connection: ConnectionViewSchema }),
]);

export const BrokerInput = z.strictObject({ broker: BrokerIdSchema });
export const RedirectUriSchema = z.strictObject({ redirectUri: z.string() });

export const LoginFinishedSchema = z.strictObject({
  connectionId: IdSchema,
  ok: z.boolean(),
  error: AppErrorSchema.nullable(),
  connection: ConnectionViewSchema.nullable(),
});

export const InstrumentSearchInput = z.strictObject({
  connectionId: IdSchema,
  query: z.string().trim().min(1, 'is required').max(40),
});
export const InstrumentViewSchema = z.strictObject({
  symbol: z.string(),
  name: z.string(),
  exchange: z.string(),
  lotSize: z.number(),
  tickSize: z.number(),
});
export const InstrumentSearchSchema = z.strictObject({
  results: z.array(InstrumentViewSchema),
  /** Day of the cached master, null for brokers that have none (symbols are looked up live). */
  masterDay: z.string().nullable(),
  stale: z.boolean(),
  lastError: z.string().nullable(),
});
