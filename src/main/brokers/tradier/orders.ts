import { BrokerError, type BrokerContext, type ModifiedOrder, type OrderChange, type OrderRequest } from '../types';
import { toTag, toTradierSymbol } from './symbols';

const TYPES = { MARKET: 'market', LIMIT: 'limit', STOP: 'stop', STOP_LIMIT: 'stop_limit' } as const;

/** The side Tradier expects: shorts and covers are their own sides (product "SHORT" / "COVER"). */
function tradierSide(order: OrderRequest): string {
  const product = order.product?.toUpperCase();
  if (order.side === 'SELL') return product === 'SHORT' ? 'sell_short' : 'sell';
  return product === 'COVER' ? 'buy_to_cover' : 'buy';
}

function duration(order: OrderRequest): string {
  if (order.timeInForce === 'IOC') throw new BrokerError('NOT_SUPPORTED', 'Tradier has no immediate-or-cancel orders; use DAY or GTC.');
  return order.timeInForce === 'GTC' ? 'gtc' : 'day';
}

/** The form of `POST /accounts/{id}/orders` for an equity order. */
export function orderForm(ctx: BrokerContext, order: OrderRequest): Record<string, string | number | undefined> {
  return {
    class: 'equity',
    symbol: toTradierSymbol(ctx, order.symbol),
    side: tradierSide(order),
    quantity: order.quantity,
    type: TYPES[order.type],
    duration: duration(order),
    price: order.type === 'LIMIT' || order.type === 'STOP_LIMIT' ? order.limitPrice : undefined,
    stop: order.type === 'STOP' || order.type === 'STOP_LIMIT' ? order.stopPrice : undefined,
    tag: toTag(order.clientOrderId),
  };
}

/**
 * The form of `PUT /accounts/{id}/orders/{order_id}`: Tradier changes type, price and stop (and duration) in place,
 * not the quantity, so a quantity change is refused here in our words.
 */
export function modifyForm(change: OrderChange, order: ModifiedOrder): Record<string, string | number | undefined> {
  if (change.quantity !== undefined) {
    throw new BrokerError('NOT_SUPPORTED', 'Tradier cannot change the quantity of an order; cancel it and place a new one.');
  }
  return {
    type: TYPES[order.type],
    price: order.type === 'LIMIT' || order.type === 'STOP_LIMIT' ? order.limitPrice : undefined,
    stop: order.type === 'STOP' || order.type === 'STOP_LIMIT' ? order.stopPrice : undefined,
  };
}
