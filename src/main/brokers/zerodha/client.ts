import { brokerRequest, joinUrl, type HttpRequest } from '../http';
import { BrokerError, type BrokerContext } from '../types';
import { KITE_API_ROOT } from './descriptor';
import { kiteError, type KiteCallKind } from './errors';
import { record } from '../json';

const KITE_LOGIN_PAGE = 'https://kite.zerodha.com/connect/login';

/** Kite's login page lives on kite.zerodha.com; under a base-URL override (simulator, proxy) it is served at the same path there. */
export function kiteLoginPage(ctx: BrokerContext): string {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  return base === KITE_API_ROOT ? KITE_LOGIN_PAGE : joinUrl(base, '/connect/login').toString();
}

export function credential(ctx: BrokerContext, name: 'api_key' | 'api_secret'): string {
  const value = ctx.credentials[name];
  if (!value)
    throw new BrokerError('INVALID_CREDENTIALS', `The Zerodha ${name === 'api_key' ? 'API key' : 'API secret'} is missing. Edit the connection and enter it.`);
  return value;
}

function accessToken(ctx: BrokerContext): string {
  const token = ctx.credentials.access_token;
  if (!token) throw new BrokerError('TOKEN_EXPIRED', 'Not logged in to Zerodha yet. Log in to Zerodha to start a session.');
  return token;
}

export interface KiteCall extends Omit<HttpRequest, 'headers' | 'json'> {
  kind: KiteCallKind;
  /** False for the session exchange, which authenticates with the checksum instead. */
  authenticated?: boolean;
}

function headers(ctx: BrokerContext, authenticated: boolean): Record<string, string> {
  const out: Record<string, string> = { 'X-Kite-Version': '3' };
  if (authenticated) out.Authorization = `token ${credential(ctx, 'api_key')}:${accessToken(ctx)}`;
  return out;
}

/** One Kite REST call: returns `data` of a success envelope, throws a mapped BrokerError otherwise. */
export async function kite<T = unknown>(ctx: BrokerContext, call: KiteCall): Promise<T> {
  const { kind, authenticated = true, ...request } = call;
  const res = await brokerRequest(ctx, { ...request, headers: headers(ctx, authenticated) });
  const envelope = record(res.body);
  // Kite signals errors by error_type even on HTTP 200, as its own client does.
  if (res.status >= 200 && res.status < 300 && envelope.status === 'success' && envelope.error_type === undefined) {
    return envelope.data as T;
  }
  throw kiteError(res.status, res.body, kind);
}

/** The instrument dump is CSV, not an envelope. */
export async function kiteCsv(ctx: BrokerContext, path: string): Promise<string> {
  const res = await brokerRequest(ctx, { method: 'GET', path, headers: { ...headers(ctx, Boolean(ctx.credentials.access_token)), accept: 'text/csv' } });
  if (res.status === 200 && typeof res.body === 'string') return res.body;
  throw kiteError(res.status, res.body, 'read');
}
