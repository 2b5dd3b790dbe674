import { brokerRequest, type HttpRequest } from '../http';
import { BrokerError, type BrokerContext } from '../types';
import { FYERS_API_HOST } from './descriptor';
import { fyersError, type FyersCallKind } from './errors';
import { record, type JsonRecord } from '../json';

const FYERS_PUBLIC_HOST = 'https://public.fyers.in';

/** The host root: a base URL that names the API root ("…/api/v3") is accepted too. */
export function fyersRoot(ctx: BrokerContext): string {
  return ctx.baseUrl.replace(/\/+$/, '').replace(/\/api\/v3$/, '');
}

/** The symbol master lives on public.fyers.in; under a base-URL override it is served at the same path there. */
export function fyersPublicRoot(ctx: BrokerContext): string {
  const root = fyersRoot(ctx);
  return root === FYERS_API_HOST ? FYERS_PUBLIC_HOST : root;
}

export function credential(ctx: BrokerContext, name: 'client_id' | 'secret_key'): string {
  const value = ctx.credentials[name];
  if (!value)
    throw new BrokerError('INVALID_CREDENTIALS', `The FYERS ${name === 'client_id' ? 'App ID' : 'Secret ID'} is missing. Edit the connection and enter it.`);
  return value;
}

function authorization(ctx: BrokerContext): string {
  const token = ctx.credentials.access_token;
  if (!token) throw new BrokerError('TOKEN_EXPIRED', 'Not logged in to FYERS yet. Log in to FYERS to start a session.');
  return `${credential(ctx, 'client_id')}:${token}`;
}

export interface FyersCall extends Omit<HttpRequest, 'headers' | 'form'> {
  kind: FyersCallKind;
  /** False for the auth-code exchange, which authenticates with appIdHash instead. */
  authenticated?: boolean;
}

/** One FYERS call (path from the host root, e.g. "/api/v3/profile" or "/data/quotes"): the body when s = "ok". */
export async function fyers(ctx: BrokerContext, call: FyersCall): Promise<JsonRecord> {
  const { kind, authenticated = true, ...request } = call;
  const headers: Record<string, string> = { version: '3' };
  if (authenticated) headers.Authorization = authorization(ctx);
  const res = await brokerRequest({ ...ctx, baseUrl: fyersRoot(ctx) }, { ...request, headers });
  const body = record(res.body);
  if (res.status >= 200 && res.status < 300 && body.s === 'ok') return body;
  throw fyersError(res.status, res.body, kind);
}

/** A public symbol-master CSV (no auth). */
export async function fyersPublicCsv(ctx: BrokerContext, path: string): Promise<string> {
  const res = await brokerRequest({ ...ctx, baseUrl: fyersPublicRoot(ctx) }, { method: 'GET', path, headers: { accept: 'text/csv' } });
  if (res.status === 200 && typeof res.body === 'string') return res.body;
  throw new BrokerError('BROKER_REJECTED', `FYERS' symbol master could not be downloaded (HTTP ${res.status}).`, res.status);
}
