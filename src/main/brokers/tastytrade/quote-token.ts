import type { SocketEndReason } from '../../streaming/broker-socket';
import { BrokerError, type BrokerContext } from '../types';
import { data, tastyCall } from './client';

export interface QuoteToken {
  token: string;
  dxlinkUrl: string;
}

/** Why a failed REST call ends the stream: a rejected access token is 'auth' (the credential failed, not the network). */
export function restFailure(error: unknown): SocketEndReason {
  if (error instanceof BrokerError) {
    if (error.code === 'TOKEN_EXPIRED' || error.code === 'INVALID_CREDENTIALS' || error.httpStatus === 401) return 'auth';
    if (error.code === 'RATE_LIMITED' || error.httpStatus === 429) return 'refused';
  }
  return 'dropped';
}

/**
 * `GET /api-quote-tokens`: the quote token and the DXLink URL to use it on. SECURITY: a `ws:` URL is taken only from
 * a plain-http API host (the simulator, a local proxy); tastytrade's own hosts must hand out `wss:`.
 */
export async function quoteToken(ctx: BrokerContext): Promise<QuoteToken> {
  const body = data<Record<string, unknown>>(await tastyCall(ctx, { method: 'GET', path: '/api-quote-tokens' }));
  const token = body.token;
  const url = body['dxlink-url'];
  const allowed = ctx.baseUrl.startsWith('http:') ? /^wss?:\/\//i : /^wss:\/\//i;
  if (typeof token !== 'string' || token === '' || typeof url !== 'string' || !allowed.test(url)) {
    throw new BrokerError('BROKER_REJECTED', 'tastytrade answered the quote-token request without a usable token and DXLink URL.');
  }
  return { token, dxlinkUrl: url };
}
