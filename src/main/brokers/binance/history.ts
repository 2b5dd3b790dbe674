import { INTERVAL_MS, type ChartInterval } from '../../../shared/charts';
import type { BrokerContext, Candle } from '../types';
import { publicRequest } from './client';
import { binanceSymbol } from './mapping';

/** Binance's kline intervals for the chart intervals (it has more; these are the ones the chart offers). */
const KLINE_INTERVALS: Readonly<Record<ChartInterval, string>> = { '1m': '1m', '5m': '5m', '15m': '15m', '30m': '30m', '1h': '1h', '1d': '1d' };
export const binanceHistoryIntervals = Object.keys(KLINE_INTERVALS) as ChartInterval[];

/** GET /api/v3/klines answers at most 1000 klines a call; a 10,000-bar chart takes 10. */
const PAGE = 1000;
const MAX_PAGES = 11;

/**
 * Klines from the public GET /api/v3/klines (weight 2): [openTime, open, high, low, close, volume, closeTime, …] with
 * prices as strings; paged by moving startTime past the last kline.
 */
export async function history(ctx: BrokerContext, symbol: string, interval: ChartInterval, from: number, to: number): Promise<Candle[]> {
  const pair = binanceSymbol(ctx, symbol);
  const out: Candle[] = [];
  let start = from;
  for (let page = 0; page < MAX_PAGES && start < to; page++) {
    const rows = (await publicRequest(ctx, '/api/v3/klines', {
      symbol: pair,
      interval: KLINE_INTERVALS[interval],
      startTime: String(start),
      endTime: String(to - 1),
      limit: String(PAGE),
    })) as unknown[];
    for (const row of Array.isArray(rows) ? rows : []) {
      if (!Array.isArray(row) || row.length < 6) continue;
      const [time, open, high, low, close, volume] = [row[0], ...row.slice(1, 6).map(Number)] as [unknown, number, number, number, number, number];
      if (typeof time === 'number' && [open, high, low, close].every(Number.isFinite))
        out.push({ time, open, high, low, close, volume: Number.isFinite(volume) ? volume : 0 });
    }
    if (!Array.isArray(rows) || rows.length < PAGE) break;
    start = out.at(-1)!.time + INTERVAL_MS[interval];
  }
  return out;
}
