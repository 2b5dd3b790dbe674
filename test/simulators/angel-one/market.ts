import type { SimExchange } from '../exchange';
import type { SimRequest, SimResponse } from '../harness';
import { fail, ok } from './replies';
import { findScrip, simSymbol } from './scrip';
import { angelTime } from './trading';
import { simBars } from '../bars';

const MODES = new Set(['LTP', 'OHLC', 'FULL']);

/** POST market/v1/quote: camelCase rows, at most 50 tokens, unknown tokens listed under `unfetched`. */
export function quote(exchange: SimExchange, now: number, req: SimRequest): SimResponse {
  const b = req.json<{ mode?: string; exchangeTokens?: Record<string, unknown> }>();
  if (!MODES.has(String(b.mode))) return fail('AB4030', 'Invalid mode');
  const pairs = Object.entries(b.exchangeTokens ?? {}).flatMap(([ex, tokens]) => (Array.isArray(tokens) ? tokens.map((t) => [ex, String(t)] as const) : []));
  if (pairs.length === 0) return fail('AB4018', 'exchangeTokens cannot be empty');
  if (pairs.length > 50) return fail('AB4030', 'Maximum 50 tokens allowed per request');
  const fetched: Record<string, unknown>[] = [];
  const unfetched: Record<string, unknown>[] = [];
  for (const [ex, token] of pairs) {
    const scrip = findScrip(ex, token);
    if (!scrip) {
      unfetched.push({ exchange: ex, symbolToken: token, message: 'Invalid Token', errorCode: 'AB4006' });
      continue;
    }
    const ltp = exchange.price(simSymbol(scrip));
    const row: Record<string, unknown> = { exchange: ex, tradingSymbol: scrip.symbol, symbolToken: token, ltp };
    if (b.mode !== 'LTP') Object.assign(row, { open: ltp, high: ltp, low: ltp, close: ltp });
    if (b.mode === 'FULL') {
      const tick = 0.05;
      Object.assign(row, {
        lastTradeQty: 1,
        exchFeedTime: angelTime(now),
        exchTradeTime: angelTime(now),
        netChange: 0,
        percentChange: 0,
        avgPrice: ltp,
        tradeVolume: 1000,
        opnInterest: 0,
        depth: {
          buy: [{ price: Math.round((ltp - tick) * 100) / 100, quantity: 10, orders: 1 }],
          sell: [{ price: Math.round((ltp + tick) * 100) / 100, quantity: 10, orders: 1 }],
        },
      });
    }
    fetched.push(row);
  }
  return ok({ fetched, unfetched });
}

const IST_MS = 330 * 60_000;
/** getCandleData intervals: bar length, the most days one request may span, and the bar phase (sessions open 09:15 IST; day bars at IST midnight). */
const CANDLES: Readonly<Record<string, { length: number; maxDays: number; phase: number }>> = {
  ONE_MINUTE: { length: 60_000, maxDays: 30, phase: 0 },
  THREE_MINUTE: { length: 180_000, maxDays: 60, phase: 0 },
  FIVE_MINUTE: { length: 300_000, maxDays: 100, phase: 0 },
  TEN_MINUTE: { length: 600_000, maxDays: 100, phase: 0 },
  FIFTEEN_MINUTE: { length: 900_000, maxDays: 200, phase: 0 },
  THIRTY_MINUTE: { length: 1_800_000, maxDays: 200, phase: 15 * 60_000 },
  ONE_HOUR: { length: 3_600_000, maxDays: 400, phase: 45 * 60_000 },
  ONE_DAY: { length: 86_400_000, maxDays: 2000, phase: -IST_MS },
};

/** "YYYY-MM-DD HH:mm" on the IST clock → epoch ms (NaN otherwise). */
function parseIstMinute(text: unknown): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(typeof text === 'string' ? text : '');
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!) - IST_MS : NaN;
}

/** "2026-01-05T09:15:00+05:30", as SmartAPI stamps candles. */
function istStamp(ms: number): string {
  return `${new Date(ms + IST_MS).toISOString().slice(0, 19)}+05:30`;
}

/**
 * POST historical/v1/getCandleData: rows [time, open, high, low, close, volume] from the shared price path, so history
 * agrees with the quotes and SmartStream. Both dates are inclusive to the minute; over the interval's day cap is refused.
 */
export function candleData(now: number, req: SimRequest): SimResponse {
  const b = req.json<{ exchange?: string; symboltoken?: string; interval?: string; fromdate?: string; todate?: string }>();
  const spec = CANDLES[String(b.interval)];
  if (!spec) return fail('AB13000', 'Invalid interval');
  const scrip = findScrip(b.exchange, b.symboltoken);
  if (!scrip) return fail('AB1019', 'Invalid symboltoken');
  const from = parseIstMinute(b.fromdate);
  const to = parseIstMinute(b.todate);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return fail('AB13000', 'Invalid date or time format');
  if (to - from > spec.maxDays * 86_400_000) return fail('AB13000', `Date range exceeds the ${spec.maxDays} days allowed for ${String(b.interval)}`);
  const bars = simBars(simSymbol(scrip), from, to + 60_000, spec.length, now, spec.phase);
  return ok(bars.map((x) => [istStamp(x.time), x.open, x.high, x.low, x.close, x.volume]));
}
