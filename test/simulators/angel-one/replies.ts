import type { SimResponse } from '../harness';

/** The order/user services envelope: `status` + lowercase `errorcode`. */
export function ok(data: unknown): SimResponse {
  return { json: { status: true, message: 'SUCCESS', errorcode: '', data } };
}

export function fail(errorcode: string, message: string, status = 200): SimResponse {
  return { status, json: { status: false, message, errorcode, data: null } };
}

/** The API gateway envelope: `success` + camelCase `errorCode` (AG8001 arrives with HTTP 200). */
export function gatewayFail(errorCode: string, message: string, status = 200): SimResponse {
  return { status, json: { success: false, message, errorCode, data: '' } };
}

/** Angel's rate limiter: HTTP 403 with a plain-text body. */
export const RATE_LIMITED: SimResponse = { status: 403, text: 'Access denied because of exceeding access rate' };
