import { brokerMessage, brokerRequest, joinUrl, type HttpRequest } from '../http';
import { jwtClaims } from '../jwt';
import { BrokerError, maskAccount, type BrokerContext, type SessionUpdate } from '../types';
import { dhanClientId } from './client';
import { DHAN_AUTH_HOST } from './descriptor';
import { throwDhanError } from './errors';
import { dhanHost } from './hosts';
import { authHostSession } from './session';

/**
 * Dhan's API-key sign-in on auth.dhan.co: BrokerVault asks Dhan for a consent with the app's key and secret,
 * the trader signs in on Dhan's page (password or PIN, and TOTP), Dhan redirects to the registered URL with a
 * one-time `tokenId`, and BrokerVault exchanges it for a 24-hour access token.
 */

interface ConsentAnswer {
  consentAppId?: unknown;
}

interface ConsumedConsent {
  dhanClientId?: unknown;
  accessToken?: unknown;
  expiryTime?: unknown;
}

function appHeaders(ctx: BrokerContext): Record<string, string> {
  const appId = ctx.credentials.apiKey?.trim();
  const appSecret = ctx.credentials.apiSecret?.trim();
  if (!appId || !appSecret) throw new BrokerError('INVALID_CREDENTIALS', 'The Dhan API key or secret is missing. Edit the connection and enter both.');
  return { app_id: appId, app_secret: appSecret };
}

async function authCall(ctx: BrokerContext, request: Pick<HttpRequest, 'method' | 'path' | 'query'>): Promise<Record<string, unknown>> {
  const res = await brokerRequest({ ...ctx, baseUrl: dhanHost(ctx, DHAN_AUTH_HOST) }, { ...request, headers: appHeaders(ctx) });
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
  if (res.status >= 200 && res.status < 300 && body.errorCode === undefined && body.status !== 'failure') return body;
  if (res.status === 401 || res.status === 403) {
    const said = brokerMessage(body.errorMessage ?? body.message ?? (typeof res.body === 'string' ? res.body : ''), `HTTP ${res.status}`);
    throw new BrokerError(
      'INVALID_CREDENTIALS',
      `Dhan did not accept the API key and secret (${said}). Check them on web.dhan.co → My Profile → Access DhanHQ APIs.`,
      res.status,
    );
  }
  throwDhanError(res, 'sign-in');
}

/** Start a sign-in: a fresh consent from Dhan, and the page the trader signs in on. */
export async function consentLoginUrl(ctx: BrokerContext): Promise<string> {
  const answer = (await authCall(ctx, { method: 'POST', path: '/app/generate-consent', query: { client_id: dhanClientId(ctx) } })) as ConsentAnswer;
  if (typeof answer.consentAppId !== 'string' || !answer.consentAppId) {
    throw new BrokerError('BROKER_REJECTED', 'Dhan did not start the sign-in (no consent id came back). Try again in a moment.');
  }
  const page = joinUrl(dhanHost(ctx, DHAN_AUTH_HOST), '/login/consentApp-login');
  page.searchParams.set('consentAppId', answer.consentAppId);
  return page.toString();
}

/**
 * Exchange the redirect's `tokenId` for the session. The redirect carries no `state`, so the token must be
 * for this connection's own Dhan client: a sign-in to another account is refused, not stored.
 */
export async function completeConsentLogin(ctx: BrokerContext, params: Record<string, string>): Promise<SessionUpdate> {
  const tokenId = params.tokenId ?? params.tokenid;
  if (!tokenId) throw new BrokerError('BROKER_REJECTED', 'Dhan sent the browser back without a token id. Start the sign-in again.');
  const consumed = (await authCall(ctx, { method: 'GET', path: '/app/consumeApp-consent', query: { tokenId } })) as ConsumedConsent;
  const token = typeof consumed.accessToken === 'string' ? consumed.accessToken : '';
  if (!token) throw new BrokerError('BROKER_REJECTED', 'Dhan completed the sign-in without an access token. Start the sign-in again.');
  const expected = dhanClientId(ctx);
  const signedIn = String(consumed.dhanClientId ?? jwtClaims(token)?.dhanClientId ?? '');
  if (signedIn !== expected) {
    throw new BrokerError(
      'INVALID_CREDENTIALS',
      `You signed in to Dhan as client ${maskAccount(signedIn)}, but this connection is for client ${maskAccount(expected)}. Sign in with that account, or edit the connection's client ID.`,
    );
  }
  return authHostSession(token, consumed.expiryTime);
}
