import { brokerRequest, type HttpResponse } from '../http';
import { BrokerError, type BrokerContext } from '../types';
import { binanceError, errorBody, type KeyRestrictions } from './errors';
import { ed25519PrivateKey, encodeParams, sign, signEd25519, type Params } from './signing';

const OFFSET_KEY = 'binance:serverTimeOffsetMs';
export const RESTRICTIONS_KEY = 'binance:keyRestrictions';
/** Leeway for slow links; Binance allows up to 60000 ms, default 5000. */
const RECV_WINDOW = '10000';

export function credential(ctx: BrokerContext, name: 'apiKey' | 'secretKey'): string {
  const value = ctx.credentials[name];
  if (!value) throw new BrokerError('INVALID_CREDENTIALS', 'The Binance API key or secret key is missing. Enter both in the connection settings.');
  return value;
}

/** The signature of totalParams: Ed25519 with a self-generated key where the connection has one, else HMAC. */
function signature(ctx: BrokerContext, totalParams: string): string {
  const privateKey = ctx.credentials.privateKey;
  return privateKey ? signEd25519(ed25519PrivateKey(privateKey), totalParams) : sign(credential(ctx, 'secretKey'), totalParams);
}

const restrictions = (ctx: BrokerContext) => ctx.memo.get(RESTRICTIONS_KEY) as KeyRestrictions | undefined;

/** Unsigned market-data call; non-2xx answers become BrokerErrors. */
export async function publicRequest(ctx: BrokerContext, path: string, query: Record<string, string> = {}): Promise<unknown> {
  const res = await brokerRequest(ctx, { method: 'GET', path, query });
  if (res.status >= 200 && res.status < 300) return res.body;
  throw binanceError(res, false, restrictions(ctx));
}

/**
 * Server time minus local time, measured once per connection and kept in ctx.memo, so a drifting
 * local clock does not push signed requests outside recvWindow.
 */
export async function serverOffset(ctx: BrokerContext, refresh = false): Promise<number> {
  const known = ctx.memo.get(OFFSET_KEY);
  if (typeof known === 'number' && !refresh) return known;
  const before = ctx.clock.now();
  const body = (await publicRequest(ctx, '/api/v3/time')) as { serverTime?: unknown };
  const after = ctx.clock.now();
  if (typeof body.serverTime !== 'number') throw new BrokerError('BROKER_REJECTED', 'Binance sent no server time.');
  const offset = Math.round(body.serverTime - (before + after) / 2);
  ctx.memo.set(OFFSET_KEY, offset);
  return offset;
}

export interface SignedCall {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  params: Params;
  /** Order placement/cancel: -2015 then means a missing trading permission more likely than a bad key. */
  trading?: boolean;
  /** Binance error codes the caller handles itself (the response is returned instead of thrown). */
  handle?: number[];
}

async function send(ctx: BrokerContext, call: SignedCall, offset: number): Promise<HttpResponse> {
  const params: Params = [...call.params, ['recvWindow', RECV_WINDOW], ['timestamp', String(Math.round(ctx.clock.now() + offset))]];
  const signed: Params = [...params, ['signature', signature(ctx, encodeParams(params))]];
  const record = Object.fromEntries(signed);
  const headers = { 'X-MBX-APIKEY': credential(ctx, 'apiKey') };
  // POST parameters go in a form body, the rest in the query string; both are what Binance signs.
  return call.method === 'POST'
    ? brokerRequest(ctx, { method: call.method, path: call.path, headers, form: record })
    : brokerRequest(ctx, { method: call.method, path: call.path, headers, query: record });
}

/** A SIGNED call (HMAC-SHA256, or Ed25519 for self-generated keys). A -1021 timestamp rejection re-syncs the clock and retries once: it did not execute. */
export async function signedRequest(ctx: BrokerContext, call: SignedCall): Promise<HttpResponse> {
  let res = await send(ctx, call, await serverOffset(ctx));
  if (errorBody(res.body)?.code === -1021) res = await send(ctx, call, await serverOffset(ctx, true));
  if (res.status >= 200 && res.status < 300) return res;
  const code = errorBody(res.body)?.code;
  if (code !== undefined && call.handle?.includes(code)) return res;
  throw binanceError(res, call.trading ?? false, restrictions(ctx));
}
