import { DAY } from '../../clock';
import type { ChartInterval } from '../../../shared/charts';
import { IST_OFFSET_MS } from '../india-time';
import { BrokerError, type BrokerContext, type Candle } from '../types';
import { dhanCall } from './client';
import { requireInstrument } from './instruments';

/** Dhan's intraday intervals (minutes; it also has 25, which BrokerVault does not chart); days come from /charts/historical. */
const INTRADAY: Readonly<Partial<Record<ChartInterval, number>>> = { '1m': 1, '5m': 5, '15m': 15, '1h': 60 };
export const dhanHistoryIntervals: ChartInterval[] = ['1m', '5m', '15m', '1h', '1d'];

/** Dhan serves at most 90 days of intraday candles per request. */
const INTRADAY_MAX_DAYS = 90;

/** The `instrument` field Dhan's chart calls need, from the instrument's segment (equities and indices only). */
const INSTRUMENT_OF_SEGMENT: Readonly<Record<string, string>> = { NSE_EQ: 'EQUITY', BSE_EQ: 'EQUITY', IDX_I: 'INDEX' };

/** "YYYY-MM-DD HH:MM:SS" on the IST wall clock. */
function istText(ms: number): string {
  return new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

interface DhanCandles {
  open?: unknown;
  high?: unknown;
  low?: unknown;
  close?: unknown;
  volume?: unknown;
  timestamp?: unknown;
}

/** Dhan answers parallel arrays; `timestamp` is epoch seconds. Rows with a missing or non-numeric price are dropped. */
function toCandles(answer: DhanCandles | null): Candle[] {
  const column = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const [open, high, low, close, volume, stamp] = [answer?.open, answer?.high, answer?.low, answer?.close, answer?.volume, answer?.timestamp].map(
    column,
  ) as unknown[][];
  const out: Candle[] = [];
  for (let i = 0; i < stamp!.length; i++) {
    const row = [stamp![i], open![i], high![i], low![i], close![i]].map(Number) as [number, number, number, number, number];
    if (!row.every(Number.isFinite)) continue;
    const [time, o, h, l, c] = row;
    out.push({ time: time * 1000, open: o, high: h, low: l, close: c, volume: Number(volume![i]) || 0 });
  }
  return out;
}

/**
 * Candles from POST /charts/intraday (1/5/15/60-minute, at most 90 days a request, so longer ranges go in windows)
 * and POST /charts/historical (days; its toDate is exclusive).
 */
export async function dhanHistory(ctx: BrokerContext, symbol: string, interval: ChartInterval, from: number, to: number): Promise<Candle[]> {
  const instrument = requireInstrument(ctx, symbol);
  const kind = INSTRUMENT_OF_SEGMENT[instrument.segment ?? ''];
  if (!kind) throw new BrokerError('NOT_SUPPORTED', `BrokerVault charts Dhan history for equities and indices only, not ${symbol.slice(0, 40)}.`);
  const base = { securityId: instrument.token, exchangeSegment: instrument.segment, instrument: kind, expiryCode: 0, oi: false };
  const minutes = INTRADAY[interval];
  if (minutes) {
    const out: Candle[] = [];
    for (let start = from; start < to; start += INTRADAY_MAX_DAYS * DAY) {
      const end = Math.min(to, start + INTRADAY_MAX_DAYS * DAY);
      const answer = await dhanCall<DhanCandles | null>(ctx, {
        method: 'POST',
        path: '/charts/intraday',
        json: { ...base, interval: String(minutes), fromDate: istText(start), toDate: istText(end) },
      });
      out.push(...toCandles(answer).filter((c) => c.time >= start && c.time < end));
    }
    return out;
  }
  if (interval !== '1d') throw new BrokerError('NOT_SUPPORTED', `Dhan has no ${interval} candles; it offers 1m, 5m, 15m, 1h and 1d.`);
  const answer = await dhanCall<DhanCandles | null>(ctx, {
    method: 'POST',
    path: '/charts/historical',
    // toDate is exclusive: the day after the one holding `to`.
    json: { ...base, fromDate: istText(from).slice(0, 10), toDate: istText(to + DAY).slice(0, 10) },
  });
  return toCandles(answer);
}
