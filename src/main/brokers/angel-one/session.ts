import { BrokerError, type BrokerContext, type SessionUpdate } from '../types';
import { angelCall, PATHS } from './client';
import { nextIstMidnight } from '../india-time';
import { jwtClaims } from '../jwt';
import { currentTotp } from '../totp';

interface AngelTokens {
  jwtToken?: string;
  refreshToken?: string;
  feedToken?: string;
}

/** The current TOTP for the stored seed, on the context's clock. */
function angelTotp(ctx: BrokerContext): Promise<string> {
  return currentTotp(ctx, 'totp_secret', 'Angel One', 'smartapi.angelone.in/enable-totp');
}

/** When a session JWT stops working: midnight IST after it was issued, or its own `exp` if earlier. */
export function jwtExpiry(jwt: string | undefined, fallbackIssuedAt: number | null): number | null {
  const claims = jwtClaims(jwt);
  const issuedAt = typeof claims?.iat === 'number' ? claims.iat * 1000 : fallbackIssuedAt;
  const candidates: number[] = [];
  if (issuedAt !== null) candidates.push(nextIstMidnight(issuedAt));
  if (typeof claims?.exp === 'number') candidates.push(claims.exp * 1000);
  return candidates.length ? Math.min(...candidates) : null;
}

function toSession(ctx: BrokerContext, tokens: AngelTokens | null): SessionUpdate {
  if (!tokens?.jwtToken || !tokens.refreshToken) {
    throw new BrokerError('BROKER_REJECTED', 'Angel One answered the login without session tokens.');
  }
  const fields: Record<string, string> = { jwtToken: tokens.jwtToken, refreshToken: tokens.refreshToken };
  if (tokens.feedToken) fields.feedToken = tokens.feedToken;
  return { fields, expiresAt: jwtExpiry(tokens.jwtToken, ctx.clock.now()) };
}

async function loginByPassword(ctx: BrokerContext): Promise<SessionUpdate> {
  const { clientcode, mpin } = ctx.credentials;
  if (!clientcode || !mpin) throw new BrokerError('INVALID_CREDENTIALS', 'The Angel One client code or MPIN is missing.');
  const totp = await angelTotp(ctx);
  const data = await angelCall<AngelTokens | null>(ctx, {
    method: 'POST',
    path: PATHS.loginByPassword,
    json: { clientcode, password: mpin, totp },
    auth: false,
  });
  return toSession(ctx, data);
}

async function renewWithRefreshToken(ctx: BrokerContext): Promise<SessionUpdate> {
  const data = await angelCall<AngelTokens | null>(ctx, {
    method: 'POST',
    path: PATHS.generateTokens,
    json: { refreshToken: ctx.credentials.refreshToken },
  });
  return toSession(ctx, data);
}

/** A refresh token is worth trying while the current session (and the token's own `exp`) is still valid. */
function canRenew(ctx: BrokerContext): boolean {
  const { jwtToken, refreshToken } = ctx.credentials;
  if (!jwtToken || !refreshToken) return false;
  const now = ctx.clock.now();
  const sessionEnd = jwtExpiry(jwtToken, null);
  const refreshExp = jwtClaims(refreshToken)?.exp;
  return (sessionEnd === null || sessionEnd > now) && (typeof refreshExp !== 'number' || refreshExp * 1000 > now);
}

/**
 * Log in: renew with generateTokens while the stored session is still valid, otherwise (or if Angel
 * refuses the refresh token) a full loginByPassword with client code, MPIN and a TOTP computed here.
 */
export async function login(ctx: BrokerContext): Promise<SessionUpdate> {
  if (canRenew(ctx)) {
    try {
      return await renewWithRefreshToken(ctx);
    } catch (error) {
      if (!(error instanceof BrokerError) || error.code !== 'TOKEN_EXPIRED') throw error;
    }
  }
  return loginByPassword(ctx);
}

export function sessionExpiry(ctx: BrokerContext): number | null {
  return jwtExpiry(ctx.credentials.jwtToken, null);
}
