import { z } from 'zod';

/**
 * The closed set of error codes that may cross from main to the renderer.
 * Every failure the renderer sees is one of these with a message written by us, never a library's text.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'KEYSTORE_UNAVAILABLE',
  'KEY_MISSING',
  'VAULT_LOCKED',
  'WRONG_PASSPHRASE',
  'DECRYPTION_FAILED',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'IP_NOT_ALLOWED',
  'RATE_LIMITED',
  'BROKER_REJECTED',
  'NETWORK',
  'TIMEOUT',
  'LIVE_NOT_ALLOWED',
  'CONFIRMATION_REQUIRED',
  'LIMIT_EXCEEDED',
  'KILL_SWITCH_ENGAGED',
  'NOT_SUPPORTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The codes a broker adapter may fail with: a subset of the IPC codes, so a broker failure crosses as it is. */
export const BROKER_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'IP_NOT_ALLOWED',
  'RATE_LIMITED',
  'BROKER_REJECTED',
  'NETWORK',
  'TIMEOUT',
  'NOT_SUPPORTED',
] as const satisfies readonly ErrorCode[];

export type BrokerErrorCode = (typeof BROKER_ERROR_CODES)[number];

export const AppErrorSchema = z
  .object({
    code: z.enum(ERROR_CODES),
    message: z.string().max(2000),
  })
  .strict();

export type AppErrorShape = z.infer<typeof AppErrorSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), value }).strict(), z.object({ ok: z.literal(false), error: AppErrorSchema }).strict()]);
}
