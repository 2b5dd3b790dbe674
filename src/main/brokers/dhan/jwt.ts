/** The `exp` of a JWT in ms, read without verifying (only to plan renewals); null when unreadable. */
export function jwtExpiryMs(token: string | undefined): number | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

const IST_OFFSET_MS = 5.5 * 60 * 60 * 1000;

/** Dhan's expiry strings carry no zone ("2026-01-06T09:30:00"); Dhan means IST. */
export function parseDhanExpiry(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})/.exec(text.trim());
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - IST_OFFSET_MS;
}

/** Dhan's IST timestamps, "2026-01-05 09:30:00" in order books or "05/01/2026 09:30:00" in quotes. */
export function parseDhanTime(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const iso = parseDhanExpiry(text);
  if (iso !== null) return iso;
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m || m[3] === '1980') return null;
  return Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - IST_OFFSET_MS;
}
