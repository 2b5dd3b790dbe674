import type { z } from 'zod';
import { BrokerError } from '../../brokers/types';
import { AppError } from '../../errors';
import type { ErrorCode } from '../../../shared/result';
import { toSafeError } from '../../safe-error';
import { SymbolError } from '../symbols';
import type { Logger } from '../../log/types';
import { ApiError, READ_ONLY_MESSAGE, type Verb, type VerbContext, type VerbReply } from '../verb';

/** Set on every schema message of the verbs, so a message the schema wrote can be told from zod's own. */
const NO_SCHEMA_MESSAGE = '\u0000no-schema-message';

/** HTTP code of each BrokerVault error, as OpenAlgo answers: 400 for a refused request, 403 for what the key or the app forbids. */
const HTTP_BY_CODE: Partial<Record<ErrorCode, number>> = {
  VAULT_LOCKED: 403,
  INVALID_INPUT: 400,
  CONFLICT: 400,
  NOT_SUPPORTED: 400,
  BROKER_REJECTED: 400,
  LIMIT_EXCEEDED: 400,
  CONFIRMATION_REQUIRED: 400,
  FORBIDDEN: 403,
  LIVE_NOT_ALLOWED: 403,
  KILL_SWITCH_ENGAGED: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
};

/** Any error a verb throws, as OpenAlgo's `{ status: 'error', message }` with its HTTP code; never a secret or a library's text. */
export function errorReply(error: unknown): VerbReply {
  if (error instanceof ApiError) return { httpStatus: error.httpStatus, body: { status: 'error', message: error.message } };
  if (error instanceof SymbolError) return { httpStatus: 400, body: { status: 'error', message: error.message } };
  const safe = toSafeError(error);
  const status = error instanceof AppError || error instanceof BrokerError ? (HTTP_BY_CODE[safe.code] ?? 500) : 500;
  return { httpStatus: status, body: { status: 'error', message: safe.message } };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.message && issue.message !== NO_SCHEMA_MESSAGE) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be a ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters` : `must be at most ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'string' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`;
    case 'invalid_format':
      return 'is not in the expected form';
    default:
      return 'is not valid';
  }
}

/** A key the caller sent, safe to repeat: letters, digits, _ and - only, cut short. */
function fieldName(key: PropertyKey): string {
  return String(key)
    .replace(/[^A-Za-z0-9_-]/g, '?')
    .slice(0, 40);
}

/**
 * A refused body in OpenAlgo's error shape: `message` names each field and what is wrong with it, `errors` maps
 * each field to its messages. Only key names the caller sent are repeated, never a value.
 */
export function inputErrorReply(error: z.ZodError): VerbReply {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) (errors[fieldName(key)] ??= []).push('is not a field of this verb');
      continue;
    }
    const field = issue.path.length ? issue.path.map(fieldName).join('.') : 'body';
    (errors[field] ??= []).push(describeIssue(issue));
  }
  const message = Object.entries(errors)
    .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
    .join('; ');
  return { httpStatus: 400, body: { status: 'error', message: `Invalid input. ${message}.`.replace(/\.\.$/, '.'), errors } };
}

/**
 * One call of a verb as the server makes it: the permission, the body (its `apikey` removed) against the verb's
 * strict schema, then `run`; every refusal in OpenAlgo's error shape.
 */
export async function runVerb(verb: Verb, ctx: VerbContext, body: unknown, log?: Logger): Promise<VerbReply> {
  if (verb.permission === 'trade' && ctx.caller.permission !== 'trade') return errorReply(new ApiError(403, READ_ONLY_MESSAGE));
  const fields = body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : body;
  if (fields && typeof fields === 'object') delete (fields as Record<string, unknown>).apikey;
  const parsed = verb.input.safeParse(fields, { error: () => NO_SCHEMA_MESSAGE });
  if (!parsed.success) return inputErrorReply(parsed.error);
  try {
    return await verb.run(ctx, parsed.data);
  } catch (error) {
    // Refusals in our own words are answers; anything else is a fault worth a line in the log (scrubbed there).
    if (!(error instanceof ApiError || error instanceof AppError || error instanceof BrokerError || error instanceof SymbolError)) {
      log?.warn('local API verb failed', { verb: verb.name, error });
    }
    return errorReply(error);
  }
}
