import { z } from 'zod';
import { IdSchema } from './schemas';

/**
 * The local API's part of the IPC contract: its settings, its keys and its standing. The renderer sees a key's
 * secret once, in the answer to `localApi:createKey`; afterwards only its id, label, prefix and bindings.
 */

export const API_PERMISSIONS = ['read', 'trade'] as const;
export const ApiPermissionSchema = z.enum(API_PERMISSIONS);

/** OpenAlgo's default ports; the trader may choose others. */
export const DEFAULT_REST_PORT = 5000;
export const DEFAULT_WS_PORT = 8765;

const PortSchema = z.number().int().min(1024, 'must be 1024 or above').max(65535, 'must be at most 65535');

export const LocalApiConfigSchema = z.strictObject({
  enabled: z.boolean(),
  restPort: PortSchema,
  wsPort: PortSchema,
});
export type LocalApiConfig = z.infer<typeof LocalApiConfigSchema>;

export const LocalApiConfigureInput = LocalApiConfigSchema.refine((c) => c.restPort !== c.wsPort, {
  message: 'The REST and WebSocket ports must differ.',
  path: ['wsPort'],
});

const ListenerStateSchema = z.strictObject({
  port: z.number().int(),
  state: z.enum(['off', 'listening', 'port-taken', 'failed']),
  /** A free port BrokerVault found, offered when the chosen one is taken. */
  suggestedPort: z.number().int().nullable(),
  message: z.string().nullable(),
});

export const ApiKeyViewSchema = z.strictObject({
  id: IdSchema,
  label: z.string().max(60),
  /** The first characters of the key, so the trader can tell keys apart; never enough to use it. */
  prefix: z.string().max(12),
  permission: ApiPermissionSchema,
  paper: z.boolean(),
  connectionIds: z.array(IdSchema),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
});
export type ApiKeyView = z.infer<typeof ApiKeyViewSchema>;

export const LocalApiStatusSchema = z.strictObject({
  config: LocalApiConfigSchema,
  rest: ListenerStateSchema,
  ws: ListenerStateSchema,
  /** Set by the kill switch; only the trader clears it (Settings → Local API → Resume API trading). */
  tradingHalted: z.boolean(),
  keys: z.array(ApiKeyViewSchema),
});
export type LocalApiStatus = z.infer<typeof LocalApiStatusSchema>;

const KeyBindingFields = {
  permission: ApiPermissionSchema,
  /** The key may act on the paper account. */
  paper: z.boolean(),
  connectionIds: z.array(IdSchema).max(50),
};

const bindsSomething = (k: { paper: boolean; connectionIds: string[] }) => k.paper || k.connectionIds.length > 0;
const BIND_MESSAGE = { message: 'Bind the key to the paper account or at least one connection.', path: ['connectionIds'] };

export const CreateApiKeyInput = z
  .strictObject({ label: z.string().trim().min(1, 'Give the key a name.').max(60), ...KeyBindingFields })
  .refine(bindsSomething, BIND_MESSAGE);

export const UpdateApiKeyInput = z.strictObject({ id: IdSchema, ...KeyBindingFields }).refine(bindsSomething, BIND_MESSAGE);

export const CreatedApiKeySchema = z.strictObject({
  key: ApiKeyViewSchema,
  /** The key itself: shown once, never stored or sent again. */
  secret: z.string().regex(/^[0-9a-f]{64}$/),
});
