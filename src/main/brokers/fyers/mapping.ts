import { BrokerError, type BrokerContext, type BrokerOrder, type OrderRequest, type OrderState, type OrderType, type Position, type Quote } from '../types';
import { istToUtc, monthNumber } from '../india-time';
import { num, record, text, type JsonRecord } from '../json';
import { DERIVATIVE_EXCHANGES, fromFyersSymbol, fyersTag, toFyersSymbol } from './symbols';

/** Fyers order times are "05-Jan-2026 09:30:00" on the IST wall clock. */
export function parseFyersTime(value: unknown): number | null {
  const m = /^(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(typeof value === 'string' ? value : '');
  const month = m ? monthNumber(m[2]!) : null;
  if (!m || month === null) return null;
  return istToUtc(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
}

const TYPE_CODES: Record<OrderType, number> = { LIMIT: 1, MARKET: 2, STOP: 3, STOP_LIMIT: 4 };
const TYPES_BY_CODE: Record<number, OrderType> = { 1: 'LIMIT', 2: 'MARKET', 3: 'STOP', 4: 'STOP_LIMIT' };
/** FYERS product names, plus the Kite-style names a user may type. */
const PRODUCTS: Record<string, string> = { CNC: 'CNC', INTRADAY: 'INTRADAY', MARGIN: 'MARGIN', MTF: 'MTF', MIS: 'INTRADAY', NRML: 'MARGIN' };

/** The JSON body of POST /api/v3/orders/sync. */
export function orderBody(ctx: BrokerContext, order: OrderRequest): JsonRecord {
  if (order.timeInForce === 'GTC')
    throw new BrokerError('NOT_SUPPORTED', 'FYERS orders are DAY or IOC only; good-till-cancelled is not offered through the API.');
  const exchange = order.symbol.slice(0, order.symbol.indexOf(':')).toUpperCase();
  const productType = PRODUCTS[order.product?.toUpperCase() ?? ''] ?? (DERIVATIVE_EXCHANGES.has(exchange) ? 'MARGIN' : 'CNC');
  const usesLimit = order.type === 'LIMIT' || order.type === 'STOP_LIMIT';
  const usesStop = order.type === 'STOP' || order.type === 'STOP_LIMIT';
  const tag = fyersTag(order.clientOrderId);
  return {
    symbol: toFyersSymbol(ctx, order.symbol),
    qty: order.quantity,
    type: TYPE_CODES[order.type],
    side: order.side === 'BUY' ? 1 : -1,
    productType,
    limitPrice: usesLimit ? (order.limitPrice ?? 0) : 0,
    stopPrice: usesStop ? (order.stopPrice ?? 0) : 0,
    validity: order.timeInForce === 'IOC' ? 'IOC' : 'DAY',
    disclosedQty: 0,
    offlineOrder: false,
    stopLoss: 0,
    takeProfit: 0,
    ...(tag ? { orderTag: tag } : {}),
  };
}

/** status: 1 cancelled, 2 traded, 4 transit, 5 rejected, 6 pending, 7 expired. */
export function orderState(status: number | null, filled: number): OrderState {
  switch (status) {
    case 1:
      return 'CANCELLED';
    case 2:
      return 'FILLED';
    case 4:
      return 'PENDING';
    case 5:
      return 'REJECTED';
    case 6:
      return filled > 0 ? 'PARTIALLY_FILLED' : 'OPEN';
    case 7:
      return 'EXPIRED';
    default:
      return 'UNKNOWN';
  }
}

/** Tags have been seen echoed with a "<n>:" prefix in the order book; the prefix is not part of the tag. */
export function orderTagOf(raw: unknown): string | null {
  const tag = text(raw);
  return tag ? tag.replace(/^\d+:/, '') : null;
}

export function toBrokerOrder(ctx: BrokerContext, raw: unknown): BrokerOrder {
  const o = record(raw);
  const filled = num(o.filledQty) ?? 0;
  const traded = num(o.tradedPrice);
  const limit = num(o.limitPrice);
  return {
    brokerOrderId: text(o.id) ?? '',
    clientOrderId: orderTagOf(o.orderTag),
    symbol: fromFyersSymbol(ctx, text(o.symbol) ?? ''),
    side: num(o.side) === -1 ? 'SELL' : 'BUY',
    quantity: num(o.qty) ?? 0,
    filledQuantity: filled,
    averagePrice: traded && traded > 0 && filled > 0 ? traded : null,
    type: TYPES_BY_CODE[num(o.type) ?? 0] ?? 'LIMIT',
    limitPrice: limit && limit > 0 ? limit : null,
    state: orderState(num(o.status), filled),
    message: text(o.message) || null,
    updatedAt: parseFyersTime(o.orderDateTime),
  };
}

export function toPosition(ctx: BrokerContext, raw: unknown): Position {
  const p = record(raw);
  return {
    symbol: fromFyersSymbol(ctx, text(p.symbol) ?? ''),
    quantity: num(p.netQty) ?? 0,
    averagePrice: num(p.netAvg) ?? num(p.avgPrice) ?? 0,
    lastPrice: num(p.ltp),
    unrealizedPnl: num(p.unrealized_profit),
    realizedPnl: num(p.realized_profit),
  };
}

/** One `d[]` entry of GET /data/quotes; null when FYERS flagged the symbol. */
export function toQuote(symbol: string, entry: JsonRecord): Quote | null {
  const v = record(entry.v);
  const last = num(v.lp);
  if (entry.s !== 'ok' || last === null) return null;
  const bid = num(v.bid);
  const ask = num(v.ask);
  const tt = num(v.tt);
  return { symbol, last, bid: bid && bid > 0 ? bid : null, ask: ask && ask > 0 ? ask : null, at: tt ? tt * 1000 : null };
}
