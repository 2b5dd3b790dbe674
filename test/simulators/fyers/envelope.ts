import type { SimResponse } from '../harness';

export function ok(body: Record<string, unknown> = {}): SimResponse {
  return { json: { s: 'ok', code: 200, message: '', ...body } };
}

export function fail(status: number, code: number, message: string, extra: Record<string, unknown> = {}): SimResponse {
  return { status, json: { s: 'error', code, message, ...extra } };
}

/** Observed for bad and expired tokens alike. */
export const AUTH_FAILED = () => fail(401, -16, 'Could not authenticate the user');
export const RATE_LIMITED = (window: 'perSec' | 'perMin') => fail(429, -353, `API Limit exceeded (${window})`);
/** FYERS' wording for a non-whitelisted IP is unpublished; this is the simulator's own. */
export const IP_REJECTED = () =>
  fail(403, -99, 'Order request rejected: the IP address is not registered for this App ID. Map your static IP on the API dashboard.');
export const NOT_FOUND = () => fail(404, -404, 'Not Found');
