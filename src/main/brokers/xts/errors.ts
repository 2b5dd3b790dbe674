import { type ErrorFacts, type ErrorRule, type ErrorTable, broadRule, ruleError } from '../errors-table';
import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError } from '../types';

/** Every XTS answer: `{"type":"success"|"error","code":"s-…|e-…","description":"…","result":…}`. */
export interface XtsEnvelope {
  type?: unknown;
  code?: unknown;
  description?: unknown;
  result?: unknown;
}

export function envelopeOf(body: unknown): XtsEnvelope | null {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as XtsEnvelope) : null;
}

/** XTS's own words: the description plus the validation messages of a "Bad Request". */
export function xtsErrorText(body: unknown): string | null {
  const envelope = envelopeOf(body);
  if (!envelope) return typeof body === 'string' && body.trim() && !body.trimStart().startsWith('<') ? body : null;
  const description = typeof envelope.description === 'string' ? envelope.description : '';
  const errors = (envelope.result as { errors?: unknown } | undefined)?.errors;
  const details: string[] = [];
  if (Array.isArray(errors)) {
    for (const e of errors) {
      const messages = (e as { messages?: unknown; message?: unknown }).messages ?? (e as { message?: unknown }).message;
      if (Array.isArray(messages)) details.push(...messages.filter((m): m is string => typeof m === 'string'));
      else if (typeof messages === 'string') details.push(messages);
    }
  }
  const text = [description, details.join('; ')].filter(Boolean).join(': ');
  return text || null;
}

export interface FailureContext {
  /** Broker name for messages, e.g. "IIFL Blaze". */
  broker: string;
  /** The descriptor's static-IP note, appended to IP rejections. */
  staticIpNote: string;
  /** Set on the two login calls, whose refusals mean wrong keys: which app's keys were refused. */
  loginApp: string | null;
}

export interface XtsFacts extends ErrorFacts {
  readonly ctx: FailureContext;
  /** XTS's text, shortened by brokerMessage. */
  readonly said: string;
}

const RATE_LIMITED: ErrorRule<XtsFacts> = {
  code: 'RATE_LIMITED',
  message: (f) => `${f.ctx.broker} rate limit reached (${f.said}). Wait a second and try again.`,
};
const IP_REFUSED: ErrorRule<XtsFacts> = {
  code: 'IP_NOT_ALLOWED',
  message: (f) => `${f.ctx.broker} refused the request from this IP address (${f.said}). ${f.ctx.staticIpNote}`,
};

/** XTS has no stable error codes across deployments; its descriptions decide. Tried in this order. */
export const XTS_ERRORS: ErrorTable<XtsFacts> = {
  exact: {},
  broad: [
    {
      code: 'TOKEN_EXPIRED',
      pattern: /invalid token|token (has )?expired|session (has )?expired/i,
      example: 'Invalid Token',
      message: (f) =>
        `${f.ctx.broker} says the session is no longer valid (${f.said}). XTS sessions last one day and end when the same app key logs in elsewhere; log in again.`,
    },
    { ...RATE_LIMITED, pattern: /too many requests|rate limit/i, example: 'Too many requests' },
    { ...IP_REFUSED, pattern: /\bIP\b|static ip|whitelist/i, example: 'Request from unregistered IP' },
  ],
};

/**
 * The BrokerError for an XTS answer, or null when it is a success. XTS signals a dead session with
 * `description: "Invalid Token"` on HTTP 400 (interactive, per the official SDK) and on HTTP 200
 * (observed on market data and on some deployments), so the body decides, not the status.
 */
export function xtsFailure(response: HttpResponse, ctx: FailureContext): BrokerError | null {
  const { status, body } = response;
  const envelope = envelopeOf(body);
  const ok = status >= 200 && status < 300 && envelope?.type === 'success';
  if (ok) return null;
  const text = xtsErrorText(body);
  const said = brokerMessage(text, `HTTP ${status}`);
  const facts: XtsFacts = { status, text, said, ctx };
  // The patterns rank expired > rate > IP; HTTP 429 and 403 count as a rate or IP match at their rank.
  const matched = broadRule(XTS_ERRORS, facts);
  if (matched?.code === 'TOKEN_EXPIRED') return ruleError(matched, facts);
  if (status === 429) return ruleError(RATE_LIMITED, facts);
  if (matched?.code === 'RATE_LIMITED') return ruleError(matched, facts);
  if (status === 403) return ruleError(IP_REFUSED, facts);
  if (matched) return ruleError(matched, facts);
  if (ctx.loginApp) {
    if (status >= 500) return new BrokerError('BROKER_REJECTED', `${ctx.broker} login is unavailable right now (${said}).`, status);
    return new BrokerError(
      'INVALID_CREDENTIALS',
      `${ctx.broker} refused the ${ctx.loginApp} login (${said}). Check that app's App Key and Secret Key, and the Source field.`,
      status,
    );
  }
  if (status >= 500) return new BrokerError('BROKER_REJECTED', `${ctx.broker} is unavailable right now (${said}).`, status);
  return new BrokerError('BROKER_REJECTED', `${ctx.broker} rejected the request: ${said}`, status);
}
