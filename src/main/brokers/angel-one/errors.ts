import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError } from '../types';

export const ANGEL_IP_GUIDANCE =
  'Angel One accepts orders only from the static IP registered on your SmartAPI app (SEBI retail-algo rules, from 1 April 2026). ' +
  'Register this network\'s public IP as the primary IP of your app at smartapi.angelone.in → My Apps, or place orders from the registered IP.';

/** Angel codes that mean "log in again". */
const SESSION_CODES = new Set(['AG8001', 'AG8002', 'AG8003', 'AB1010', 'AB1011', 'AB8050', 'AB8051']);
/** Angel codes that mean the stored login fields are wrong. AG8004 (invalid API key) is unconfirmed. */
const CREDENTIAL_CODES = new Set(['AB1000', 'AB1006', 'AB1050', 'AG8004']);

interface AngelEnvelope {
  status?: unknown;
  success?: unknown;
  message?: unknown;
  errorcode?: unknown;
  errorCode?: unknown;
  data?: unknown;
}

function credentialMessage(code: string, message: string): string {
  if (code === 'AB1050') return 'Angel One rejected the TOTP code (AB1050). Check the TOTP secret and that this computer\'s clock is correct.';
  return `Angel One rejected the login (${code}): ${message}. Check the API key, client code and MPIN.`;
}

/** Turn an Angel One answer into its `data`, or throw the matching BrokerError. */
export function angelData<T>(res: HttpResponse): T {
  const body = res.body;
  if (typeof body === 'string' || body === null || typeof body !== 'object') {
    // The rate limiter answers HTTP 403 with plain text ("Access denied because of exceeding access rate").
    const text = typeof body === 'string' ? body : '';
    if (res.status === 429 || /exceed/i.test(text)) {
      throw new BrokerError('RATE_LIMITED', 'Angel One rate limit reached. Wait a second and try again.', res.status);
    }
    if (res.status === 401) throw new BrokerError('TOKEN_EXPIRED', 'The Angel One session has expired. Log in again.', res.status);
    throw new BrokerError('BROKER_REJECTED', `Angel One answered unexpectedly (HTTP ${res.status}).`, res.status);
  }
  const envelope = body as AngelEnvelope;
  if ((envelope.status === true || envelope.success === true) && res.status < 400) return envelope.data as T;
  const code = String(envelope.errorcode ?? envelope.errorCode ?? '').toUpperCase();
  const message = brokerMessage(envelope.message, `HTTP ${res.status}`);
  if (code === 'AG7002') throw new BrokerError('IP_NOT_ALLOWED', `${message} (AG7002). ${ANGEL_IP_GUIDANCE}`, res.status);
  if (SESSION_CODES.has(code)) {
    throw new BrokerError('TOKEN_EXPIRED', `The Angel One session has expired or is invalid (${code}). Log in again.`, res.status);
  }
  if (CREDENTIAL_CODES.has(code)) throw new BrokerError('INVALID_CREDENTIALS', credentialMessage(code, message), res.status);
  if (res.status === 429) throw new BrokerError('RATE_LIMITED', 'Angel One rate limit reached. Wait a second and try again.', res.status);
  if (res.status === 401) throw new BrokerError('TOKEN_EXPIRED', 'The Angel One session has expired. Log in again.', res.status);
  throw new BrokerError('BROKER_REJECTED', `Angel One rejected the request${code ? ` (${code})` : ''}: ${message}`, res.status);
}
