import type { ChartInterval } from '../../../shared/charts';
import { BrokerError, type BrokerContext, type Candle } from '../types';
import { alpacaRequest } from './client';
import { alpacaSymbol, parseTime } from './mapping';

/** Alpaca's bar timeframes for the chart intervals it offers (GET /v2/stocks/{symbol}/bars). */
const TIMEFRAMES: Readonly<Partial<Record<ChartInterval, string>>> = {
  '1m': '1Min',
  '5m': '5Min',
  '15m': '15Min',
  '30m': '30Min',
  '1h': '1Hour',
  '1d': '1Day',
};
export const alpacaHistoryIntervals = Object.keys(TIMEFRAMES) as ChartInterval[];

/** Alpaca pages bars at most 10,000 at a time; a chart never needs more than a few pages. */
const MAX_PAGES = 5;

interface AlpacaBar {
  t: string;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
}

/** Stock bars from the market-data host on the free IEX feed, following next_page_token. */
export async function history(ctx: BrokerContext, symbol: string, interval: ChartInterval, from: number, to: number): Promise<Candle[]> {
  const timeframe = TIMEFRAMES[interval];
  if (!timeframe) throw new BrokerError('NOT_SUPPORTED', `Alpaca has no ${interval} bars.`);
  const ticker = alpacaSymbol(ctx, symbol);
  if (ticker.includes('/')) throw new BrokerError('NOT_SUPPORTED', `Charts for crypto (${symbol}) are not supported for Alpaca yet.`);
  const out: Candle[] = [];
  let pageToken: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: Record<string, string> = {
      timeframe,
      start: new Date(from).toISOString(),
      end: new Date(to).toISOString(),
      limit: '10000',
      feed: 'iex',
      adjustment: 'raw',
      sort: 'asc',
    };
    if (pageToken) query.page_token = pageToken;
    const res = await alpacaRequest(ctx, { method: 'GET', path: `/v2/stocks/${encodeURIComponent(ticker)}/bars`, query }, { kind: 'data' });
    const body = res.body as { bars?: AlpacaBar[] | null; next_page_token?: string | null };
    for (const b of body.bars ?? []) {
      const time = parseTime(b.t);
      if (time !== null && [b.o, b.h, b.l, b.c].every(Number.isFinite)) out.push({ time, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v ?? 0 });
    }
    pageToken = body.next_page_token ?? null;
    if (!pageToken) break;
  }
  return out;
}
