import type { SimResponse } from '../harness';

/**
 * XTS envelopes. The descriptions come from Symphony's SDKs and field reports ("Invalid Token",
 * "Bad Request", "Too Many Requests", "Valid User."); the e- codes of errors are not published, so
 * the ones below are placeholders and clients must key on `description`, as the official SDK does.
 */
export const CODES = {
  invalidToken: 'e-session-0007',
  badRequest: 'e-app-0001',
  rateLimited: 'e-apirate-0001',
  ipRejected: 'e-ip-0001',
  invalidLogin: 'e-user-0005',
  orderRejected: 'e-orders-0005',
  notFound: 'e-app-0404',
} as const;

export function success(code: string, description: string, result: unknown): SimResponse {
  return { status: 200, json: { type: 'success', code, description, result } };
}

export function error(status: number, code: string, description: string, result: unknown = {}): SimResponse {
  return { status, json: { type: 'error', code, description, result } };
}

/** express-validation's shape, which XTS returns under `result.errors` with description "Bad Request". */
export function badRequest(field: string, message: string): SimResponse {
  return error(400, CODES.badRequest, 'Bad Request', {
    errors: [{ field: [field], location: 'body', messages: [message], types: ['any.invalid'] }],
  });
}

export function invalidToken(status: number): SimResponse {
  return error(status, CODES.invalidToken, 'Invalid Token');
}

export function tooManyRequests(): SimResponse {
  return error(429, CODES.rateLimited, 'Too Many Requests');
}
