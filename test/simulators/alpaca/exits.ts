import type { SimExchange, SimOrder } from '../exchange';
import type { SimResponse } from '../harness';
import { orderJson } from './wire';

/**
 * Alpaca's advanced orders on POST /v2/orders (docs.alpaca.markets "Working with orders"): `order_class` bracket (an
 * entry with take_profit and stop_loss legs held until it fills) and oco (a take-profit limit order whose stop leg is
 * cancelled by its fill, and the reverse), and `type: trailing_stop` with trail_price or trail_percent.
 * Refusals are Alpaca's 422 body with code 42210000 (seen in alpaca-trade-api-js#248); the texts of the base-price rules
 * are Alpaca's as quoted by its users; the other texts are unconfirmed.
 */
export type Body = Record<string, unknown>;

const fail422 = (message: string): SimResponse => ({ status: 422, json: { code: 42210000, message } });
const str = (o: unknown, k: string): string | undefined => {
  const v = (o as Record<string, unknown> | undefined)?.[k];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
};
const price = (o: unknown, k: string): number | null => (str(o, k) === undefined ? null : Number(str(o, k)));

/** The order's legs, for the nested view: the legs of the group this order heads. */
export function legsOf(ex: SimExchange, o: SimOrder): SimOrder[] | null {
  const group = ex.exitGroups.get(o.id);
  return group ? group.legs.filter((id) => id !== o.id).map((id) => ex.orders.get(id)!) : null;
}

export const nestedJson = (ex: SimExchange, o: SimOrder, fresh = false) => orderJson(o, fresh, legsOf(ex, o));

export interface ExitTerms {
  symbol: string;
  qty: number;
  side: 'buy' | 'sell';
  type: string;
  tif: string;
  limit: number | null;
  clientOrderId: string;
}

/** A trailing_stop order: exactly one of trail_price and trail_percent; day or gtc. */
export function placeTrailing(ex: SimExchange, body: Body, t: ExitTerms): SimResponse {
  const amount = price(body, 'trail_price');
  const percent = price(body, 'trail_percent');
  if ((amount === null) === (percent === null)) return fail422('trailing stop orders require exactly one of trail_price or trail_percent');
  if (!((amount ?? percent)! > 0)) return fail422('trail must be positive');
  if (t.tif !== 'day' && t.tif !== 'gtc') return fail422('trailing stop orders must be day or gtc');
  const order = ex.place({
    symbol: t.symbol,
    side: t.side === 'buy' ? 'BUY' : 'SELL',
    quantity: t.qty,
    type: 'STOP',
    clientOrderId: t.clientOrderId,
    extra: { tif: t.tif, ...(amount !== null ? { trailAmount: String(amount) } : { trailPercent: String(percent) }) },
  });
  return { json: orderJson(order, true) };
}

/**
 * bracket and oco. Base price: a limit entry's limit, else the last trade. For a buy bracket the take-profit must be at
 * least a cent above it and the stop at least a cent below (mirrored for a sell); an oco's legs straddle the market.
 */
export function placeClass(ex: SimExchange, body: Body, t: ExitTerms, orderClass: 'bracket' | 'oco'): SimResponse {
  const tp = price(body.take_profit, 'limit_price');
  const sl = price(body.stop_loss, 'stop_price');
  const slLimit = price(body.stop_loss, 'limit_price');
  if (tp === null || sl === null) return fail422(`${orderClass} orders require take_profit and stop_loss`);
  if (!(tp > 0) || !(sl > 0) || (slLimit !== null && !(slLimit > 0))) return fail422('invalid price');
  if (t.tif !== 'day' && t.tif !== 'gtc') return fail422(`${orderClass} orders must be day or gtc`);
  const exitSide = orderClass === 'bracket' ? (t.side === 'buy' ? 'SELL' : 'BUY') : t.side === 'buy' ? 'BUY' : 'SELL';
  const longExit = exitSide === 'SELL';
  if (orderClass === 'bracket') {
    if (t.type !== 'market' && t.type !== 'limit') return fail422('bracket orders must be entry orders');
    const base = t.type === 'limit' ? t.limit! : ex.price(t.symbol);
    if (longExit ? tp < base + 0.01 - 1e-9 : tp > base - 0.01 + 1e-9)
      return fail422(`take_profit.limit_price must be ${longExit ? '>= base_price + 0.01' : '<= base_price - 0.01'}`);
    if (longExit ? sl > base - 0.01 + 1e-9 : sl < base + 0.01 - 1e-9)
      return fail422(`stop_loss.stop_price must be ${longExit ? '<= base_price - 0.01' : '>= base_price + 0.01'}`);
  } else {
    if (t.type !== 'limit') return fail422('oco orders must be limit orders');
    if (t.limit !== null && t.limit !== tp) return fail422('limit_price must equal take_profit.limit_price');
    if (longExit ? tp <= sl : tp >= sl) return fail422(`take_profit.limit_price must be ${longExit ? '>' : '<'} stop_loss.stop_price`);
  }
  const side = longExit ? 'SELL' : 'BUY';
  const held = { held: '1', orderClass, tif: t.tif };
  const entry =
    orderClass === 'bracket'
      ? ex.place({
          symbol: t.symbol,
          side: t.side === 'buy' ? 'BUY' : 'SELL',
          quantity: t.qty,
          type: t.type === 'limit' ? 'LIMIT' : 'MARKET',
          limitPrice: t.limit,
          clientOrderId: t.clientOrderId,
          extra: held,
        })
      : null;
  const target = ex.place({
    symbol: t.symbol,
    side,
    quantity: t.qty,
    type: 'LIMIT',
    limitPrice: tp,
    clientOrderId: entry ? crypto.randomUUID() : t.clientOrderId,
    extra: { ...held, exitRole: 'target' },
  });
  const stop = ex.place({
    symbol: t.symbol,
    side,
    quantity: t.qty,
    type: slLimit === null ? 'STOP' : 'STOP_LIMIT',
    stopPrice: sl,
    limitPrice: slLimit,
    clientOrderId: crypto.randomUUID(),
    // The stop leg shares the target's shares: it does not count again against what is available to sell.
    extra: { ...held, exitRole: 'stop', sharesWith: target.id },
  });
  const head = entry ?? target;
  ex.linkExit({ id: head.id, entry: entry?.id ?? null, legs: [target.id, stop.id] });
  return { json: nestedJson(ex, head, true) };
}
