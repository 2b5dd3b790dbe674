import type { BrokerDescriptor } from '../../../shared/brokers';
import { brokerRequest, type HttpRequest } from '../http';
import { BrokerError, type BrokerContext } from '../types';
import { SESSION, type XtsRoots } from './config';
import { envelopeOf, xtsFailure, type FailureContext } from './errors';

/** What every XTS call needs besides the context: which broker, and where its two APIs live. */
export interface XtsProfile {
  descriptor: BrokerDescriptor;
  roots: XtsRoots;
}

export type XtsApi = 'interactive' | 'marketData';

export interface XtsCall {
  api: XtsApi;
  method: HttpRequest['method'];
  /** Path under the API's root, e.g. "/orders". */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: Record<string, unknown>;
}

export function failureContext(profile: XtsProfile, loginApp: string | null = null): FailureContext {
  return { broker: profile.descriptor.name, staticIpNote: profile.descriptor.staticIp ?? '', loginApp };
}

export function rootPath(profile: XtsProfile, api: XtsApi, path: string): string {
  return (api === 'interactive' ? profile.roots.interactive : profile.roots.marketData) + path;
}

/** Dealer logins (isInvestorClient false) must name the client on every interactive call. */
function dealerClientId(ctx: BrokerContext): string | undefined {
  return ctx.credentials[SESSION.isInvestorClient] === 'false' ? ctx.credentials[SESSION.clientId] || undefined : undefined;
}

/**
 * One authenticated XTS call: `authorization: <token>` (raw, no "Bearer") with the session of the
 * API called, the envelope checked, and `result` returned for the caller to map.
 */
export async function xtsCall(ctx: BrokerContext, profile: XtsProfile, call: XtsCall): Promise<unknown> {
  const token = ctx.credentials[call.api === 'interactive' ? SESSION.interactiveToken : SESSION.marketDataToken];
  if (!token) {
    const which = call.api === 'interactive' ? 'trading (interactive)' : 'market-data';
    throw new BrokerError('TOKEN_EXPIRED', `Not logged in to the ${profile.descriptor.name} ${which} API yet; log in first.`);
  }
  const clientID = call.api === 'interactive' ? dealerClientId(ctx) : undefined;
  const sendsBody = call.method === 'POST' || call.method === 'PUT';
  const response = await brokerRequest(ctx, {
    method: call.method,
    path: rootPath(profile, call.api, call.path),
    headers: { authorization: token },
    query: !sendsBody && clientID ? { ...call.query, clientID } : call.query,
    json: sendsBody ? (clientID ? { ...call.json, clientID } : (call.json ?? {})) : undefined,
  });
  const failure = xtsFailure(response, failureContext(profile));
  if (failure) throw failure;
  return envelopeOf(response.body)?.result;
}
