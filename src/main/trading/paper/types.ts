import type { OrderSide, OrderType, TimeInForce } from '../../../shared/orders';
import type { BrokerOrder } from '../../brokers/types';
import type { PriceOrigin } from './price-source';

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
  /** The feed the fill's price came from; null while unfilled, or for fills from before feeds were recorded. */
  fillSource: PriceOrigin | null;
  createdAt: number;
  updatedAt: number;
}

/** Account totals in the account's currency. equity = cash + market value = starting + realised + unrealised. */
export interface PaperAccount {
  id: string;
  currency: string;
  startingCash: number;
  cash: number;
  /** Cash blocked by open orders and by short positions (their proceeds plus margin). */
  reservedCash: number;
  availableCash: number;
  marketValue: number;
  equity: number;
  realizedPnl: number;
  unrealizedPnl: number;
  /** Held symbols with no price just now: valued at cost, so they add nothing to unrealised P&L. */
  unpricedSymbols: string[];
  /** Whether simulated prices are behind marketValue/unrealised (label them in the UI). */
  simulatedPrices: boolean;
  /** Each held position's feed: the only one that values it. */
  positionSources: PositionSource[];
  resets: number;
  createdAt: number;
}

/** Which feed values a held position, as the trader calls it, and whether that feed priced it just now. */
export interface PositionSource {
  symbol: string;
  source: PriceOrigin;
  /** "simulated", or the connection's label. */
  label: string;
  /** False while its feed cannot price it: it is then valued at cost (listed in unpricedSymbols). */
  priced: boolean;
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

/**
 * What the intraday square-off must do now (square-off.ts): the open intraday orders from before the last square-off
 * time, to cancel, and the intraday positions last filled before it, to close at market (only those the feed can
 * price now). Computed by the engine; carried out through the app's one order path.
 */
export interface SquareOffPlan {
  cutoff: number | null;
  cancel: PaperOrder[];
  close: { symbol: string; side: OrderSide; quantity: number; product: string | null }[];
}

/** What the matching rules need to know about a working order. */
export interface Working {
  side: OrderSide;
  type: OrderType;
  limitPrice: number | null;
  stopPrice: number | null;
  triggered: boolean;
}
