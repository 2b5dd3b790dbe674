import { createHash } from 'node:crypto';
import { joinUrl } from '../http';
import { BrokerError, type BrokerContext, type SessionUpdate } from '../types';
import { credential, fyers, fyersRoot } from './client';
import { num, text } from '../json';
import { jwtClaims } from '../jwt';

/** appIdHash: hex SHA-256 of "<App ID>:<Secret ID>" (colon-separated). */
export function fyersAppIdHash(appId: string, secret: string): string {
  return createHash('sha256').update(`${appId}:${secret}`).digest('hex');
}

/** The FYERS login page; FYERS redirects to redirect_uri (which must equal the app's registered URL) with auth_code and state. */
export function fyersLoginUrl(ctx: BrokerContext, redirectUri: string, state: string): string {
  const url = joinUrl(fyersRoot(ctx), '/api/v3/generate-authcode');
  url.searchParams.set('client_id', credential(ctx, 'client_id'));
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('state', state);
  return url.toString();
}

/**
 * When a FYERS token dies: the token's own `exp` claim. Without one, assume 00:00 UTC (05:30 IST), the end
 * seen on real tokens (FYERS documents only "valid for the day"). A numeric-string `exp` is read too.
 */
export function fyersTokenExpiry(token: string | undefined, now: number): number {
  const exp = num(jwtClaims(token)?.exp);
  return exp !== null ? exp * 1000 : (Math.floor(now / 86_400_000) + 1) * 86_400_000;
}

/** Exchange the redirect's auth_code for an access token (POST /api/v3/validate-authcode). */
export async function completeFyersLogin(ctx: BrokerContext, params: Record<string, string>): Promise<SessionUpdate> {
  const code = params.auth_code;
  if ((params.s && params.s !== 'ok') || !code) {
    throw new BrokerError('INVALID_CREDENTIALS', 'The FYERS login was not completed. Start the login again and finish it on the FYERS page.');
  }
  const body = await fyers(ctx, {
    kind: 'login',
    authenticated: false,
    method: 'POST',
    path: '/api/v3/validate-authcode',
    json: { grant_type: 'authorization_code', appIdHash: fyersAppIdHash(credential(ctx, 'client_id'), credential(ctx, 'secret_key')), code },
  });
  const accessToken = text(body.access_token);
  if (!accessToken) throw new BrokerError('BROKER_REJECTED', 'FYERS answered the login without an access token. Try logging in again.');
  // The refresh token is deliberately not kept: FYERS stops honouring refresh sessions from April 2026 and it would be a 15-day credential at rest.
  return { fields: { access_token: accessToken }, expiresAt: fyersTokenExpiry(accessToken, ctx.clock.now()) };
}

export function fyersSessionExpiry(ctx: BrokerContext): number | null {
  const token = ctx.credentials.access_token;
  return token ? fyersTokenExpiry(token, ctx.clock.now()) : null;
}
