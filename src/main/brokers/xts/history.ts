import type { ChartInterval } from '../../../shared/charts';
import { IST_OFFSET_MS } from '../india-time';
import { BrokerError, type BrokerContext, type Candle } from '../types';
import { xtsCall, type XtsProfile } from './client';
import { resolveInstrument, segmentOf } from './instruments';

/** XTS compressionValue per interval: bar length in seconds, or "D" for days. */
const COMPRESSION: Readonly<Partial<Record<ChartInterval, string>>> = { '1m': '60', '5m': '300', '15m': '900', '30m': '1800', '1h': '3600', '1d': 'D' };
export const xtsHistoryIntervals = Object.keys(COMPRESSION) as ChartInterval[];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** XTS's startTime/endTime: "MMM DD YYYY HHmmss" on the IST wall clock, e.g. "Dec 07 2026 091500". */
function xtsTime(ms: number): string {
  const d = new Date(ms + IST_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${d.getUTCFullYear()} ${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/**
 * The bars text: "time|open|high|low|close|volume|oi," rows, `time` in seconds on the IST wall clock read as UTC
 * (so IST is taken off to get the instant). Malformed rows are dropped.
 */
export function parseOhlcText(text: unknown): Candle[] {
  if (typeof text !== 'string') return [];
  const out: Candle[] = [];
  for (const row of text.split(',')) {
    const [time, open, high, low, close, volume] = row.split('|').map(Number);
    const values = [time, open, high, low, close];
    if (row.trim() === '' || !values.every((v) => v !== undefined && Number.isFinite(v))) continue;
    out.push({ time: time! * 1000 - IST_OFFSET_MS, open: open!, high: high!, low: low!, close: close!, volume: Number.isFinite(volume) ? volume! : 0 });
  }
  return out;
}

/** Candles from GET <market-data root>/instruments/ohlc for one instrument of the master. */
export async function xtsHistory(
  ctx: BrokerContext,
  profile: XtsProfile,
  symbol: string,
  interval: ChartInterval,
  from: number,
  to: number,
): Promise<Candle[]> {
  const compressionValue = COMPRESSION[interval];
  if (!compressionValue) throw new BrokerError('NOT_SUPPORTED', `${profile.descriptor.name} has no ${interval} candles.`);
  const instrument = resolveInstrument(ctx, profile, symbol);
  // endTime is inclusive, to the second: the last whole second before `to`.
  const last = Math.max(from, Math.ceil(to / 1000) * 1000 - 1000);
  const result = (await xtsCall(ctx, profile, {
    api: 'marketData',
    method: 'GET',
    path: '/instruments/ohlc',
    query: {
      exchangeSegment: segmentOf(instrument),
      exchangeInstrumentID: instrument.token,
      startTime: xtsTime(from),
      endTime: xtsTime(last),
      compressionValue,
    },
  })) as { dataReponse?: unknown; dataResponse?: unknown } | null;
  return parseOhlcText(result?.dataReponse ?? result?.dataResponse).filter((c) => c.time <= last);
}
