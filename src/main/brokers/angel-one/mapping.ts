import { createHash } from 'node:crypto';
import { BrokerError, type BrokerOrder, type Instrument, type OrderRequest, type OrderState, type Position, type Quote } from '../types';
import { istToUtc, monthNumber } from '../india-time';
import { numOrZero } from '../json';
import { commonSymbol } from './instruments';

/** Angel's IST timestamps, e.g. "20-Oct-2020 13:10:59"; null when absent or unreadable. */
export function parseAngelTime(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  const month = m ? monthNumber(m[2]!) : null;
  if (!m || month === null) return null;
  return istToUtc(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function numOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Angel's `ordertag` must be shorter than 20 characters (AB4008): long ids become a stable 19-char hash. */
export function orderTag(clientOrderId: string): string {
  if (/^[A-Za-z0-9_-]{1,19}$/.test(clientOrderId)) return clientOrderId;
  return createHash('sha256').update(clientOrderId).digest('hex').slice(0, 19);
}

const PRODUCTS: Record<string, string> = {
  CNC: 'DELIVERY',
  DELIVERY: 'DELIVERY',
  MIS: 'INTRADAY',
  INTRADAY: 'INTRADAY',
  NRML: 'CARRYFORWARD',
  CARRYFORWARD: 'CARRYFORWARD',
  MARGIN: 'MARGIN',
};

function productFor(order: OrderRequest, instrument: Instrument): string {
  if (order.product) {
    const mapped = PRODUCTS[order.product.toUpperCase()];
    if (!mapped) throw new BrokerError('BROKER_REJECTED', `Angel One has no product "${order.product}". Use CNC, MIS or NRML.`);
    return mapped;
  }
  return instrument.exchange === 'NSE' || instrument.exchange === 'BSE' ? 'DELIVERY' : 'CARRYFORWARD';
}

const ORDER_TYPES: Record<OrderRequest['type'], { ordertype: string; variety: string }> = {
  MARKET: { ordertype: 'MARKET', variety: 'NORMAL' },
  LIMIT: { ordertype: 'LIMIT', variety: 'NORMAL' },
  STOP: { ordertype: 'STOPLOSS_MARKET', variety: 'STOPLOSS' },
  STOP_LIMIT: { ordertype: 'STOPLOSS_LIMIT', variety: 'STOPLOSS' },
};

/** The placeOrder body for a unified order. */
export function toPlaceOrderBody(order: OrderRequest, instrument: Instrument): Record<string, string> {
  if (order.timeInForce === 'GTC') throw new BrokerError('NOT_SUPPORTED', 'Angel One orders are DAY or IOC; GTC needs a GTT rule instead.');
  const { ordertype, variety } = ORDER_TYPES[order.type];
  const needsPrice = order.type === 'LIMIT' || order.type === 'STOP_LIMIT';
  const needsTrigger = order.type === 'STOP' || order.type === 'STOP_LIMIT';
  if (needsPrice && order.limitPrice === undefined) throw new BrokerError('BROKER_REJECTED', 'A limit price is required for this order type.');
  if (needsTrigger && order.stopPrice === undefined) throw new BrokerError('BROKER_REJECTED', 'A trigger price is required for this order type.');
  return {
    variety,
    tradingsymbol: instrument.brokerSymbol,
    symboltoken: instrument.token,
    transactiontype: order.side,
    exchange: instrument.exchange,
    ordertype,
    producttype: productFor(order, instrument),
    duration: order.timeInForce === 'IOC' ? 'IOC' : 'DAY',
    price: needsPrice ? String(order.limitPrice) : '0',
    triggerprice: needsTrigger ? String(order.stopPrice) : '0',
    squareoff: '0',
    stoploss: '0',
    quantity: String(order.quantity),
    ordertag: orderTag(order.clientOrderId),
  };
}

export function toOrderState(status: unknown, filled: number): OrderState {
  const s = String(status ?? '').toLowerCase();
  if (s === 'complete') return 'FILLED';
  if (s === 'rejected') return 'REJECTED';
  if (s === 'cancelled') return 'CANCELLED';
  if (s === 'open' || s === 'trigger pending' || s === 'modified' || s === 'cancel pending' || s === 'modify pending') {
    return filled > 0 ? 'PARTIALLY_FILLED' : 'OPEN';
  }
  if (s.includes('pending') || s.includes('received')) return 'PENDING';
  return 'UNKNOWN';
}

const TYPE_BACK: Record<string, BrokerOrder['type']> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOPLOSS_MARKET: 'STOP',
  STOPLOSS_LIMIT: 'STOP_LIMIT',
};

/** One getOrderBook row. */
export type AngelOrderRow = Record<string, unknown>;

export function toBrokerOrder(row: AngelOrderRow): BrokerOrder {
  const filled = numOrZero(row.filledshares);
  const state = toOrderState(row.orderstatus ?? row.status, filled);
  const type = TYPE_BACK[String(row.ordertype ?? '').toUpperCase()] ?? 'LIMIT';
  const text = typeof row.text === 'string' && row.text.trim() ? row.text.trim() : null;
  return {
    brokerOrderId: String(row.orderid ?? ''),
    clientOrderId: typeof row.ordertag === 'string' && row.ordertag ? row.ordertag : null,
    symbol: commonSymbol(String(row.exchange ?? ''), String(row.tradingsymbol ?? '')),
    side: String(row.transactiontype).toUpperCase() === 'SELL' ? 'SELL' : 'BUY',
    quantity: numOrZero(row.quantity),
    filledQuantity: filled,
    averagePrice: filled > 0 ? numOrZero(row.averageprice) : null,
    type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? numOrNull(row.price) : null,
    state,
    message: text ?? (typeof row.orderstatus === 'string' ? row.orderstatus : null),
    updatedAt: parseAngelTime(row.updatetime),
  };
}

export function toPosition(row: Record<string, unknown>): Position {
  return {
    symbol: commonSymbol(String(row.exchange ?? ''), String(row.tradingsymbol ?? '')),
    quantity: numOrZero(row.netqty),
    averagePrice: numOrZero(row.avgnetprice ?? row.netprice),
    lastPrice: numOrNull(row.ltp),
    unrealizedPnl: numOrNull(row.unrealised),
    realizedPnl: numOrNull(row.realised),
  };
}

interface DepthLevel {
  price?: unknown;
}

export function toQuote(symbol: string, row: Record<string, unknown>): Quote {
  const depth = row.depth as { buy?: DepthLevel[]; sell?: DepthLevel[] } | undefined;
  const bid = numOrNull(depth?.buy?.[0]?.price);
  const ask = numOrNull(depth?.sell?.[0]?.price);
  return {
    symbol,
    last: numOrZero(row.ltp),
    bid: bid || null,
    ask: ask || null,
    at: parseAngelTime(row.exchFeedTime ?? row.exchTradeTime),
  };
}
