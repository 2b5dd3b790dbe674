import type { SimHandler, SimRequest, SimResponse } from '../harness';
import { badRequest, CODES, error, invalidToken, tooManyRequests } from './responses';
import type { XtsApiKind, XtsSimState } from './state';

export interface GuardOptions {
  /** Order endpoints: IP allow-list and the 10/s order limiter. */
  order?: boolean;
  /** Read endpoints limited to 1 request/s each, by name. */
  read?: string;
}

/** JSON body of an authenticated call; null when it is not JSON. */
export function jsonBody(req: SimRequest): Record<string, unknown> | null {
  try {
    const body = req.json<unknown>();
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function clientIdOf(req: SimRequest): string | null {
  const fromQuery = req.query.get('clientID');
  if (fromQuery) return fromQuery;
  const body = req.method === 'POST' || req.method === 'PUT' ? jsonBody(req) : null;
  return typeof body?.clientID === 'string' && body.clientID ? body.clientID : null;
}

/**
 * The checks in front of every authenticated XTS endpoint, in the order the real one answers them:
 * token (raw `authorization` header), dealer clientID, static IP (orders only), rate limits.
 */
export function guard(state: XtsSimState, kind: XtsApiKind, options: GuardOptions, handler: SimHandler): SimHandler {
  return (req): SimResponse | Promise<SimResponse> => {
    if (!state.valid(kind, req.headers.authorization)) return invalidToken(state.invalidTokenStatus[kind]);
    if (kind === 'interactive' && state.dealer) {
      const clientID = clientIdOf(req);
      if (!clientID) return badRequest('clientID', '"clientID" is required');
      if (!state.dealerClients.includes(clientID)) return error(400, CODES.badRequest, 'Invalid clientID');
    }
    if (options.order) {
      if (state.callerIp !== state.registeredIp) {
        return error(403, CODES.ipRejected, `Order request rejected: IP ${state.callerIp} is not registered (whitelisted) for this API key`);
      }
      if (state.orderLimited()) return tooManyRequests();
    }
    if (options.read && state.readLimited(options.read)) return tooManyRequests();
    // Bracket legs arm and cancel each other on the price path: settle them before answering.
    state.brackets.settle();
    return handler(req);
  };
}
