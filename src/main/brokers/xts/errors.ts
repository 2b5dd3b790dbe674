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
  if (/invalid token|token (has )?expired|session (has )?expired/i.test(text ?? '')) {
    return new BrokerError(
      'TOKEN_EXPIRED',
      `${ctx.broker} says the session is no longer valid (${said}). XTS sessions last one day and end when the same app key logs in elsewhere; log in again.`,
      status,
    );
  }
  if (status === 429 || /too many requests|rate limit/i.test(text ?? '')) {
    return new BrokerError('RATE_LIMITED', `${ctx.broker} rate limit reached (${said}). Wait a second and try again.`, status);
  }
  if (status === 403 || /\bIP\b|static ip|whitelist/i.test(text ?? '')) {
    return new BrokerError('IP_NOT_ALLOWED', `${ctx.broker} refused the request from this IP address (${said}). ${ctx.staticIpNote}`, status);
  }
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
