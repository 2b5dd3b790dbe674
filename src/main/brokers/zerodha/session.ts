import { createHash } from 'node:crypto';
import { BrokerError, type BrokerContext, type SessionUpdate } from '../types';
import { credential, kite, kiteLoginPage } from './client';
import { nextIstTime, parseIstDateTime } from '../india-time';
import { record, text } from '../json';

/** Kite's checksum: hex SHA-256 of api_key + request_token + api_secret, concatenated without separators. */
export function kiteChecksum(apiKey: string, requestToken: string, apiSecret: string): string {
  return createHash('sha256')
    .update(apiKey + requestToken + apiSecret)
    .digest('hex');
}

/**
 * The Kite login URL. Kite redirects to the redirect URL registered on the app (not one passed here), and appends
 * whatever `redirect_params` carries, which is how `state` comes back.
 */
export function kiteLoginUrl(ctx: BrokerContext, state: string): string {
  const url = new URL(kiteLoginPage(ctx));
  url.searchParams.set('v', '3');
  url.searchParams.set('api_key', credential(ctx, 'api_key'));
  url.searchParams.set('redirect_params', new URLSearchParams({ state }).toString());
  return url.toString();
}

/** Tokens die at 06:00 IST after the login (regulatory daily expiry). */
export function kiteExpiry(loginAt: number): number {
  return nextIstTime(loginAt, 6, 0);
}

/** Exchange the redirect's request_token for an access token (POST /session/token). */
export async function completeKiteLogin(ctx: BrokerContext, params: Record<string, string>): Promise<SessionUpdate> {
  const requestToken = params.request_token;
  if ((params.status && params.status !== 'success') || !requestToken) {
    throw new BrokerError('INVALID_CREDENTIALS', 'The Zerodha login was not completed. Start the login again and finish it on the Kite page.');
  }
  const apiKey = credential(ctx, 'api_key');
  const data = record(
    await kite(ctx, {
      kind: 'login',
      authenticated: false,
      method: 'POST',
      path: '/session/token',
      form: { api_key: apiKey, request_token: requestToken, checksum: kiteChecksum(apiKey, requestToken, credential(ctx, 'api_secret')) },
    }),
  );
  const accessToken = text(data.access_token);
  if (!accessToken) throw new BrokerError('BROKER_REJECTED', 'Zerodha answered the login without an access token. Try logging in again.');
  const loginAt = parseIstDateTime(data.login_time) ?? ctx.clock.now();
  return {
    fields: { access_token: accessToken, user_id: text(data.user_id) ?? '', login_time: String(loginAt) },
    expiresAt: kiteExpiry(loginAt),
  };
}

export function kiteSessionExpiry(ctx: BrokerContext): number | null {
  if (!ctx.credentials.access_token) return null;
  const loginAt = Number(ctx.credentials.login_time);
  return kiteExpiry(Number.isFinite(loginAt) && loginAt > 0 ? loginAt : ctx.clock.now());
}
