import { brokerRequest, type HttpRequest } from '../http';
import { BrokerError, type BrokerContext } from '../types';
import { throwDhanError } from './errors';

export interface DhanCall {
  method: HttpRequest['method'];
  path: string;
  json?: unknown;
  /** Extra headers (RenewToken wants `dhanClientId`). */
  headers?: Record<string, string>;
}

/** The stored client id and token, or a clear error naming what is missing. */
export function dhanIdentity(ctx: BrokerContext): { clientId: string; token: string } {
  const clientId = ctx.credentials.dhanClientId;
  const token = ctx.credentials.accessToken;
  if (!clientId) throw new BrokerError('INVALID_CREDENTIALS', 'The Dhan client ID is missing. Add it in the connection settings.');
  if (!token) throw new BrokerError('INVALID_CREDENTIALS', 'The Dhan access token is missing. Generate one on web.dhan.co.');
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
  if (res.status < 200 || res.status >= 300) throwDhanError(res);
  if (res.body && typeof res.body === 'object' && 'errorCode' in res.body && 'errorType' in res.body) throwDhanError(res);
  return res.body as T;
}
