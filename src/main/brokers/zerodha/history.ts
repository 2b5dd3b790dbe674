import { DAY } from '../../clock';
import type { ChartInterval } from '../../../shared/charts';
import { BrokerError, type BrokerContext, type Candle } from '../types';
import { kite } from './client';
import { record } from '../json';

const IST_OFFSET_MS = 330 * 60_000;

/** Kite's interval names, and the most days one request may span for each (Kite's documented caps). */
const KITE_INTERVALS: Readonly<Partial<Record<ChartInterval, { name: string; maxDays: number }>>> = {
  '1m': { name: 'minute', maxDays: 60 },
  '5m': { name: '5minute', maxDays: 100 },
  '15m': { name: '15minute', maxDays: 200 },
  '30m': { name: '30minute', maxDays: 200 },
  '1h': { name: '60minute', maxDays: 400 },
  '1d': { name: 'day', maxDays: 2000 },
};
export const kiteHistoryIntervals = Object.keys(KITE_INTERVALS) as ChartInterval[];

/** Kite's from/to: "YYYY-MM-DD HH:MM:SS" on the IST wall clock. */
function istText(ms: number): string {
  return new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** One candle row: [time "2026-12-07T09:15:00+0530", open, high, low, close, volume (, oi)]. */
function toCandle(row: unknown): Candle | null {
  if (!Array.isArray(row) || row.length < 6) return null;
  const [at, open, high, low, close, volume] = row as unknown[];
  const time = typeof at === 'string' ? Date.parse(at.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
  const prices = [open, high, low, close];
  if (!Number.isFinite(time) || !prices.every((p) => typeof p === 'number' && Number.isFinite(p))) return null;
  return { time, open: open as number, high: high as number, low: low as number, close: close as number, volume: typeof volume === 'number' ? volume : 0 };
}

/**
 * Candles from GET /instruments/historical/{instrument_token}/{interval}: the token comes from the instrument master;
 * a range longer than Kite allows per request is fetched in consecutive windows.
 */
export async function kiteHistory(ctx: BrokerContext, symbol: string, interval: ChartInterval, from: number, to: number): Promise<Candle[]> {
  const spec = KITE_INTERVALS[interval];
  if (!spec) throw new BrokerError('NOT_SUPPORTED', `Zerodha has no ${interval} candles.`);
  const token = ctx.instruments.find(symbol)?.token;
  if (!token) throw new BrokerError('BROKER_REJECTED', `${symbol.slice(0, 40)} is not in Zerodha's instrument list, so it has no chart history.`);
  const out: Candle[] = [];
  // The last whole second before `to`: the broker's range end is inclusive, to the second.
  const last = Math.ceil(to / 1000) * 1000 - 1000;
  for (let start = from; start <= last; start += spec.maxDays * DAY) {
    const end = Math.min(last, start + spec.maxDays * DAY - 1000);
    const data = record(
      await kite(ctx, {
        kind: 'read',
        method: 'GET',
        path: `/instruments/historical/${encodeURIComponent(token)}/${spec.name}`,
        query: { from: istText(start), to: istText(end), continuous: 0, oi: 0 },
      }),
    );
    for (const row of Array.isArray(data.candles) ? data.candles : []) {
      const candle = toCandle(row);
      if (candle) out.push(candle);
    }
  }
  return out;
}
