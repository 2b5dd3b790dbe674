import type { BrokerContext, BrokerOrder, OrderSide, OrderState, OrderType, Position } from '../types';
import { num, str } from './client';
import { symbolFor } from './contracts';

type Json = Record<string, unknown>;

/** First present key: live payloads are mostly camelCase, generated clients show snake_case. */
export function pick(item: Json, ...keys: string[]): unknown {
  for (const key of keys) if (item[key] !== undefined && item[key] !== null && item[key] !== '') return item[key];
  return undefined;
}

export function orderTypeToIbkr(type: OrderType): string {
  return { MARKET: 'MKT', LIMIT: 'LMT', STOP: 'STP', STOP_LIMIT: 'STOP_LIMIT' }[type];
}

export function orderTypeFromIbkr(raw: unknown): OrderType {
  const t = (str(raw) ?? '').toUpperCase().replace(/[\s_]/g, '');
  if (t === 'MKT' || t === 'MARKET') return 'MARKET';
  if (t === 'STP' || t === 'STOP') return 'STOP';
  if (t === 'STOPLIMIT' || t === 'STPLMT' || t === 'STPLIMIT') return 'STOP_LIMIT';
  return 'LIMIT';
}

function side(raw: unknown): OrderSide {
  const s = (str(raw) ?? '').toUpperCase();
  return s === 'SELL' || s === 'S' ? 'SELL' : 'BUY';
}

/** IBKR status words (case varies between endpoints) to the unified state; no partial-fill status exists. */
export function stateFromIbkr(raw: unknown, filled: number, total: number): OrderState {
  const s = (str(raw) ?? '').toLowerCase().replace(/[\s_]/g, '');
  switch (s) {
    case 'filled':
      return 'FILLED';
    case 'cancelled':
    case 'canceled':
    case 'apicancelled':
      return 'CANCELLED';
    case 'inactive':
    case 'rejected':
      return 'REJECTED';
    case 'pendingsubmit':
    case 'apipending':
      return 'PENDING';
    case 'presubmitted':
    case 'submitted':
    case 'pendingcancel':
      return filled > 0 && filled < total ? 'PARTIALLY_FILLED' : 'OPEN';
    default:
      return 'UNKNOWN';
  }
}

/** An item of `GET /iserver/account/orders` or the answer of `GET /iserver/account/order/status/{id}`. */
export function mapOrder(ctx: BrokerContext, item: Json, clientOrderId: string | null = null): BrokerOrder {
  const filled = num(pick(item, 'filledQuantity', 'filled_quantity', 'cum_fill', 'cumFill')) ?? 0;
  const remaining = num(pick(item, 'remainingQuantity', 'remaining_quantity'));
  const total = num(pick(item, 'totalSize', 'total_size', 'size')) ?? filled + (remaining ?? 0);
  const conid = num(pick(item, 'conid')) ?? 0;
  const ticker = str(pick(item, 'ticker', 'symbol'));
  const status = pick(item, 'status', 'order_status', 'orderStatus');
  const state = stateFromIbkr(status, filled, total);
  const updated = num(pick(item, 'lastExecutionTime_r', 'last_execution_time_r'));
  const secType = str(pick(item, 'secType', 'sec_type')) ?? 'STK';
  const type = orderTypeFromIbkr(pick(item, 'orderType', 'order_type', 'origOrderType', 'orig_order_type'));
  return {
    brokerOrderId: str(pick(item, 'orderId', 'order_id')) ?? '',
    clientOrderId: str(pick(item, 'order_ref', 'orderRef', 'cOID')) ?? clientOrderId,
    symbol: symbolFor(ctx, conid, ticker, secType === 'STK'),
    side: side(pick(item, 'side')),
    quantity: total,
    filledQuantity: filled,
    averagePrice: filled > 0 ? num(pick(item, 'avgPrice', 'avg_price', 'average_price')) : null,
    type,
    // For plain stop orders IBKR's `price` is the stop price, not a limit.
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? num(pick(item, 'price', 'limit_price', 'limitPrice')) : null,
    state,
    message: state === 'REJECTED' || state === 'UNKNOWN' ? (str(status) ?? null) : null,
    updatedAt: updated,
  };
}

/** An item of `GET /portfolio/{accountId}/positions/{page}`. */
export function mapPosition(ctx: BrokerContext, item: Json): Position {
  const conid = num(pick(item, 'conid')) ?? 0;
  const usStock = str(pick(item, 'assetClass')) === 'STK' && (str(pick(item, 'currency')) ?? 'USD') === 'USD';
  return {
    symbol: symbolFor(ctx, conid, str(pick(item, 'ticker', 'contractDesc')), usStock),
    quantity: num(pick(item, 'position')) ?? 0,
    averagePrice: num(pick(item, 'avgPrice', 'avgCost')) ?? 0,
    lastPrice: num(pick(item, 'mktPrice')),
    unrealizedPnl: num(pick(item, 'unrealizedPnl')),
    realizedPnl: num(pick(item, 'realizedPnl')),
  };
}
