import { createHmac } from 'node:crypto';

export type Params = [string, string][];

/** Binance signs the exact bytes sent: the query string followed by the form body, percent-encoded. */
export const encodeParams = (params: Params): string => new URLSearchParams(params).toString();

/** hex(HMAC-SHA256(secret, totalParams)), appended as the last parameter `signature`. */
export function sign(secret: string, totalParams: string): string {
  return createHmac('sha256', secret).update(totalParams).digest('hex');
}
