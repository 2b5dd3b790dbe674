/** IST is UTC+05:30 all year (no daylight saving). */
export const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

/** The instant an IST wall-clock reading names (month is 1-based, as brokers write it). */
export function istToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, ms = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - IST_OFFSET_MS;
}

/** The first moment strictly after `now` when the IST wall clock shows hour:minute. */
export function nextIstTime(now: number, hour: number, minute = 0): number {
  const ist = new Date(now + IST_OFFSET_MS);
  let at = Date.UTC(ist.getUTCFullYear(), ist.getUTCMonth(), ist.getUTCDate(), hour, minute) - IST_OFFSET_MS;
  if (at <= now) at += DAY_MS;
  return at;
}

/**
 * The first 00:00 IST strictly after `at` (for sessions that end at midnight). Same as nextIstTime(at, 0) for
 * every real timestamp; kept as plain arithmetic so it also answers for values outside the Date range.
 */
export function nextIstMidnight(at: number): number {
  const istDayStart = Math.floor((at + IST_OFFSET_MS) / DAY_MS) * DAY_MS;
  return istDayStart + DAY_MS - IST_OFFSET_MS;
}

/** "YYYY-MM-DD HH:MM:SS" (or with a "T") on the IST wall clock; null for anything else. */
export function parseIstDateTime(value: unknown): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(typeof value === 'string' ? value : '');
  if (!m) return null;
  return istToUtc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** 1-12 for an English month abbreviation in any case ("Jan", "OCT"), or null. */
export function monthNumber(abbreviation: string): number | null {
  const index = MONTHS.indexOf(abbreviation.toUpperCase());
  return index < 0 ? null : index + 1;
}
