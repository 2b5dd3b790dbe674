/** Wall-clock arithmetic in an IANA time zone, for scheduled baskets (e.g. 15:10 in Asia/Kolkata). */

/** One formatter per zone: building an Intl.DateTimeFormat costs tens of µs, and a square-off check needs dozens. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, fmt);
  }
  return fmt;
}

function parts(at: number, timeZone: string) {
  const out: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(at))) out[p.type] = p.value;
  return out;
}

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The UTC instant of a local date and time in a zone (correct across DST changes). */
export function instantOf(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const offsetAt = (t: number) => {
    const p = parts(t, timeZone);
    return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - t;
  };
  const first = guess - offsetAt(guess);
  return guess - offsetAt(first);
}

/**
 * The most recent occurrence at or before `now` of time `hh:mm` on one of `days` (ISO weekdays), and the
 * next one after `now`; looks at most 8 days each way.
 */
export function occurrences(now: number, time: string, days: number[], timeZone: string): { previous: number | null; next: number | null } {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  let previous: number | null = null;
  let next: number | null = null;
  for (let offset = -8; offset <= 8; offset++) {
    const p = parts(now + offset * 86_400_000, timeZone);
    if (!days.includes(WEEKDAY[p.weekday!]!)) continue;
    const at = instantOf(+p.year!, +p.month!, +p.day!, hh, mm, timeZone);
    if (at <= now && (previous === null || at > previous)) previous = at;
    if (at > now && (next === null || at < next)) next = at;
  }
  return { previous, next };
}

/** The calendar day (YYYY-MM-DD) of instant `at` in a zone. */
export function dayOf(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The first and last instants of a calendar day in a zone: [start, end). */
export function dayBounds(day: string, timeZone: string): { start: number; end: number } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return {
    start: instantOf(y, m, d, 0, 0, timeZone),
    end: instantOf(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, timeZone),
  };
}
