import { istToUtc, parseIstDateTime } from '../india-time';

/** Dhan's expiry strings carry no zone ("2026-01-06T09:30:00", maybe with more after the seconds); Dhan means IST. */
export function parseDhanExpiry(text: unknown): number | null {
  return typeof text === 'string' ? parseIstDateTime(text.trim().slice(0, 19)) : null;
}

/** Dhan's IST timestamps, "2026-01-05 09:30:00" in order books or "05/01/2026 09:30:00" in quotes. */
export function parseDhanTime(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const iso = parseDhanExpiry(text);
  if (iso !== null) return iso;
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m || m[3] === '1980') return null;
  return istToUtc(Number(m[3]), Number(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
}
