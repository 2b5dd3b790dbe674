import { BrokerError, type BrokerContext, type SessionUpdate } from '../types';
import { jwtClaims } from '../jwt';
import { dhanCall, dhanIdentity } from './client';
import { parseDhanExpiry } from './time';

interface RenewAnswer {
  token?: string;
  accessToken?: string;
  expiryTime?: string;
}

/** The token's `exp` in ms (any numeric `exp`, unlike the shared jwtExpiryMs); null when unreadable. */
function jwtExpiryMs(token: string | undefined): number | null {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : null;
}

/** The session of a fresh token from auth.dhan.co (consent or PIN + TOTP): its stated expiry, else the JWT's `exp`. */
export function authHostSession(token: string, expiryTime: unknown): SessionUpdate {
  return { fields: { accessToken: token }, expiresAt: parseDhanExpiry(expiryTime) ?? jwtExpiryMs(token) };
}

export function sessionExpiry(ctx: BrokerContext): number | null {
  return jwtExpiryMs(ctx.credentials.accessToken);
}

/**
 * Renew the web-generated token for another 24 hours (GET /v2/RenewToken). Dhan only renews a token
 * that is still valid, so an expired one is reported straight away: the user must generate a new one.
 */
export async function login(ctx: BrokerContext): Promise<SessionUpdate> {
  const { clientId } = dhanIdentity(ctx);
  const expiry = sessionExpiry(ctx);
  if (expiry !== null && expiry <= ctx.clock.now()) {
    throw new BrokerError(
      'TOKEN_EXPIRED',
      'The Dhan access token has expired and can no longer be renewed. Generate a new one on web.dhan.co → My Profile → Access DhanHQ APIs.',
    );
  }
  const answer = await dhanCall<RenewAnswer | null>(ctx, { method: 'GET', path: '/RenewToken', headers: { dhanClientId: clientId } });
  const token = answer?.token ?? answer?.accessToken;
  if (!token) throw new BrokerError('BROKER_REJECTED', 'Dhan renewed the session without returning a token.');
  return { fields: { accessToken: token }, expiresAt: jwtExpiryMs(token) ?? parseDhanExpiry(answer?.expiryTime) };
}
