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

/** Kite timestamps are "YYYY-MM-DD HH:MM:SS" in IST. */
export function parseIst(value: unknown): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(typeof value === 'string' ? value : '');
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s) - IST_OFFSET_MS;
}

/** The first moment strictly after `now` when the IST wall clock shows hour:minute. */
export function nextIstTime(now: number, hour: number, minute = 0): number {
  const ist = new Date(now + IST_OFFSET_MS);
  let at = Date.UTC(ist.getUTCFullYear(), ist.getUTCMonth(), ist.getUTCDate(), hour, minute) - IST_OFFSET_MS;
  if (at <= now) at += 86_400_000;
  return at;
}
