import type { BrokerOrder, Funds, OrderSide, OrderState, OrderType, Quote } from '../types';
import { num } from '../json';
import { fromTradierSymbol } from './symbols';

/** Tradier collapses collections: an array, a single object, or the string "null" when empty. */
export function asList<T>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  if (value && typeof value === 'object') return [value as T];
  return [];
}

export interface TradierOrder {
  id: number;
  type?: string;
  symbol?: string;
  side?: string;
  quantity?: number;
  status?: string;
  price?: number;
  stop_price?: number;
  avg_fill_price?: number;
  exec_quantity?: number;
  create_date?: string;
  transaction_date?: string;
  reason_description?: string;
  tag?: string;
}

const STATES: Record<string, OrderState> = {
  pending: 'PENDING',
  submitted: 'PENDING',
  open: 'OPEN',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELLED',
  expired: 'EXPIRED',
  rejected: 'REJECTED',
  error: 'REJECTED',
};

/** Tradier's order status in BrokerVault's words (REST and the account stream use the same statuses). */
export function tradierOrderState(status: string | undefined): OrderState {
  return STATES[status ?? ''] ?? 'UNKNOWN';
}

const TYPES: Record<string, OrderType> = { market: 'MARKET', limit: 'LIMIT', stop: 'STOP', stop_limit: 'STOP_LIMIT' };

function side(value: string | undefined): OrderSide {
  return value?.startsWith('sell') ? 'SELL' : 'BUY';
}

export function toBrokerOrder(o: TradierOrder): BrokerOrder {
  const updated = Date.parse(o.transaction_date ?? o.create_date ?? '');
  const avg = num(o.avg_fill_price);
  return {
    brokerOrderId: String(o.id),
    clientOrderId: o.tag ?? null,
    symbol: fromTradierSymbol(o.symbol ?? ''),
    side: side(o.side),
    quantity: num(o.quantity) ?? 0,
    filledQuantity: num(o.exec_quantity) ?? 0,
    averagePrice: avg && avg > 0 ? avg : null,
    type: TYPES[o.type ?? ''] ?? 'MARKET',
    limitPrice: num(o.price),
    state: tradierOrderState(o.status),
    message: o.reason_description ?? null,
    updatedAt: Number.isNaN(updated) ? null : updated,
  };
}

interface TradierBalances {
  account_type?: string;
  total_equity?: number;
  total_cash?: number;
  current_requirement?: number;
  margin?: { stock_buying_power?: number };
  pdt?: { stock_buying_power?: number };
  cash?: { cash_available?: number };
}

/** Buying power lives in a sub-object named after the account type (margin, pdt or cash). */
export function toFunds(b: TradierBalances): Funds {
  const total = num(b.total_equity) ?? 0;
  if (b.account_type === 'cash' || (b.cash && !b.margin && !b.pdt)) {
    const available = num(b.cash?.cash_available) ?? num(b.total_cash) ?? 0;
    return { available, used: Math.max(0, total - available), total, currency: 'USD' };
  }
  const sub = b.account_type === 'pdt' ? b.pdt : b.margin;
  const available = num(sub?.stock_buying_power) ?? 0;
  // A margin account's buying power can exceed its equity, so "used" is the margin requirement.
  return { available, used: num(b.current_requirement) ?? 0, total, currency: 'USD' };
}

export interface TradierQuote {
  symbol: string;
  last?: number | null;
  bid?: number | null;
  ask?: number | null;
  trade_date?: number | null;
}

export function toQuote(q: TradierQuote): Quote | null {
  const last = num(q.last) ?? num(q.bid);
  if (last === null) return null;
  return { symbol: fromTradierSymbol(q.symbol), last, bid: num(q.bid), ask: num(q.ask), at: num(q.trade_date) };
}
