import { DAY } from '../../clock';
import type { ChartInterval } from '../../../shared/charts';
import type { BrokerContext, Candle } from '../types';
import { fyers } from './client';
import { toFyersSymbol } from './symbols';

/** FYERS resolutions for the chart's intervals, and the most days one request may span (100 intraday, 366 daily). */
const RESOLUTIONS: Readonly<Record<ChartInterval, { resolution: string; maxDays: number }>> = {
  '1m': { resolution: '1', maxDays: 100 },
  '5m': { resolution: '5', maxDays: 100 },
  '15m': { resolution: '15', maxDays: 100 },
  '30m': { resolution: '30', maxDays: 100 },
  '1h': { resolution: '60', maxDays: 100 },
  '1d': { resolution: 'D', maxDays: 366 },
};
export const fyersHistoryIntervals = Object.keys(RESOLUTIONS) as ChartInterval[];

/**
 * Candles from GET /data/history (date_format=0: range_from/range_to in epoch seconds, inclusive), rows
 * [epoch s, open, high, low, close, volume]; a range longer than FYERS allows per request goes in windows.
 */
export async function fyersHistory(ctx: BrokerContext, symbol: string, interval: ChartInterval, from: number, to: number): Promise<Candle[]> {
  const { resolution, maxDays } = RESOLUTIONS[interval];
  const ticker = toFyersSymbol(ctx, symbol);
  const out: Candle[] = [];
  // The last whole second before `to`: the broker's range end is inclusive, to the second.
  const last = Math.ceil(to / 1000) * 1000 - 1000;
  for (let start = from; start <= last; start += maxDays * DAY) {
    const end = Math.min(last, start + maxDays * DAY - 1000);
    const body = await fyers(ctx, {
      kind: 'read',
      method: 'GET',
      path: '/data/history',
      query: { symbol: ticker, resolution, date_format: 0, range_from: Math.ceil(start / 1000), range_to: Math.floor(end / 1000), cont_flag: 1 },
    });
    for (const row of Array.isArray(body.candles) ? body.candles : []) {
      if (!Array.isArray(row) || row.length < 6) continue;
      const [t, open, high, low, close, volume] = row.map(Number) as [number, number, number, number, number, number];
      if ([t, open, high, low, close].every(Number.isFinite) && t * 1000 >= start) out.push({ time: t * 1000, open, high, low, close, volume: volume || 0 });
    }
  }
  return out;
}
