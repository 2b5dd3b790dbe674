import { brokerRequest, type HttpRequest } from '../http';
import { BrokerError, type BrokerContext } from '../types';
import { throwDhanError, type DhanTokenSource } from './errors';

export interface DhanCall {
  method: HttpRequest['method'];
  path: string;
  json?: unknown;
  /** Extra headers (RenewToken wants `dhanClientId`). */
  headers?: Record<string, string>;
}

/** Where a connection's tokens come from: Dhan's consent flow (API key), a PIN + TOTP login, or the web console. */
export function tokenSource(ctx: BrokerContext): DhanTokenSource {
  if (ctx.credentials.apiKey) return 'sign-in';
  return ctx.credentials.pin ? 'pin-totp' : 'web-token';
}

export function dhanClientId(ctx: BrokerContext): string {
  const clientId = ctx.credentials.dhanClientId;
  if (!clientId) throw new BrokerError('INVALID_CREDENTIALS', 'The Dhan client ID is missing. Add it in the connection settings.');
  return clientId;
}

/** The stored client id and token, or a clear error naming what is missing. */
export function dhanIdentity(ctx: BrokerContext): { clientId: string; token: string } {
  const clientId = dhanClientId(ctx);
  const token = ctx.credentials.accessToken;
  if (!token) {
    const source = tokenSource(ctx);
    if (source === 'sign-in') throw new BrokerError('TOKEN_EXPIRED', "Not signed in to Dhan yet. Choose Sign in to open Dhan's sign-in page.");
    if (source === 'pin-totp')
      throw new BrokerError('TOKEN_EXPIRED', 'Not logged in to Dhan yet. Choose Re-login: BrokerVault logs in with your PIN and TOTP.');
    throw new BrokerError('INVALID_CREDENTIALS', 'The Dhan access token is missing. Generate one on web.dhan.co.');
  }
  return { clientId, token };
}

/**
 * One DhanHQ call. `access-token` on every call; `client-id` too, since the Data APIs require it and
 * Dhan's own Python client sends it everywhere. Trading answers are bare JSON (no envelope).
 */
export async function dhanCall<T>(ctx: BrokerContext, call: DhanCall): Promise<T> {
  const { clientId, token } = dhanIdentity(ctx);
  const res = await brokerRequest(ctx, {
    method: call.method,
    path: call.path,
    json: call.json,
    headers: { 'access-token': token, 'client-id': clientId, ...call.headers },
  });
  if (res.status < 200 || res.status >= 300) throwDhanError(res, tokenSource(ctx));
  if (res.body && typeof res.body === 'object' && 'errorCode' in res.body && 'errorType' in res.body) throwDhanError(res, tokenSource(ctx));
  return res.body as T;
}
