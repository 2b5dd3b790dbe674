import { z } from 'zod';

/** Every broker BrokerVault can connect to, plus the built-in paper engine. */
export const BROKER_IDS = [
  'zerodha',
  'fyers',
  'angel-one',
  'dhan',
  'dhan-api-key',
  'dhan-totp',
  'xts-5paisa',
  'xts-iifl',
  'xts-compositedge',
  'alpaca',
  'tradier',
  'tastytrade',
  'ibkr',
  'binance',
  'binance-ed25519',
] as const;
export type BrokerId = (typeof BROKER_IDS)[number];
export const BrokerIdSchema = z.enum(BROKER_IDS);

export const ENVIRONMENTS = ['live', 'sandbox', 'paper'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const EnvironmentSchema = z.enum(ENVIRONMENTS);

export const AUTH_PATTERNS = [
  'api-key',
  'access-token',
  'oauth-redirect',
  'totp-login',
  'app-key-session',
  'oauth-refresh',
  'local-gateway',
  'hmac-signed',
  'ed25519-signed',
] as const;
export type AuthPattern = (typeof AUTH_PATTERNS)[number];

export const FIELD_INPUTS = ['text', 'secret', 'pin', 'totp-seed', 'url', 'number'] as const;
export type FieldInput = (typeof FIELD_INPUTS)[number];

/**
 * The longest value a field of each kind takes, checked before its pattern runs. A field may set its own
 * `maxLength` (a long refresh token); no field takes more than FIELD_VALUE_MAX, which the IPC schema caps.
 */
export const FIELD_MAX_LENGTH: Record<FieldInput, number> = { text: 128, secret: 1024, pin: 16, 'totp-seed': 256, url: 300, number: 32 };
export const FIELD_VALUE_MAX = 4096;

export const BrokerFieldSchema = z
  .object({
    name: z.string(),
    label: z.string(),
    input: z.enum(FIELD_INPUTS),
    secret: z.boolean(),
    required: z.boolean(),
    /** A JavaScript regular expression source the whole value must match; it must run in linear time. */
    pattern: z.string().optional(),
    /** Longest accepted value, when the kind's FIELD_MAX_LENGTH does not fit. */
    maxLength: z.number().int().positive().max(FIELD_VALUE_MAX).optional(),
    help: z.string(),
    placeholder: z.string().optional(),
  })
  .strict();
export type BrokerField = z.infer<typeof BrokerFieldSchema>;

export function fieldMaxLength(field: Pick<BrokerField, 'input' | 'maxLength'>): number {
  return field.maxLength ?? FIELD_MAX_LENGTH[field.input];
}

export const BrokerEnvironmentSchema = z
  .object({
    id: EnvironmentSchema,
    label: z.string(),
    baseUrl: z.string(),
  })
  .strict();

export const CAPABILITIES = ['equity', 'options', 'futures', 'crypto', 'market-data', 'bracket-orders', 'dry-run'] as const;

export const BrokerSessionRulesSchema = z
  .object({
    /** Check the connection at least this often (seconds): the check keeps the session alive, or the token is short. */
    maxCheckIntervalSec: z.number().int().positive().optional(),
    /** A short token's fixed lifetime (ms): BrokerVault logs in again within its last 20%. */
    tokenLifetimeMs: z.number().int().positive().optional(),
  })
  .strict();
export type BrokerSessionRules = z.infer<typeof BrokerSessionRulesSchema>;

export const BrokerDescriptorSchema = z
  .object({
    id: BrokerIdSchema,
    name: z.string(),
    region: z.enum(['IN', 'US', 'GLOBAL']),
    /** Two or three letters the UI shows in the broker's badge. */
    initials: z.string().max(3),
    auth: z.enum(AUTH_PATTERNS),
    /** Fields the user enters in the wizard; session tokens obtained by login are not listed here. */
    fields: z.array(BrokerFieldSchema),
    environments: z.array(BrokerEnvironmentSchema).min(1),
    capabilities: z.array(z.enum(CAPABILITIES)),
    /** How long a session or key lasts, in the trader's words (shown in the wizard). */
    tokenLifetime: z.string(),
    /** Session rules the health monitor applies where the user's check interval is not enough. */
    session: BrokerSessionRulesSchema.optional(),
    staticIp: z.string().optional(),
    docsUrl: z.string(),
    /**
     * Domains of the broker's sign-in, developer-console and documentation pages. External links open only
     * there (with their subdomains); the navigation allowlist is built from these.
     */
    signInHosts: z.array(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/)).min(1),
    /**
     * The implementation this entry belongs to: the folder of its adapter code, simulator, doc page and
     * conformance cases (e.g. three brokers share one XTS protocol). Its own id when it stands alone.
     */
    protocol: z.string().regex(/^[a-z0-9-]+$/),
    currency: z.string().length(3),
  })
  .strict();
export type BrokerDescriptor = z.infer<typeof BrokerDescriptorSchema>;
