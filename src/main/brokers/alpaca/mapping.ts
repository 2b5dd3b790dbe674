import { BrokerError, type BrokerContext, type BrokerOrder, type Instrument, type OrderState, type OrderType, type Position } from '../types';

/** The subset of Alpaca's Order object (trading-api.json #/components/schemas/Order) we read. */
export interface AlpacaOrder {
  id: string;
  client_order_id?: string;
  symbol?: string;
  asset_class?: string;
  qty?: string | null;
  filled_qty?: string;
  filled_avg_price?: string | null;
  type: string;
  side?: string;
  limit_price?: string | null;
  status?: string;
  /** simple, bracket, oco, oto, mleg. */
  order_class?: string;
  /** The legs of a bracket or oco order when asked for nested (GET …?nested=true). */
  legs?: AlpacaOrder[] | null;
  /** Set on an order a replace (PATCH) ended: the id of the order that carries it on. */
  replaced_by?: string | null;
  updated_at?: string | null;
  created_at?: string;
}

export interface AlpacaPosition {
  symbol: string;
  asset_class: string;
  qty: string;
  avg_entry_price: string;
  current_price: string;
  unrealized_pl: string;
}

export interface AlpacaAsset {
  id: string;
  class: string;
  symbol: string;
  name: string;
  status: string;
  tradable: boolean;
  min_order_size?: string;
  min_trade_increment?: string;
  price_increment?: string;
}

const STATES: Record<string, OrderState> = {
  accepted: 'PENDING',
  pending_new: 'PENDING',
  accepted_for_bidding: 'PENDING',
  held: 'PENDING',
  new: 'OPEN',
  pending_cancel: 'OPEN',
  pending_replace: 'OPEN',
  done_for_day: 'OPEN',
  stopped: 'OPEN',
  suspended: 'OPEN',
  calculated: 'OPEN',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELLED',
  replaced: 'CANCELLED',
  expired: 'EXPIRED',
  rejected: 'REJECTED',
};

export const orderState = (status: string | undefined): OrderState => STATES[status ?? ''] ?? 'UNKNOWN';

const TYPES: Record<string, OrderType> = { market: 'MARKET', limit: 'LIMIT', stop: 'STOP', stop_limit: 'STOP_LIMIT', trailing_stop: 'STOP' };

const num = (value: string | null | undefined): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
};

/** Alpaca symbol → common form: equities `US:AAPL`, crypto `CRYPTO:BTCUSD` (Alpaca writes `BTC/USD`). */
export function commonSymbol(symbol: string, assetClass: string | undefined): string {
  return assetClass === 'crypto' || symbol.includes('/') ? `CRYPTO:${symbol.replace('/', '')}` : `US:${symbol}`;
}

/** Common symbol → Alpaca symbol, through the asset list when cached, else by the naming rule. */
export function alpacaSymbol(ctx: BrokerContext, symbol: string): string {
  const known = ctx.instruments.find(symbol);
  if (known) return known.brokerSymbol;
  const [exchange, ticker] = symbol.split(':');
  if (ticker && exchange === 'US') return ticker.toUpperCase();
  const pair = /^([A-Z0-9]+?)(USDT|USDC|USD|BTC)$/.exec(ticker?.toUpperCase() ?? '');
  if (exchange === 'CRYPTO' && pair) return `${pair[1]}/${pair[2]}`;
  throw new BrokerError('BROKER_REJECTED', `Alpaca does not trade ${symbol}. Use US:TICKER for US stocks or CRYPTO:BTCUSD for crypto.`);
}

export function toBrokerOrder(o: AlpacaOrder): BrokerOrder {
  const state = orderState(o.status);
  return {
    brokerOrderId: o.id,
    clientOrderId: o.client_order_id || null,
    symbol: commonSymbol(o.symbol ?? '', o.asset_class),
    side: o.side === 'sell' ? 'SELL' : 'BUY',
    quantity: num(o.qty) ?? 0,
    filledQuantity: num(o.filled_qty) ?? 0,
    averagePrice: num(o.filled_avg_price),
    type: TYPES[o.type] ?? 'MARKET',
    limitPrice: num(o.limit_price),
    state,
    message: o.status ?? null,
    updatedAt: o.updated_at ? Date.parse(o.updated_at) : o.created_at ? Date.parse(o.created_at) : null,
  };
}

export function toPosition(p: AlpacaPosition): Position {
  return {
    symbol: commonSymbol(p.symbol, p.asset_class),
    quantity: num(p.qty) ?? 0,
    averagePrice: num(p.avg_entry_price) ?? 0,
    lastPrice: num(p.current_price),
    unrealizedPnl: num(p.unrealized_pl),
    realizedPnl: null,
  };
}

export function toInstrument(a: AlpacaAsset): Instrument {
  const crypto = a.class === 'crypto';
  return {
    symbol: commonSymbol(a.symbol, a.class),
    exchange: crypto ? 'CRYPTO' : 'US',
    brokerSymbol: a.symbol,
    token: a.id,
    name: a.name,
    lotSize: num(a.min_trade_increment) ?? 1,
    tickSize: num(a.price_increment) ?? 0.01,
    segment: a.class,
  };
}

/** Decimal string without exponent or float noise, as Alpaca expects for qty and prices. */
export function decimal(n: number): string {
  if (!Number.isFinite(n)) throw new BrokerError('BROKER_REJECTED', 'Quantity and prices must be finite numbers.');
  return n.toFixed(9).replace(/\.?0+$/, '');
}

/** RFC 3339 with nanoseconds → ms (Date.parse is only specified for milliseconds). */
export function parseTime(value: string | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? ms : null;
}
