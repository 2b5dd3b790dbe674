import { isRecord, type JsonRecord } from './json';

/** The claims of a JWT, read without verifying (only to plan renewals); null when not a readable JWT. */
export function jwtClaims(token: string | undefined): JsonRecord | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isRecord(claims) ? claims : null;
  } catch {
    return null;
  }
}

/** The `exp` claim (seconds) in ms, or null when absent, not a finite number or unreadable. */
export function jwtExpiryMs(token: string | undefined): number | null {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
}
