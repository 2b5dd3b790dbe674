import { BrokerError, type BrokerContext, type BrokerOrder, type OrderRequest, type OrderState, type OrderType, type Position, type Quote } from '../types';
import { parseIstDateTime } from '../india-time';
import { num, record, text, type JsonRecord } from '../json';

const EXCHANGES = ['NSE', 'BSE', 'NFO', 'BFO', 'CDS', 'BCD', 'MCX', 'NSEIX'] as const;
const DERIVATIVE_EXCHANGES = new Set(['NFO', 'BFO', 'CDS', 'BCD', 'MCX', 'NSEIX']);
const PRODUCTS = new Set(['CNC', 'NRML', 'MIS', 'MTF']);

export interface KiteInstrumentRef {
  exchange: string;
  tradingsymbol: string;
}

/** "NSE:INFY" → exchange NSE, tradingsymbol INFY (Kite's own key is the same string). */
export function toKiteInstrument(ctx: BrokerContext, symbol: string): KiteInstrumentRef {
  const known = ctx.instruments.find(symbol);
  if (known) return { exchange: known.exchange, tradingsymbol: known.brokerSymbol };
  const colon = symbol.indexOf(':');
  const exchange = symbol.slice(0, colon).toUpperCase();
  const tradingsymbol = symbol.slice(colon + 1).toUpperCase();
  if (colon < 1 || !tradingsymbol || !(EXCHANGES as readonly string[]).includes(exchange)) {
    throw new BrokerError('BROKER_REJECTED', `"${symbol.slice(0, 40)}" is not a Zerodha symbol. Use EXCHANGE:SYMBOL, e.g. NSE:INFY or NFO:NIFTY26JANFUT.`);
  }
  return { exchange, tradingsymbol };
}

export function fromKiteInstrument(exchange: unknown, tradingsymbol: unknown): string {
  return `${text(exchange) ?? ''}:${text(tradingsymbol) ?? ''}`;
}

/** Kite tags are alphanumeric, at most 20 characters: the client order id is folded into that. */
export function kiteTag(clientOrderId: string): string {
  return clientOrderId.replace(/[^A-Za-z0-9]/g, '').slice(0, 20);
}

const ORDER_TYPES: Record<OrderType, string> = { MARKET: 'MARKET', LIMIT: 'LIMIT', STOP: 'SL-M', STOP_LIMIT: 'SL' };
const FROM_ORDER_TYPE: Record<string, OrderType> = { MARKET: 'MARKET', LIMIT: 'LIMIT', 'SL-M': 'STOP', SL: 'STOP_LIMIT' };

/** The form body of POST /orders/regular. */
export function orderForm(ctx: BrokerContext, order: OrderRequest): Record<string, string | number | undefined> {
  if (order.timeInForce === 'GTC') {
    throw new BrokerError('NOT_SUPPORTED', 'Zerodha regular orders are DAY or IOC only; use a GTT order in Kite for good-till-cancelled.');
  }
  const { exchange, tradingsymbol } = toKiteInstrument(ctx, order.symbol);
  const product = order.product && PRODUCTS.has(order.product) ? order.product : DERIVATIVE_EXCHANGES.has(exchange) ? 'NRML' : 'CNC';
  const orderType = ORDER_TYPES[order.type];
  const isMarketLike = order.type === 'MARKET' || order.type === 'STOP';
  return {
    tradingsymbol,
    exchange,
    transaction_type: order.side,
    order_type: orderType,
    quantity: order.quantity,
    product,
    price: order.type === 'LIMIT' || order.type === 'STOP_LIMIT' ? order.limitPrice : undefined,
    trigger_price: order.type === 'STOP' || order.type === 'STOP_LIMIT' ? order.stopPrice : undefined,
    validity: order.timeInForce === 'IOC' ? 'IOC' : 'DAY',
    // Market and SL-M orders without protection are rejected from April 2026: -1 asks Kite for automatic protection.
    market_protection: isMarketLike ? -1 : undefined,
    tag: kiteTag(order.clientOrderId) || undefined,
  };
}

const PENDING_STATUSES = new Set(['PUT ORDER REQ RECEIVED', 'VALIDATION PENDING', 'OPEN PENDING', 'AMO REQ RECEIVED']);
const WORKING_STATUSES = new Set(['OPEN', 'TRIGGER PENDING', 'MODIFY VALIDATION PENDING', 'MODIFY PENDING', 'MODIFIED', 'CANCEL PENDING']);

export function orderState(status: string, filled: number): OrderState {
  if (status === 'COMPLETE') return 'FILLED';
  if (status === 'CANCELLED') return 'CANCELLED';
  if (status === 'REJECTED') return 'REJECTED';
  if (status === 'LAPSED' || status === 'EXPIRED') return 'EXPIRED';
  if (PENDING_STATUSES.has(status)) return 'PENDING';
  if (WORKING_STATUSES.has(status)) return filled > 0 ? 'PARTIALLY_FILLED' : 'OPEN';
  return 'UNKNOWN';
}

/** One order of GET /orders or one state of GET /orders/{id}. */
export function toBrokerOrder(raw: unknown): BrokerOrder {
  const o = record(raw);
  const status = text(o.status) ?? '';
  const filled = num(o.filled_quantity) ?? 0;
  const average = num(o.average_price);
  const price = num(o.price);
  return {
    brokerOrderId: text(o.order_id) ?? '',
    clientOrderId: text(o.tag),
    symbol: fromKiteInstrument(o.exchange, o.tradingsymbol),
    side: o.transaction_type === 'SELL' ? 'SELL' : 'BUY',
    quantity: num(o.quantity) ?? 0,
    filledQuantity: filled,
    averagePrice: average && average > 0 ? average : null,
    type: FROM_ORDER_TYPE[text(o.order_type) ?? ''] ?? 'LIMIT',
    limitPrice: price && price > 0 ? price : null,
    state: orderState(status, filled),
    message: text(o.status_message) ?? (status || null),
    updatedAt: parseIstDateTime(o.exchange_update_timestamp) ?? parseIstDateTime(o.exchange_timestamp) ?? parseIstDateTime(o.order_timestamp),
  };
}

export function toPosition(raw: unknown): Position {
  const p = record(raw);
  return {
    symbol: fromKiteInstrument(p.exchange, p.tradingsymbol),
    quantity: num(p.quantity) ?? 0,
    averagePrice: num(p.average_price) ?? 0,
    lastPrice: num(p.last_price),
    unrealizedPnl: num(p.unrealised),
    realizedPnl: num(p.realised),
  };
}

function bestPrice(levels: unknown): number | null {
  const first = Array.isArray(levels) ? record(levels[0]) : {};
  const price = num(first.price);
  return price && price > 0 ? price : null;
}

/** One entry of GET /quote, keyed by the "EXCHANGE:TRADINGSYMBOL" the request used. */
export function toQuote(symbol: string, raw: JsonRecord): Quote {
  const depth = record(raw.depth);
  return {
    symbol,
    last: num(raw.last_price) ?? 0,
    bid: bestPrice(depth.buy),
    ask: bestPrice(depth.sell),
    at: parseIstDateTime(raw.timestamp) ?? parseIstDateTime(raw.last_trade_time),
  };
}
