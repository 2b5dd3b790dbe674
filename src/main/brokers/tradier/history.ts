import type { ChartInterval } from '../../../shared/charts';
import { BrokerError, type BrokerContext, type Candle } from '../types';
import { tradierCall } from './client';
import { asList } from './mapping';
import { toTradierSymbol } from './symbols';

/** Tradier's bars: 1/5/15-minute from /markets/timesales, days from /markets/history. */
const TIMESALES: Readonly<Partial<Record<ChartInterval, string>>> = { '1m': '1min', '5m': '5min', '15m': '15min' };
export const tradierHistoryIntervals: ChartInterval[] = ['1m', '5m', '15m', '1d'];

const NEW_YORK = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "YYYY-MM-DD HH:MM" on the New York wall clock, as Tradier takes start/end. */
function newYorkText(ms: number): string {
  const p = Object.fromEntries(NEW_YORK.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** Midnight in New York of a "YYYY-MM-DD" date, as an instant (the day bar's time). */
function newYorkMidnight(date: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(utc)) return NaN;
  // New York is 4 or 5 hours behind UTC: the candidate whose wall clock reads midnight of that date.
  return [4, 5].map((h) => utc + h * 3_600_000).find((t) => newYorkText(t) === `${date} 00:00`) ?? NaN;
}

interface Bar {
  open?: unknown;
  high?: unknown;
  low?: unknown;
  close?: unknown;
  volume?: unknown;
}

function candle(time: number, b: Bar): Candle | null {
  const [open, high, low, close] = [b.open, b.high, b.low, b.close].map(Number) as [number, number, number, number];
  if (!Number.isFinite(time) || ![open, high, low, close].every(Number.isFinite)) return null;
  return { time, open, high, low, close, volume: Number(b.volume) || 0 };
}

/** Intraday bars from GET /markets/timesales (each with its epoch `timestamp`), days from GET /markets/history. */
export async function tradierHistory(ctx: BrokerContext, symbol: string, interval: ChartInterval, from: number, to: number): Promise<Candle[]> {
  const ticker = toTradierSymbol(ctx, symbol);
  const minutes = TIMESALES[interval];
  if (minutes) {
    const { body } = await tradierCall(ctx, {
      method: 'GET',
      path: '/markets/timesales',
      query: { symbol: ticker, interval: minutes, start: newYorkText(from), end: newYorkText(to), session_filter: 'all' },
    });
    const data = asList<Bar & { timestamp?: unknown }>((body as { series?: { data?: unknown } | null }).series?.data);
    return data.flatMap((b) => candle(Number(b.timestamp) * 1000, b) ?? []);
  }
  if (interval !== '1d') throw new BrokerError('NOT_SUPPORTED', `Tradier has no ${interval} bars; it offers 1m, 5m, 15m and 1d.`);
  const { body } = await tradierCall(ctx, {
    method: 'GET',
    path: '/markets/history',
    query: { symbol: ticker, interval: 'daily', start: newYorkText(from).slice(0, 10), end: newYorkText(to).slice(0, 10) },
  });
  const days = asList<Bar & { date?: unknown }>((body as { history?: { day?: unknown } | null }).history?.day);
  return days.flatMap((b) => candle(newYorkMidnight(String(b.date)), b) ?? []);
}
