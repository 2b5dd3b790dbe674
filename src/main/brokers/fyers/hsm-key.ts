import { jwtClaims } from '../jwt';

/**
 * The data socket's key: the access token's `hsm_key` claim, read locally as FYERS' SDK does. Null when the token
 * is missing, unreadable, has no key or its `exp` has passed: then no socket is opened at all.
 */
export function hsmKeyOf(accessToken: string | undefined, now: number): string | null {
  const claims = jwtClaims(accessToken);
  const key = claims?.hsm_key;
  if (typeof key !== 'string' || key.length === 0 || key.length > 255) return null;
  const exp = claims?.exp;
  if (typeof exp === 'number' && exp * 1000 <= now) return null;
  return key;
}
