import { DAY } from '../../clock';
import type { ChartInterval } from '../../../shared/charts';
import { IST_OFFSET_MS } from '../india-time';
import { BrokerError, type BrokerContext, type Candle } from '../types';
import { angelCall, PATHS } from './client';
import { requireInstrument } from './instruments';

/** SmartAPI's interval names, and the most days one getCandleData request may span for each (its documented caps). */
const ANGEL_INTERVALS: Readonly<Partial<Record<ChartInterval, { name: string; maxDays: number }>>> = {
  '1m': { name: 'ONE_MINUTE', maxDays: 30 },
  '5m': { name: 'FIVE_MINUTE', maxDays: 100 },
  '15m': { name: 'FIFTEEN_MINUTE', maxDays: 200 },
  '30m': { name: 'THIRTY_MINUTE', maxDays: 200 },
  '1h': { name: 'ONE_HOUR', maxDays: 400 },
  '1d': { name: 'ONE_DAY', maxDays: 2000 },
};
export const angelHistoryIntervals = Object.keys(ANGEL_INTERVALS) as ChartInterval[];

/** SmartAPI's fromdate/todate: "YYYY-MM-DD HH:mm" on the IST wall clock. */
function istText(ms: number): string {
  return new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** One row: ["2026-01-05T09:15:00+05:30", open, high, low, close, volume]. */
function toCandle(row: unknown): Candle | null {
  if (!Array.isArray(row) || row.length < 6) return null;
  const [at, open, high, low, close, volume] = row as unknown[];
  const time = typeof at === 'string' ? Date.parse(at) : NaN;
  const prices = [open, high, low, close].map(Number) as [number, number, number, number];
  if (!Number.isFinite(time) || !prices.every(Number.isFinite)) return null;
  return { time, open: prices[0], high: prices[1], low: prices[2], close: prices[3], volume: Number(volume) || 0 };
}

/**
 * Candles from POST historical/v1/getCandleData (exchange, symboltoken from the scrip master); a range longer than
 * SmartAPI allows per request for the interval is fetched in consecutive windows. Both ends are inclusive, to the minute.
 */
export async function angelHistory(ctx: BrokerContext, symbol: string, interval: ChartInterval, from: number, to: number): Promise<Candle[]> {
  const spec = ANGEL_INTERVALS[interval];
  if (!spec) throw new BrokerError('NOT_SUPPORTED', `Angel One has no ${interval} candles.`);
  const instrument = requireInstrument(ctx, symbol);
  const out: Candle[] = [];
  // The last whole minute before `to`: SmartAPI's todate is inclusive, to the minute.
  const last = Math.ceil(to / 60_000) * 60_000 - 60_000;
  for (let start = Math.ceil(from / 60_000) * 60_000; start <= last; start += spec.maxDays * DAY) {
    const end = Math.min(last, start + spec.maxDays * DAY - 60_000);
    const data = await angelCall<unknown>(ctx, {
      method: 'POST',
      path: PATHS.candles,
      json: { exchange: instrument.exchange, symboltoken: instrument.token, interval: spec.name, fromdate: istText(start), todate: istText(end) },
    });
    for (const row of Array.isArray(data) ? data : []) {
      const candle = toCandle(row);
      if (candle) out.push(candle);
    }
  }
  return out;
}
