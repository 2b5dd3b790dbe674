/** Small readers for untyped broker JSON: wrong types become null instead of throwing. */
export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

export function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function num(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

const IST_OFFSET_MS = 330 * 60_000;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Fyers order times are "05-Jan-2026 09:30:00" on the IST wall clock. */
export function parseFyersTime(value: unknown): number | null {
  const m = /^(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(typeof value === 'string' ? value : '');
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toUpperCase());
  if (month < 0) return null;
  return Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - IST_OFFSET_MS;
}

/** The `exp` claim of a JWT in ms, or null when the token is not a readable JWT. */
export function jwtExpiry(token: string | undefined): number | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const exp = num(record(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).exp);
    return exp === null ? null : exp * 1000;
  } catch {
    return null;
  }
}
