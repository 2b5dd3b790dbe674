import { type ErrorFacts, type ErrorRule, type ErrorTable, broadRule, exactRule, ruleError } from '../errors-table';
import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError } from '../types';

export const ANGEL_IP_GUIDANCE =
  'Angel One accepts orders only from the static IP registered on your SmartAPI app (SEBI retail-algo rules, from 1 April 2026). ' +
  "Register this network's public IP as the primary IP of your app at smartapi.angelone.in → My Apps, or place orders from the registered IP.";

interface AngelEnvelope {
  status?: unknown;
  success?: unknown;
  message?: unknown;
  errorcode?: unknown;
  errorCode?: unknown;
  data?: unknown;
}

/** Scope 'text' is a plain-text answer (the rate limiter's); 'envelope' is Angel's JSON envelope. */
export interface AngelFacts extends ErrorFacts {
  readonly code: string;
  /** Angel's message, shortened by brokerMessage. */
  readonly said: string;
}

const RATE_LIMITED: ErrorRule<AngelFacts> = {
  code: 'RATE_LIMITED',
  message: () => 'Angel One rate limit reached. Wait a second and try again.',
};
/** Angel codes that mean "log in again". */
const SESSION: ErrorRule<AngelFacts> = {
  code: 'TOKEN_EXPIRED',
  message: (f) => `The Angel One session has expired or is invalid (${f.code}). Log in again.`,
};
/** Angel codes that mean the stored login fields are wrong. AG8004 (invalid API key) is unconfirmed. */
const CREDENTIALS: ErrorRule<AngelFacts> = {
  code: 'INVALID_CREDENTIALS',
  message: (f) => `Angel One rejected the login (${f.code}): ${f.said}. Check the API key, client code and MPIN.`,
};

export const ANGEL_ERRORS: ErrorTable<AngelFacts> = {
  exact: {
    AG7002: { code: 'IP_NOT_ALLOWED', message: (f) => `${f.said} (AG7002). ${ANGEL_IP_GUIDANCE}` },
    AG8001: SESSION,
    AG8002: SESSION,
    AG8003: SESSION,
    AB1010: SESSION,
    AB1011: SESSION,
    AB8050: SESSION,
    AB8051: SESSION,
    AB1000: CREDENTIALS,
    AB1006: CREDENTIALS,
    AG8004: CREDENTIALS,
    AB1050: {
      code: 'INVALID_CREDENTIALS',
      message: () => "Angel One rejected the TOTP code (AB1050). Check the TOTP secret and that this computer's clock is correct.",
    },
  },
  broad: [
    // The rate limiter answers HTTP 403 with plain text ("Access denied because of exceeding access rate").
    { ...RATE_LIMITED, pattern: /exceed/i, example: 'Access denied because of exceeding access rate', only: ['text'] },
  ],
};

/** Turn an Angel One answer into its `data`, or throw the matching BrokerError. */
export function angelData<T>(res: HttpResponse): T {
  const body = res.body;
  if (typeof body === 'string' || body === null || typeof body !== 'object') {
    const text = typeof body === 'string' ? body : '';
    const facts: AngelFacts = { status: res.status, code: '', text, said: '', scope: 'text' };
    if (res.status === 429) throw ruleError(RATE_LIMITED, facts);
    const rule = broadRule(ANGEL_ERRORS, facts);
    if (rule) throw ruleError(rule, facts);
    if (res.status === 401) throw new BrokerError('TOKEN_EXPIRED', 'The Angel One session has expired. Log in again.', res.status);
    throw new BrokerError('BROKER_REJECTED', `Angel One answered unexpectedly (HTTP ${res.status}).`, res.status);
  }
  const envelope = body as AngelEnvelope;
  if ((envelope.status === true || envelope.success === true) && res.status < 400) return envelope.data as T;
  const code = String(envelope.errorcode ?? envelope.errorCode ?? '').toUpperCase();
  const message = brokerMessage(envelope.message, `HTTP ${res.status}`);
  const facts: AngelFacts = { status: res.status, code, text: message, said: message, scope: 'envelope' };
  const rule = exactRule(ANGEL_ERRORS, facts);
  if (rule) throw ruleError(rule, facts);
  if (res.status === 429) throw ruleError(RATE_LIMITED, facts);
  if (res.status === 401) throw new BrokerError('TOKEN_EXPIRED', 'The Angel One session has expired. Log in again.', res.status);
  throw new BrokerError('BROKER_REJECTED', `Angel One rejected the request${code ? ` (${code})` : ''}: ${message}`, res.status);
}
