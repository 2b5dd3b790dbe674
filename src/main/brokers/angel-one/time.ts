/** IST is UTC+05:30 all year (no daylight saving). */
export const IST_OFFSET_MS = 5.5 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The first 00:00 IST strictly after `at`: Angel One sessions end at midnight. */
export function nextIstMidnight(at: number): number {
  const istDayStart = Math.floor((at + IST_OFFSET_MS) / DAY_MS) * DAY_MS;
  return istDayStart + DAY_MS - IST_OFFSET_MS;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Angel's IST timestamps, e.g. "20-Oct-2020 13:10:59"; null when absent or unreadable. */
export function parseAngelTime(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toUpperCase());
  if (month < 0) return null;
  return Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - IST_OFFSET_MS;
}

/** The claims of a JWT without verifying it (we only read `iat`/`exp` to plan renewals). */
export function jwtClaims(token: string | undefined): { iat?: number; exp?: number } | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' ? (claims as { iat?: number; exp?: number }) : null;
  } catch {
    return null;
  }
}
