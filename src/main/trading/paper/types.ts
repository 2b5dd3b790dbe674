import type { OrderSide, OrderType, TimeInForce } from '../../../shared/orders';
import type { BrokerOrder } from '../../brokers/types';

export type { TimeInForce };

/** A paper order: the unified BrokerOrder plus what the paper history shows. */
export interface PaperOrder extends BrokerOrder {
  stopPrice: number | null;
  timeInForce: TimeInForce;
  product: string | null;
  /** When a STOP_LIMIT's stop was crossed (it then rests as a limit). */
  triggeredAt: number | null;
  /** P&L realised by this order's fill (sells), in account currency. */
  realizedPnl: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Account totals in the account's currency. equity = cash + market value = starting + realised + unrealised. */
export interface PaperAccount {
  id: string;
  currency: string;
  startingCash: number;
  cash: number;
  /** Cash blocked by open buy orders. */
  reservedCash: number;
  availableCash: number;
  marketValue: number;
  equity: number;
  realizedPnl: number;
  unrealizedPnl: number;
  /** Held symbols with no price just now: valued at cost, so they add nothing to unrealised P&L. */
  unpricedSymbols: string[];
  /** Whether the prices behind marketValue/unrealised are simulated (label them in the UI). */
  simulatedPrices: boolean;
  resets: number;
  createdAt: number;
}

export interface PaperReset {
  at: number;
  previousStartingCash: number;
  previousCash: number;
  /** Equity just before the reset; null when prices were unavailable. */
  previousEquity: number | null;
  previousRealizedPnl: number;
  ordersCleared: number;
  newStartingCash: number;
}

/** What the matching rules need to know about a working order. */
export interface Working {
  side: OrderSide;
  type: OrderType;
  limitPrice: number | null;
  stopPrice: number | null;
  triggered: boolean;
}
