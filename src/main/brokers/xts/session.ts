import { brokerRequest } from '../http';
import { jwtExpiryMs } from '../jwt';
import { BrokerError, type BrokerContext, type SessionUpdate } from '../types';
import { failureContext, rootPath, type XtsApi, type XtsProfile } from './client';
import { FIELD, SESSION } from './config';
import { envelopeOf, xtsFailure } from './errors';

interface LoginResult {
  token: string;
  userID: string;
  isInvestorClient: boolean | null;
  clientCodes: string[];
}

function required(ctx: BrokerContext, profile: XtsProfile, name: string, label: string): string {
  const value = ctx.credentials[name]?.trim();
  if (!value) throw new BrokerError('INVALID_CREDENTIALS', `Enter the ${label} of your ${profile.descriptor.name} XTS app.`);
  return value;
}

/** POST the key pair to one API's login and read `result{token, userID, …}`. */
async function loginTo(ctx: BrokerContext, profile: XtsProfile, api: XtsApi, appKey: string, secretKey: string): Promise<LoginResult> {
  const source = ctx.credentials[FIELD.source]?.trim() || 'WEBAPI';
  const response = await brokerRequest(ctx, {
    method: 'POST',
    path: rootPath(profile, api, api === 'interactive' ? '/user/session' : '/auth/login'),
    json: { appKey, secretKey, source },
  });
  const failure = xtsFailure(response, failureContext(profile, api === 'interactive' ? 'Interactive Order API' : 'Market Data API'));
  if (failure) throw failure;
  const result = envelopeOf(response.body)?.result as Record<string, unknown> | undefined;
  const token = result?.token;
  if (typeof token !== 'string' || !token) {
    throw new BrokerError('BROKER_REJECTED', `${profile.descriptor.name} accepted the login but returned no session token.`);
  }
  return {
    token,
    userID: typeof result?.userID === 'string' ? result.userID : '',
    isInvestorClient: typeof result?.isInvestorClient === 'boolean' ? result.isInvestorClient : null,
    clientCodes: Array.isArray(result?.clientCodes) ? result.clientCodes.filter((c): c is string => typeof c === 'string') : [],
  };
}

/** Both sessions: interactive (orders, funds, positions) and market data (quotes, instrument master). */
export async function login(ctx: BrokerContext, profile: XtsProfile): Promise<SessionUpdate> {
  const interactive = await loginTo(
    ctx,
    profile,
    'interactive',
    required(ctx, profile, FIELD.interactiveAppKey, 'interactive app key'),
    required(ctx, profile, FIELD.interactiveSecretKey, 'interactive secret key'),
  );
  const marketData = await loginTo(
    ctx,
    profile,
    'marketData',
    required(ctx, profile, FIELD.marketDataAppKey, 'market-data app key'),
    required(ctx, profile, FIELD.marketDataSecretKey, 'market-data secret key'),
  );
  const fields: Record<string, string> = {
    [SESSION.interactiveToken]: interactive.token,
    [SESSION.interactiveUserId]: interactive.userID,
    [SESSION.isInvestorClient]: String(interactive.isInvestorClient ?? true),
    [SESSION.clientId]: interactive.clientCodes[0] ?? interactive.userID,
    [SESSION.marketDataToken]: marketData.token,
    [SESSION.marketDataUserId]: marketData.userID,
  };
  return { fields, expiresAt: expiryOf(fields) };
}

/** The connection is usable until the first of its two sessions ends (each token's JWT `exp`, 24 h after login). */
export function expiryOf(fields: Readonly<Record<string, string>>): number | null {
  const ends = [jwtExpiryMs(fields[SESSION.interactiveToken]), jwtExpiryMs(fields[SESSION.marketDataToken])].filter((t): t is number => t !== null);
  return ends.length ? Math.min(...ends) : null;
}
