import type { SimExchange } from '../exchange';
import type { SimRequest, SimResponse } from '../harness';
import { fail, ok } from './replies';
import { findScrip, simSymbol } from './scrip';
import { angelTime } from './trading';

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
