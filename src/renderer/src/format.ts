/** Formatting helpers shared by the screens. */

export function money(value: number | null | undefined, currency?: string | null): string {
  if (value === null || value === undefined) return '—';
  try {
    return new Intl.NumberFormat(undefined, { style: currency ? 'currency' : 'decimal', currency: currency ?? undefined, maximumFractionDigits: 2 }).format(
      value,
    );
  } catch {
    return `${value.toLocaleString(undefined, { maximumFractionDigits: 2 })} ${currency ?? ''}`.trim();
  }
}

export function num(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString(undefined, { maximumFractionDigits: digits });
}

export function dateTime(at: number | null | undefined): string {
  return at ? new Date(at).toLocaleString() : '—';
}

/** A calendar day given as YYYY-MM-DD (e.g. the end of a holiday list), in the trader's locale: "31 Dec 2026". */
export function calendarDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // UTC on both sides, so the day never shifts with the computer's time zone.
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** "3 h 12 min", "45 s": a duration for countdowns. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

export function ago(at: number | null | undefined, now: number): string {
  if (!at) return 'never';
  const ms = now - at;
  if (ms < 5000) return 'just now';
  return `${duration(ms)} ago`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/**
 * A broker's message as plain lines: some brokers put HTML line breaks and tags in their texts.
 * Tags are dropped, never rendered; a few entities are decoded.
 */
export function brokerLines(text: string): string[] {
  return text
    .split(/<br\s*\/?>|\n/i)
    .map((line) =>
      line
        .replace(/<[^>]*>/g, '')
        .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, e: string) => ENTITIES[e] ?? '')
        .trim(),
    )
    .filter((line) => line.length > 0);
}
