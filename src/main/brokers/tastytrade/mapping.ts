import type { BrokerOrder, Funds, OrderState, OrderType, Position, Quote } from '../types';
import { num } from '../json';
import { fromTastySymbol } from './symbols';

/** Timestamps arrive as ISO strings or epoch milliseconds. */
export function time(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const parsed = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(parsed) ? null : parsed;
}

interface Fill {
  'fill-price'?: string;
  quantity?: string | number;
}
interface Leg {
  'instrument-type'?: string;
  symbol?: string;
  quantity?: string | number;
  'remaining-quantity'?: string | number;
  action?: string;
  fills?: Fill[];
}
export interface TastyOrder {
  id: number | string;
  status?: string;
  'order-type'?: string;
  size?: string | number;
  price?: string;
  'price-effect'?: string;
  'stop-trigger'?: string;
  'external-identifier'?: string;
  'reject-reason'?: string;
  'updated-at'?: string | number;
  'received-at'?: string | number;
  legs?: Leg[];
}

const STATES: Record<string, OrderState> = {
  Received: 'PENDING',
  Routed: 'OPEN',
  'In Flight': 'OPEN',
  Live: 'OPEN',
  Contingent: 'OPEN',
  'Cancel Requested': 'OPEN',
  'Replace Requested': 'OPEN',
  Filled: 'FILLED',
  Cancelled: 'CANCELLED',
  Expired: 'EXPIRED',
  Rejected: 'REJECTED',
  Removed: 'CANCELLED',
  'Partially Removed': 'CANCELLED',
};

const TYPES: Record<string, OrderType> = {
  Market: 'MARKET',
  Limit: 'LIMIT',
  'Marketable Limit': 'LIMIT',
  Stop: 'STOP',
  'Stop Limit': 'STOP_LIMIT',
  'Notional Market': 'MARKET',
};

export function toBrokerOrder(o: TastyOrder): BrokerOrder {
  const leg = o.legs?.[0] ?? {};
  const quantity = num(leg.quantity) ?? num(o.size) ?? 0;
  const remaining = num(leg['remaining-quantity']) ?? quantity;
  const filled = Math.max(0, quantity - remaining);
  const fills = leg.fills ?? [];
  const fillQty = fills.reduce((s, f) => s + (num(f.quantity) ?? 0), 0);
  const fillValue = fills.reduce((s, f) => s + (num(f.quantity) ?? 0) * (num(f['fill-price']) ?? 0), 0);
  let state = STATES[o.status ?? ''] ?? 'UNKNOWN';
  // tastytrade has no partially-filled status: a working order with fills is one.
  if (state === 'OPEN' && filled > 0) state = 'PARTIALLY_FILLED';
  return {
    brokerOrderId: String(o.id),
    clientOrderId: o['external-identifier'] ?? null,
    symbol: fromTastySymbol(leg.symbol ?? '', leg['instrument-type']),
    side: leg.action?.startsWith('Sell') ? 'SELL' : 'BUY',
    quantity,
    filledQuantity: filled,
    averagePrice: fillQty > 0 ? fillValue / fillQty : null,
    type: TYPES[o['order-type'] ?? ''] ?? 'MARKET',
    limitPrice: num(o.price),
    state,
    message: o['reject-reason'] ?? (state === 'UNKNOWN' ? (o.status ?? null) : null),
    updatedAt: time(o['updated-at']) ?? time(o['received-at']),
  };
}

export function toFunds(b: Record<string, unknown>): Funds {
  const total = num(b['net-liquidating-value']) ?? 0;
  return {
    available: num(b['equity-buying-power']) ?? 0,
    used: num(b['maintenance-requirement']) ?? 0,
    total,
    currency: typeof b.currency === 'string' && b.currency.length === 3 ? b.currency : 'USD',
  };
}

export interface TastyPosition {
  symbol: string;
  'instrument-type'?: string;
  quantity?: string | number;
  'quantity-direction'?: string;
  'average-open-price'?: string;
  mark?: string;
  'mark-price'?: string;
  'close-price'?: string;
  multiplier?: string | number;
  'realized-today'?: string;
  'realized-today-effect'?: string;
  'realized-day-gain'?: string;
  'realized-day-gain-effect'?: string;
}

/** Amounts come unsigned with a Debit/Credit effect. */
function realized(p: TastyPosition): number | null {
  const amount = num(p['realized-today']);
  if (amount === null) return null;
  return p['realized-today-effect'] === 'Debit' ? -amount : amount;
}

export function toPosition(p: TastyPosition): Position {
  const sign = p['quantity-direction'] === 'Short' ? -1 : 1;
  const quantity = (num(p.quantity) ?? 0) * sign;
  const averagePrice = num(p['average-open-price']) ?? 0;
  const lastPrice = num(p.mark) ?? num(p['mark-price']);
  const multiplier = num(p.multiplier) ?? 1;
  return {
    symbol: fromTastySymbol(p.symbol, p['instrument-type']),
    quantity,
    averagePrice,
    lastPrice,
    // No unrealized P&L field: (mark − open) × signed quantity × multiplier.
    unrealizedPnl: lastPrice === null ? null : (lastPrice - averagePrice) * quantity * multiplier,
    realizedPnl: realized(p),
  };
}

export interface TastyQuote {
  symbol: string;
  'instrument-type'?: string;
  last?: string;
  mark?: string;
  bid?: string;
  ask?: string;
  'updated-at'?: string | number;
}

export function toQuote(q: TastyQuote): Quote | null {
  const last = num(q.last) ?? num(q.mark);
  if (last === null) return null;
  return { symbol: fromTastySymbol(q.symbol, q['instrument-type']), last, bid: num(q.bid), ask: num(q.ask), at: time(q['updated-at']) };
}
