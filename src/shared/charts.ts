/** Chart bar lengths BrokerVault asks brokers for; each broker declares which of them it offers. */
export const CHART_INTERVALS = ['1m', '5m', '15m', '30m', '1h', '1d'] as const;
export type ChartInterval = (typeof CHART_INTERVALS)[number];

const MINUTE = 60_000;

/** Length of one bar in ms (a day bar is 24 h of UTC time; brokers stamp it at their own session open). */
export const INTERVAL_MS: Readonly<Record<ChartInterval, number>> = {
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': 60 * MINUTE,
  '1d': 1440 * MINUTE,
};

/** At most this many bars in one history answer (the chart's benchmark draws 10,000). */
export const MAX_CHART_BARS = 10_000;

/** One bar: `time` is its opening instant in epoch ms. */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const INDIAN = new Set(['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS', 'BCD']);

/** The exchanges' zones in the trader's words, as the chart and the P&L curve show them (never "Asia/Kolkata"). */
export const TIME_ZONES = [
  { zone: 'Asia/Kolkata', label: 'India (IST)' },
  { zone: 'America/New_York', label: 'US (New York)' },
  { zone: 'UTC', label: 'UTC (crypto)' },
] as const;

/** A zone in the trader's words; one not listed is shown as it is. */
export function timeZoneWords(zone: string): string {
  return TIME_ZONES.find((z) => z.zone === zone)?.label ?? zone;
}

/** The time zone a chart of `symbol` shows its times in: its exchange's (crypto in UTC). */
export function exchangeTimeZone(symbol: string): string {
  const exchange = symbol.split(':')[0] ?? '';
  if (INDIAN.has(exchange)) return 'Asia/Kolkata';
  if (exchange === 'CRYPTO') return 'UTC';
  return 'America/New_York';
}
