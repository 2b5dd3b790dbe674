import type { Holding, Position, Trade } from '../../brokers/types';
import { averagePrice, marketValueMinor } from './ledger';
import { fromMinor } from './money';
import type { OrderRow, PositionRow, ResetRow } from '../../store/paper-store';
import type { PaperOrder, PaperReset } from './types';
import { parseOrigin } from './price-source';

/** Stored rows -> the shapes the app sees (money back in major units of the account currency). */
export function toPaperOrder(row: OrderRow, decimals: number): PaperOrder {
  return {
    brokerOrderId: row.id,
    clientOrderId: row.client_order_id,
    symbol: row.symbol,
    side: row.side,
    quantity: row.quantity,
    filledQuantity: row.filled_quantity,
    averagePrice: row.average_price,
    type: row.order_type,
    limitPrice: row.limit_price,
    stopPrice: row.stop_price,
    timeInForce: row.time_in_force,
    product: row.product,
    state: row.state,
    message: row.message,
    triggeredAt: row.triggered_at,
    realizedPnl: row.realized_minor === null ? null : fromMinor(row.realized_minor, decimals),
    fillSource: row.fill_source === null ? null : parseOrigin(row.fill_source),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A position; lastPrice and unrealised P&L are null when no price could be had. Closed positions keep their realised P&L. */
export function toPosition(row: PositionRow, price: number | undefined, decimals: number): Position {
  const holding = { quantity: row.quantity, costMinor: row.cost_minor, realizedMinor: row.realized_minor };
  const unrealized = price === undefined ? null : marketValueMinor(holding, price, decimals) - row.cost_minor;
  return {
    symbol: row.symbol,
    quantity: row.quantity,
    averagePrice: averagePrice(holding, decimals),
    lastPrice: price ?? null,
    unrealizedPnl: unrealized === null ? null : fromMinor(unrealized, decimals),
    realizedPnl: fromMinor(row.realized_minor, decimals),
  };
}

export function toHolding(p: Position): Holding {
  return { symbol: p.symbol, quantity: p.quantity, averagePrice: p.averagePrice, lastPrice: p.lastPrice, pnl: p.unrealizedPnl };
}

/** A filled order as its one execution (the paper engine fills whole orders at one price). */
export function toTrade(row: OrderRow): Trade[] {
  if (row.state !== 'FILLED' || row.average_price === null) return [];
  return [
    {
      tradeId: `${row.id}-1`,
      brokerOrderId: row.id,
      symbol: row.symbol,
      side: row.side,
      quantity: row.filled_quantity,
      price: row.average_price,
      executedAt: row.updated_at,
    },
  ];
}

export function toPaperReset(row: ResetRow, decimals: number): PaperReset {
  return {
    at: row.at,
    previousStartingCash: fromMinor(row.previous_starting_cash_minor, decimals),
    previousCash: fromMinor(row.previous_cash_minor, decimals),
    previousEquity: row.previous_equity_minor === null ? null : fromMinor(row.previous_equity_minor, decimals),
    previousRealizedPnl: fromMinor(row.previous_realized_minor, decimals),
    ordersCleared: row.orders_cleared,
    newStartingCash: fromMinor(row.new_starting_cash_minor, decimals),
  };
}
