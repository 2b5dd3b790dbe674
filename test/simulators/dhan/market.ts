import type { SimExchange } from '../exchange';
import type { SimRequest, SimResponse } from '../harness';
import { inputError } from './replies';
import { findScrip } from './scrip';
import { simBars } from '../bars';

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

const IST_MS = 330 * 60_000;
/** Intraday bar lengths Dhan offers (minutes) and the bar phase: sessions open 09:15 IST, so hourly bars open at :15. */
const INTRADAY_PHASE: Readonly<Record<string, number>> = { '1': 0, '5': 0, '15': 0, '25': 15 * 60_000, '60': 45 * 60_000 };

/** "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DD") on the IST clock → epoch ms; NaN when it is neither. */
function parseIst(text: unknown): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(typeof text === 'string' ? text : '');
  if (!m) return NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  return Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s) - IST_MS;
}

/**
 * POST /v2/charts/intraday and /v2/charts/historical: parallel open/high/low/close/volume/timestamp (epoch seconds)
 * arrays built from the shared price path, so history agrees with the feed and the quotes. Intraday allows 90 days a
 * request; the daily toDate is exclusive and day bars open at IST midnight.
 */
export function charts(now: number, daily: boolean, req: SimRequest): SimResponse {
  let body: Record<string, unknown>;
  try {
    body = req.json<Record<string, unknown>>();
  } catch {
    return inputError('Invalid JSON body');
  }
  const scrip = findScrip(String(body.exchangeSegment ?? ''), body.securityId);
  if (!scrip) return inputError('Invalid Security ID');
  if (typeof body.instrument !== 'string' || !body.instrument) return inputError('instrument is required');
  const from = parseIst(body.fromDate);
  const to = parseIst(body.toDate);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return inputError('Invalid fromDate or toDate');
  let bars;
  if (daily) {
    bars = simBars(scrip.symbol, from, to, 86_400_000, now, -IST_MS);
  } else {
    const phase = INTRADAY_PHASE[String(body.interval)];
    if (phase === undefined) return inputError('Invalid interval');
    if (to - from > 90 * 86_400_000) return inputError('Intraday data can be fetched for 90 days at a time');
    bars = simBars(scrip.symbol, from, to, Number(body.interval) * 60_000, now, phase);
  }
  return {
    json: {
      open: bars.map((b) => b.open),
      high: bars.map((b) => b.high),
      low: bars.map((b) => b.low),
      close: bars.map((b) => b.close),
      volume: bars.map((b) => b.volume),
      timestamp: bars.map((b) => b.time / 1000),
    },
  };
}
