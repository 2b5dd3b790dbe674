import { createHash } from 'node:crypto';
import { BrokerError, type BrokerOrder, type Instrument, type OrderRequest, type OrderState, type Position, type Quote } from '../types';
import { numOrZero } from '../json';
import { commonSymbol } from './instruments';
import { parseDhanTime } from './time';

/** Dhan's correlationId is a short user tag (max length unconfirmed; 25 assumed): long ids become a stable hash. */
export function correlationId(clientOrderId: string): string {
  if (/^[A-Za-z0-9_-]{1,25}$/.test(clientOrderId)) return clientOrderId;
  return createHash('sha256').update(clientOrderId).digest('hex').slice(0, 25);
}

const PRODUCTS: Record<string, string> = {
  CNC: 'CNC',
  DELIVERY: 'CNC',
  MIS: 'INTRADAY',
  INTRADAY: 'INTRADAY',
  NRML: 'MARGIN',
  MARGIN: 'MARGIN',
  MTF: 'MTF',
};

const ORDER_TYPES: Record<OrderRequest['type'], string> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOP: 'STOP_LOSS_MARKET',
  STOP_LIMIT: 'STOP_LOSS',
};

function productFor(order: OrderRequest, instrument: Instrument): string {
  if (order.product) {
    const mapped = PRODUCTS[order.product.toUpperCase()];
    if (!mapped) throw new BrokerError('BROKER_REJECTED', `Dhan has no product "${order.product}". Use CNC, MIS (INTRADAY) or NRML (MARGIN).`);
    return mapped;
  }
  return instrument.segment.endsWith('_EQ') ? 'CNC' : 'MARGIN';
}

export function toOrderBody(clientId: string, order: OrderRequest, instrument: Instrument): Record<string, unknown> {
  if (instrument.segment === 'IDX_I') throw new BrokerError('BROKER_REJECTED', `${order.symbol} is an index; Dhan does not trade it.`);
  if (order.timeInForce === 'GTC') throw new BrokerError('NOT_SUPPORTED', 'Dhan orders are DAY or IOC; GTC needs a Forever Order instead.');
  const needsPrice = order.type === 'LIMIT' || order.type === 'STOP_LIMIT';
  const needsTrigger = order.type === 'STOP' || order.type === 'STOP_LIMIT';
  if (needsPrice && order.limitPrice === undefined) throw new BrokerError('BROKER_REJECTED', 'A limit price is required for this order type.');
  if (needsTrigger && order.stopPrice === undefined) throw new BrokerError('BROKER_REJECTED', 'A trigger price is required for this order type.');
  return {
    dhanClientId: clientId,
    correlationId: correlationId(order.clientOrderId),
    transactionType: order.side,
    exchangeSegment: instrument.segment,
    productType: productFor(order, instrument),
    orderType: ORDER_TYPES[order.type],
    validity: order.timeInForce === 'IOC' ? 'IOC' : 'DAY',
    securityId: instrument.token,
    quantity: order.quantity,
    disclosedQuantity: 0,
    price: needsPrice ? order.limitPrice : 0,
    triggerPrice: needsTrigger ? order.stopPrice : 0,
    afterMarketOrder: false,
  };
}

const STATES: Record<string, OrderState> = {
  TRANSIT: 'PENDING',
  PENDING: 'OPEN',
  TRIGGERED: 'OPEN',
  PART_TRADED: 'PARTIALLY_FILLED',
  TRADED: 'FILLED',
  CLOSED: 'FILLED',
  REJECTED: 'REJECTED',
  CANCELLED: 'CANCELLED',
  EXPIRED: 'EXPIRED',
};

export function toOrderState(status: unknown): OrderState {
  return STATES[String(status ?? '').toUpperCase()] ?? 'UNKNOWN';
}

const TYPES_BACK: Record<string, BrokerOrder['type']> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOP_LOSS_MARKET: 'STOP',
  STOP_LOSS: 'STOP_LIMIT',
};

export type DhanOrder = Record<string, unknown>;

export function toBrokerOrder(o: DhanOrder): BrokerOrder {
  const type = TYPES_BACK[String(o.orderType ?? '')] ?? 'LIMIT';
  const filled = numOrZero(o.filledQty);
  const reason = typeof o.omsErrorDescription === 'string' && o.omsErrorDescription.trim() ? o.omsErrorDescription.trim() : null;
  return {
    brokerOrderId: String(o.orderId ?? ''),
    clientOrderId: typeof o.correlationId === 'string' && o.correlationId ? o.correlationId : null,
    symbol: commonSymbol(o.exchangeSegment, o.tradingSymbol),
    side: o.transactionType === 'SELL' ? 'SELL' : 'BUY',
    quantity: numOrZero(o.quantity),
    filledQuantity: filled,
    averagePrice: filled > 0 ? numOrZero(o.averageTradedPrice) : null,
    type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? numOrZero(o.price) : null,
    state: toOrderState(o.orderStatus),
    message: reason ?? (typeof o.orderStatus === 'string' ? o.orderStatus : null),
    updatedAt: parseDhanTime(o.updateTime ?? o.createTime),
  };
}

export function toPosition(p: Record<string, unknown>): Position {
  const qty = numOrZero(p.netQty);
  return {
    symbol: commonSymbol(p.exchangeSegment, p.tradingSymbol),
    quantity: qty,
    averagePrice: qty < 0 ? numOrZero(p.sellAvg) : numOrZero(p.buyAvg ?? p.costPrice),
    lastPrice: null,
    unrealizedPnl: numOrZero(p.unrealizedProfit),
    realizedPnl: numOrZero(p.realizedProfit),
  };
}

interface DepthLevel {
  price?: unknown;
}

export function toQuote(symbol: string, q: Record<string, unknown>): Quote {
  const depth = q.depth as { buy?: DepthLevel[]; sell?: DepthLevel[] } | undefined;
  const bid = numOrZero(depth?.buy?.[0]?.price);
  const ask = numOrZero(depth?.sell?.[0]?.price);
  return { symbol, last: numOrZero(q.last_price), bid: bid || null, ask: ask || null, at: parseDhanTime(q.last_trade_time) };
}
