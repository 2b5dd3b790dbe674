import type { SimExchange } from '../exchange';
import type { SimRequest, SimResponse } from '../harness';
import { inputError } from './replies';
import { findScrip } from './scrip';

export type FeedMode = 'ltp' | 'ohlc' | 'quote';

/** "05/01/2026 09:30:00" in IST, as marketfeed prints last_trade_time. */
function feedTime(at: number): string {
  const iso = new Date(at + 5.5 * 3_600_000).toISOString();
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
}

/** POST /v2/marketfeed/{ltp|ohlc|quote}: body keyed by segment, numeric ids; unknown ids are left out. */
export function marketFeed(exchange: SimExchange, now: number, mode: FeedMode, req: SimRequest): SimResponse {
  let body: Record<string, unknown>;
  try {
    body = req.json<Record<string, unknown>>();
  } catch {
    return inputError('Invalid JSON body');
  }
  const data: Record<string, Record<string, unknown>> = {};
  let count = 0;
  for (const [segment, ids] of Object.entries(body)) {
    if (segment === 'dhanClientId') continue; // Dhan's Python client adds it to every body.
    if (!Array.isArray(ids)) return inputError(`Security ids for ${segment} must be a list`);
    for (const id of ids) {
      count++;
      const scrip = findScrip(segment, id);
      if (!scrip) continue;
      const ltp = exchange.price(scrip.symbol);
      const row: Record<string, unknown> = { last_price: ltp };
      if (mode !== 'ltp') row.ohlc = { open: ltp, close: ltp, high: ltp, low: ltp };
      if (mode === 'quote') {
        const bid = Math.round((ltp - 0.05) * 100) / 100;
        const ask = Math.round((ltp + 0.05) * 100) / 100;
        Object.assign(row, {
          average_price: ltp,
          buy_quantity: 100,
          sell_quantity: 100,
          depth: { buy: [{ quantity: 10, orders: 1, price: bid }], sell: [{ quantity: 10, orders: 1, price: ask }] },
          last_quantity: 1,
          last_trade_time: feedTime(now),
          lower_circuit_limit: Math.round(ltp * 0.8 * 100) / 100,
          upper_circuit_limit: Math.round(ltp * 1.2 * 100) / 100,
          net_change: 0,
          oi: 0,
          volume: 1000,
        });
      }
      (data[segment] ??= {})[String(id)] = row;
    }
  }
  if (count > 1000) return inputError('Maximum 1000 instruments per request');
  return { json: { data, status: 'success' } };
}
