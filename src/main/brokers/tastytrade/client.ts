import { brokerRequest, type HttpRequest, type HttpResponse } from '../http';
import { BrokerError, type BrokerContext, type SessionUpdate } from '../types';
import { tastyError, tokenError } from './errors';

/** tastytrade rejects requests whose User-Agent is not `<product>/<version>`. */
export const USER_AGENT = 'BrokerVault/0.1.0';
/** Fields the login stores next to the user's own. */
export const ACCESS_TOKEN = 'access_token';
export const ACCESS_TOKEN_EXPIRES_AT = 'access_token_expires_at';

/** One authenticated REST call; non-2xx answers become BrokerErrors. */
export async function tastyCall(ctx: BrokerContext, req: HttpRequest): Promise<HttpResponse> {
  const token = ctx.credentials[ACCESS_TOKEN];
  if (!token) throw new BrokerError('TOKEN_EXPIRED', 'No tastytrade access token yet; sign in with the refresh token first.');
  const response = await brokerRequest(ctx, {
    ...req,
    headers: { ...req.headers, 'user-agent': USER_AGENT, authorization: `Bearer ${token}` },
  });
  if (response.status >= 400) throw tastyError(response);
  return response;
}

/** `data` of tastytrade's `{"data":…,"context":…}` envelope. */
export function data<T>(response: HttpResponse): T {
  return ((response.body as { data?: unknown }).data ?? {}) as T;
}

/** Exchange the long-lived refresh token for a 15-minute access token. */
export async function exchangeRefreshToken(ctx: BrokerContext): Promise<SessionUpdate> {
  const { refresh_token: refreshToken, client_secret: clientSecret, client_id: clientId } = ctx.credentials;
  if (!refreshToken || !clientSecret) throw new BrokerError('INVALID_CREDENTIALS', 'Enter the tastytrade client secret and refresh token.');
  const response = await brokerRequest(ctx, {
    method: 'POST',
    path: '/oauth/token',
    headers: { 'user-agent': USER_AGENT },
    json: { grant_type: 'refresh_token', refresh_token: refreshToken, client_secret: clientSecret, ...(clientId ? { client_id: clientId } : {}) },
  });
  if (response.status >= 400) throw tokenError(response);
  const body = response.body as { access_token?: unknown; expires_in?: unknown };
  if (typeof body.access_token !== 'string' || !body.access_token) {
    throw new BrokerError('BROKER_REJECTED', 'tastytrade answered the sign-in without an access token.');
  }
  const lifetimeS = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 900;
  const expiresAt = ctx.clock.now() + lifetimeS * 1000;
  return { fields: { [ACCESS_TOKEN]: body.access_token, [ACCESS_TOKEN_EXPIRES_AT]: String(expiresAt) }, expiresAt };
}

interface AccountItem {
  account?: { 'account-number'?: string; 'account-type-name'?: string; 'margin-or-cash'?: string; 'is-closed'?: boolean };
  'authority-level'?: string;
}

export async function customerAccounts(ctx: BrokerContext): Promise<AccountItem[]> {
  return data<{ items?: AccountItem[] }>(await tastyCall(ctx, { method: 'GET', path: '/customers/me/accounts' })).items ?? [];
}

/** The account to trade: the one entered, else the first open one (looked up once per connection). */
export async function accountNumber(ctx: BrokerContext): Promise<string> {
  const entered = ctx.credentials.account_number?.trim();
  if (entered) return entered;
  const cached = ctx.memo.get('tastytrade.account');
  if (typeof cached === 'string') return cached;
  const first = (await customerAccounts(ctx)).find((i) => i.account?.['account-number'] && !i.account['is-closed']);
  const number = first?.account?.['account-number'];
  if (!number) throw new BrokerError('BROKER_REJECTED', 'tastytrade lists no open account for this login.');
  ctx.memo.set('tastytrade.account', number);
  return number;
}

export function accountPath(account: string, rest = ''): string {
  return `/accounts/${encodeURIComponent(account)}${rest}`;
}
