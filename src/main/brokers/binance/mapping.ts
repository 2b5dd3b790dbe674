import { createHash } from 'node:crypto';
import { BrokerError, type BrokerContext, type BrokerOrder, type Instrument, type OrderState, type OrderType } from '../types';

/** GET/DELETE /api/v3/order, openOrders, allOrders (spot_api.yaml #/components/schemas/orderDetails) and order responses. */
export interface BinanceOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  origClientOrderId?: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: string;
  type: string;
  side: string;
  time?: number;
  updateTime?: number;
  transactTime?: number;
}

const STATES: Record<string, OrderState> = {
  PENDING_NEW: 'PENDING',
  NEW: 'OPEN',
  PENDING_CANCEL: 'OPEN',
  PARTIALLY_FILLED: 'PARTIALLY_FILLED',
  FILLED: 'FILLED',
  CANCELED: 'CANCELLED',
  REJECTED: 'REJECTED',
  EXPIRED: 'EXPIRED',
  EXPIRED_IN_MATCH: 'EXPIRED',
};
export const orderState = (status: string): OrderState => STATES[status] ?? 'UNKNOWN';

const TYPES: Record<string, OrderType> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  LIMIT_MAKER: 'LIMIT',
  STOP_LOSS: 'STOP',
  TAKE_PROFIT: 'STOP',
  STOP_LOSS_LIMIT: 'STOP_LIMIT',
  TAKE_PROFIT_LIMIT: 'STOP_LIMIT',
};

/**
 * Binance order ids are only unique with their symbol, and every order call needs the symbol, so our
 * broker order id carries both: "BTCUSDT:28457".
 */
export const brokerOrderId = (symbol: string, orderId: number): string => `${symbol}:${orderId}`;
export function parseBrokerOrderId(id: string): { symbol: string; orderId: string } {
  const m = /^([A-Z0-9]+):(\d+)$/.exec(id);
  if (!m) throw new BrokerError('BROKER_REJECTED', 'Not a Binance order id (expected SYMBOL:ORDERID).');
  return { symbol: m[1]!, orderId: m[2]! };
}

/** `CRYPTO:BTCUSDT` → `BTCUSDT` (through exchangeInfo when cached). */
export function binanceSymbol(ctx: BrokerContext, symbol: string): string {
  const known = ctx.instruments.find(symbol);
  if (known) return known.brokerSymbol;
  const m = /^CRYPTO:([A-Za-z0-9]{2,20})$/.exec(symbol);
  if (!m) throw new BrokerError('BROKER_REJECTED', `Binance trades crypto pairs only; write them as CRYPTO:BTCUSDT (got ${symbol}).`);
  return m[1]!.toUpperCase();
}

/**
 * newClientOrderId must match ^[.A-Z:/a-z0-9_-]{1,36}$. Ids that do not fit are replaced by a stable
 * digest, so every retry and every look-up derives the same id.
 */
export function binanceClientId(clientOrderId: string): string {
  if (/^[.A-Z:/a-z0-9_-]{1,36}$/.test(clientOrderId)) return clientOrderId;
  return `bv-${createHash('sha256').update(clientOrderId).digest('hex').slice(0, 32)}`;
}

const num = (s: string | undefined) => {
  const n = Number(s ?? '0');
  return Number.isFinite(n) ? n : 0;
};

export function toBrokerOrder(o: BinanceOrder, clientOrderId?: string): BrokerOrder {
  const filled = num(o.executedQty);
  const price = num(o.price);
  return {
    brokerOrderId: brokerOrderId(o.symbol, o.orderId),
    // A cancel response carries the cancel request's id in clientOrderId and the order's in origClientOrderId.
    clientOrderId: clientOrderId ?? o.origClientOrderId ?? o.clientOrderId ?? null,
    symbol: `CRYPTO:${o.symbol}`,
    side: o.side === 'SELL' ? 'SELL' : 'BUY',
    quantity: num(o.origQty),
    filledQuantity: filled,
    averagePrice: filled > 0 ? num(o.cummulativeQuoteQty) / filled : null,
    type: TYPES[o.type] ?? 'MARKET',
    limitPrice: price > 0 ? price : null,
    state: orderState(o.status),
    message: o.status,
    updatedAt: o.updateTime ?? o.transactTime ?? o.time ?? null,
  };
}

/** exchangeInfo symbol entry → Instrument. */
export interface ExchangeSymbol {
  symbol: string;
  status: string;
  baseAsset: string;
  quoteAsset: string;
  isSpotTradingAllowed: boolean;
  filters: { filterType: string; tickSize?: string; stepSize?: string }[];
}

export function toInstrument(s: ExchangeSymbol): Instrument {
  const filter = (type: string) => s.filters.find((f) => f.filterType === type);
  return {
    symbol: `CRYPTO:${s.symbol}`,
    exchange: 'CRYPTO',
    brokerSymbol: s.symbol,
    token: '',
    name: `${s.baseAsset}/${s.quoteAsset}`,
    lotSize: num(filter('LOT_SIZE')?.stepSize) || 1,
    tickSize: num(filter('PRICE_FILTER')?.tickSize) || 0.01,
    segment: 'SPOT',
  };
}

/** Decimal string without exponent or float noise (Binance takes up to 8 decimals for most symbols). */
export function decimal(n: number): string {
  if (!Number.isFinite(n) || n <= 0) throw new BrokerError('BROKER_REJECTED', 'Quantity and prices must be positive numbers.');
  return n.toFixed(8).replace(/\.?0+$/, '');
}
