import type { SimResponse } from '../harness';

/** Kite's success envelope. */
export function ok(data: unknown): SimResponse {
  return { json: { status: 'success', data } };
}

/** Kite's error envelope: HTTP status plus error_type. */
export function fail(status: number, errorType: string, message: string): SimResponse {
  return { status, json: { status: 'error', message, data: null, error_type: errorType } };
}

export const TOKEN_ERROR = () => fail(403, 'TokenException', 'Incorrect `api_key` or `access_token`.');
/** The body Kite's gateway sends on 429 (as reported on the Kite forum: no `data` key). */
export const RATE_LIMITED = (): SimResponse => ({ status: 429, json: { status: 'error', message: 'Too many requests', error_type: 'NetworkException' } });
/** Exact wording of the non-whitelisted-IP rejection is not published; this is the simulator's own. */
export const IP_REJECTED = () =>
  fail(
    403,
    'PermissionException',
    'Order request from an IP address that is not whitelisted for this app. Add your static IP in the Kite Connect developer console (Profile → IP Whitelist).',
  );
export const ROUTE_NOT_FOUND = () => fail(404, 'GeneralException', 'Route not found');
