import { num } from '../json';
import type { BrokerOrder, OrderState, Position } from '../types';

/**
 * TEMPLATE — mapping.ts: the broker's JSON shapes and their translation to the unified types, as pure
 * functions. Symbols leave in the common form ("US:AAPL", "NSE:INFY", "CRYPTO:BTCUSDT"); a field the broker
 * does not send is null, never a guess.
 */
export interface TemplateOrder {
  id: string;
  client_order_id?: string;
  symbol: string;
  side: 'buy' | 'sell';
  qty: string;
  filled_qty?: string;
  avg_price?: string | null;
  type: 'market' | 'limit';
  limit_price?: string | null;
  status: string;
  updated_at?: string;
}

const STATES: Readonly<Record<string, OrderState>> = {
  new: 'OPEN',
  partially_filled: 'PARTIALLY_FILLED',
  filled: 'FILLED',
  canceled: 'CANCELLED',
  rejected: 'REJECTED',
  expired: 'EXPIRED',
};

export function toBrokerOrder(o: TemplateOrder): BrokerOrder {
  return {
    brokerOrderId: o.id,
    clientOrderId: o.client_order_id ?? null,
    symbol: `US:${o.symbol}`,
    side: o.side === 'buy' ? 'BUY' : 'SELL',
    quantity: num(o.qty) ?? 0,
    filledQuantity: num(o.filled_qty) ?? 0,
    averagePrice: num(o.avg_price) ?? null,
    type: o.type === 'limit' ? 'LIMIT' : 'MARKET',
    limitPrice: num(o.limit_price) ?? null,
    state: STATES[o.status] ?? 'UNKNOWN',
    message: null,
    updatedAt: o.updated_at ? Date.parse(o.updated_at) : null,
  };
}

export function toPosition(p: { symbol: string; qty: string; avg_entry_price: string }): Position {
  return {
    symbol: `US:${p.symbol}`,
    quantity: num(p.qty) ?? 0,
    averagePrice: num(p.avg_entry_price) ?? 0,
    lastPrice: null,
    unrealizedPnl: null,
    realizedPnl: null,
  };
}
