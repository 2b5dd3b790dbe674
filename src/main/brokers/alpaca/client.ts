import { brokerRequest, type HttpRequest, type HttpResponse } from '../http';
import { BrokerError, type BrokerContext } from '../types';
import { ALPACA_DATA_URL, ALPACA_LIVE_URL, ALPACA_PAPER_URL } from './descriptor';
import { alpacaError, type AlpacaCallKind } from './errors';

function credential(ctx: BrokerContext, name: 'apiKeyId' | 'apiSecretKey'): string {
  const value = ctx.credentials[name];
  if (!value) throw new BrokerError('INVALID_CREDENTIALS', 'The Alpaca API key ID or secret is missing. Enter both in the connection settings.');
  return value;
}

function authHeaders(ctx: BrokerContext): Record<string, string> {
  return { 'APCA-API-KEY-ID': credential(ctx, 'apiKeyId'), 'APCA-API-SECRET-KEY': credential(ctx, 'apiSecretKey') };
}

const trim = (url: string) => url.replace(/\/+$/, '');

/**
 * Market data is served by data.alpaca.markets. When the connection points elsewhere (a proxy or the
 * simulator), that one URL serves both, so derive the data host from ctx.baseUrl.
 */
export function dataBaseUrl(ctx: BrokerContext): string {
  const base = trim(ctx.baseUrl);
  return base === ALPACA_LIVE_URL || base === ALPACA_PAPER_URL ? ALPACA_DATA_URL : base;
}

export interface AlpacaCallOptions {
  kind?: AlpacaCallKind;
  /** Statuses the caller handles itself (e.g. 404 on a look-up). */
  allow?: number[];
}

/** One authenticated Alpaca call; non-2xx answers (other than `allow`) become BrokerErrors. */
export async function alpacaRequest(ctx: BrokerContext, req: HttpRequest, options: AlpacaCallOptions = {}): Promise<HttpResponse> {
  const kind = options.kind ?? 'trading';
  const target = kind === 'data' ? { ...ctx, baseUrl: dataBaseUrl(ctx) } : ctx;
  const res = await brokerRequest(target, { ...req, headers: { ...req.headers, ...authHeaders(ctx) } });
  if ((res.status >= 200 && res.status < 300) || options.allow?.includes(res.status)) return res;
  throw alpacaError(res, kind, ctx.clock.now());
}

/** The message of an Alpaca error body, for callers that inspect a handled status. */
export function errorText(body: unknown): string {
  const message = body && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : '';
}
