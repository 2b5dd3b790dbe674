import { createHmac, createPrivateKey, sign as signWithKey, type KeyObject } from 'node:crypto';
import { BrokerError } from '../types';

export type Params = [string, string][];

/** Binance signs the exact bytes sent: the query string followed by the form body, percent-encoded. */
export const encodeParams = (params: Params): string => new URLSearchParams(params).toString();

/** hex(HMAC-SHA256(secret, totalParams)), appended as the last parameter `signature`. */
export function sign(secret: string, totalParams: string): string {
  return createHmac('sha256', secret).update(totalParams).digest('hex');
}

/**
 * A self-generated Ed25519 key's private half, as the trader pastes it: the PEM file's text (line breaks may
 * be lost in a one-line field) or just its base64 body (PKCS#8).
 */
export function ed25519PrivateKey(text: string): KeyObject {
  const body = text.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  try {
    const key = createPrivateKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType === 'ed25519') return key;
  } catch {
    // Reported below, without echoing any of the text.
  }
  throw new BrokerError(
    'INVALID_CREDENTIALS',
    'The private key is not an Ed25519 private key. Paste the whole content of the private key file (it starts with "-----BEGIN PRIVATE KEY-----").',
  );
}

/** base64(Ed25519 signature of totalParams), for keys registered on Binance as self-generated Ed25519 keys. */
export function signEd25519(key: KeyObject, totalParams: string): string {
  return signWithKey(null, Buffer.from(totalParams), key).toString('base64');
}
