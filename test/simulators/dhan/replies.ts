import type { SimResponse } from '../harness';

/** Dhan's error body: `{errorType, errorCode, errorMessage}`. */
export function dhanError(status: number, errorType: string, errorCode: string, errorMessage: string): SimResponse {
  return { status, json: { errorType, errorCode, errorMessage } };
}

export const INVALID_AUTH = dhanError(401, 'Invalid_Authentication', 'DH-901', 'Client ID or user generated access token is invalid or expired.');
export const RATE_LIMITED = dhanError(
  429,
  'Rate_Limit',
  'DH-904',
  'Too many requests on server from single user breaching rate limits. Try throttling API calls.',
);
export const IP_REJECTED = dhanError(400, 'Input_Exception', 'DH-905', 'Order request is not from a whitelisted static IP. Set your static IP for API orders.');

export function inputError(message: string): SimResponse {
  return dhanError(400, 'Input_Exception', 'DH-905', message);
}

export function orderError(message: string): SimResponse {
  return dhanError(400, 'Order_Error', 'DH-906', message);
}
