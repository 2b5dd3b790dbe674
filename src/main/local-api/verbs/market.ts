import { z } from 'zod';
import type { ChartInterval } from '../../../shared/charts';
import type { Quote } from '../../brokers/types';
import { ApiError, type VerbContext } from '../verb';
import { callerVenue, defineVerb, fields, success, symbolsFor } from './common';

/** One quote from where the trader's prices come from now: the live connection, or paper's pricing feed. */
async function quoteOf(ctx: VerbContext, input: { symbol: string; exchange: string }): Promise<Quote> {
  const venue = callerVenue(ctx);
  const symbols = await symbolsFor(ctx, venue);
  const common = symbols.toCommon(input);
  const quotes = venue.mode === 'paper' ? (await ctx.services.trading.prices.quotes([common])).quotes : await venue.quotes([common]);
  const quote = quotes.find((q) => q.symbol === common) ?? quotes[0];
  if (!quote) throw new ApiError(404, `No quote for ${input.exchange.toUpperCase()}:${input.symbol.toUpperCase()}.`);
  return quote;
}

const symbolInput = z.strictObject({ symbol: fields.symbol, exchange: fields.exchange });

/**
 * quotes: last price, best bid and ask. BrokerVault's quotes carry no day's open, high, low, volume or open interest:
 * those fields are 0.
 */
export const quotes = defineVerb({
  name: 'quotes',
  permission: 'read',
  input: symbolInput,
  async run(ctx, input) {
    const q = await quoteOf(ctx, input);
    return success({ ltp: q.last, bid: q.bid ?? 0, ask: q.ask ?? 0, open: 0, high: 0, low: 0, prev_close: 0, volume: 0, oi: 0 });
  },
});

/** depth: five levels a side in OpenAlgo's shape; BrokerVault knows the best bid and ask only (quantities 0), the rest are 0. */
export const depth = defineVerb({
  name: 'depth',
  permission: 'read',
  input: symbolInput,
  async run(ctx, input) {
    const q = await quoteOf(ctx, input);
    const levels = (best: number | null) => [{ price: best ?? 0, quantity: 0 }, ...Array.from({ length: 4 }, () => ({ price: 0, quantity: 0 }))];
    return success({
      bids: levels(q.bid),
      asks: levels(q.ask),
      ltp: q.last,
      ltq: 0,
      open: 0,
      high: 0,
      low: 0,
      prev_close: 0,
      volume: 0,
      oi: 0,
      totalbuyqty: 0,
      totalsellqty: 0,
    });
  },
});

/** OpenAlgo's interval names and BrokerVault's chart intervals. */
const INTERVALS: Record<string, ChartInterval> = { '1m': '1m', '5m': '5m', '15m': '15m', '30m': '30m', '1h': '1h', D: '1d' };

export const intervals = defineVerb({
  name: 'intervals',
  permission: 'read',
  input: z.strictObject({}),
  async run() {
    return success({ seconds: [], minutes: ['1m', '5m', '15m', '30m'], hours: ['1h'], days: ['D'], weeks: [], months: [] });
  },
});

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');

/**
 * history: bars between start_date and end_date (both included, UTC days), from the feed the trader's prices come
 * from. `timestamp` is epoch seconds of each bar's start.
 */
export const history = defineVerb({
  name: 'history',
  permission: 'read',
  input: z
    .strictObject({
      symbol: fields.symbol,
      exchange: fields.exchange,
      interval: z.enum(Object.keys(INTERVALS) as [string, ...string[]], { message: `must be one of ${Object.keys(INTERVALS).join(', ')}` }),
      start_date: day,
      end_date: day,
    })
    .refine((i) => i.start_date <= i.end_date, { message: 'must not be after end_date', path: ['start_date'] }),
  async run(ctx, input) {
    const venue = callerVenue(ctx);
    const symbols = await symbolsFor(ctx, venue);
    const interval = INTERVALS[input.interval]!;
    const from = Date.parse(`${input.start_date}T00:00:00Z`);
    const to = Date.parse(`${input.end_date}T00:00:00Z`) + 86_400_000;
    if (Number.isNaN(from) || Number.isNaN(to)) throw new ApiError(400, 'start_date and end_date must be real dates.');
    const answer = await ctx.services.trading.charts.history({ symbol: symbols.toCommon(input), interval, from, to });
    return success(
      answer.candles.map((c) => ({ timestamp: Math.floor(c.time / 1000), open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume })),
    );
  },
});
