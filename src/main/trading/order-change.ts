import { needsLimitPrice, needsStopPrice } from '../../shared/orders';
import type { OrderChangeInput, OrderTicket, OrderView } from '../../shared/schemas';
import type { ModifiedOrder, OrderChange } from '../brokers/types';
import { AppError } from '../errors';

/** A working order's terms: what a modify may change. */
export type OrderTerms = Pick<OrderView, 'quantity' | 'type' | 'limitPrice' | 'stopPrice'>;

/**
 * The order's terms after `change`: the new values where given, the order's own elsewhere. A price the new type does
 * not use is dropped; one it needs must be given or already be on the order. Refuses, in BrokerVault's words, a change
 * that changes nothing or would leave less than what has already filled.
 */
export function applyChange(order: OrderView, change: OrderChangeInput): OrderTerms {
  const type = change.type ?? order.type;
  const limitPrice = needsLimitPrice(type) ? (change.limitPrice ?? order.limitPrice) : null;
  const stopPrice = needsStopPrice(type) ? (change.stopPrice ?? order.stopPrice) : null;
  if (needsLimitPrice(type) && limitPrice === null) throw new AppError('INVALID_INPUT', `A ${type} order needs a limit price.`);
  if (needsStopPrice(type) && stopPrice === null) throw new AppError('INVALID_INPUT', `A ${type} order needs a stop price.`);
  if (change.limitPrice !== undefined && !needsLimitPrice(type)) throw new AppError('INVALID_INPUT', `A ${type} order has no limit price to change.`);
  if (change.stopPrice !== undefined && !needsStopPrice(type)) throw new AppError('INVALID_INPUT', `A ${type} order has no stop price to change.`);
  const quantity = change.quantity ?? order.quantity;
  if (!order.symbol.startsWith('CRYPTO:') && !Number.isInteger(quantity)) {
    throw new AppError('INVALID_INPUT', `Quantity for ${order.symbol} must be a whole number.`);
  }
  if (quantity <= order.filledQuantity) {
    throw new AppError('INVALID_INPUT', `${order.filledQuantity} of this order have already filled; the new quantity must be more than that.`);
  }
  const terms = { quantity, type, limitPrice, stopPrice };
  if (sameTerms(order, terms)) throw new AppError('INVALID_INPUT', 'That change leaves the order as it is; nothing was sent.');
  return terms;
}

export function sameTerms(a: OrderTerms, b: OrderTerms): boolean {
  return a.quantity === b.quantity && a.type === b.type && a.limitPrice === b.limitPrice && a.stopPrice === b.stopPrice;
}

/** Only what differs from the order, as the adapter's `change`. */
export function changeFor(order: OrderTerms, terms: OrderTerms): OrderChange {
  const change: OrderChange = {};
  if (terms.quantity !== order.quantity) change.quantity = terms.quantity;
  if (terms.type !== order.type) change.type = terms.type;
  if (terms.limitPrice !== null && terms.limitPrice !== order.limitPrice) change.limitPrice = terms.limitPrice;
  if (terms.stopPrice !== null && terms.stopPrice !== order.stopPrice) change.stopPrice = terms.stopPrice;
  return change;
}

/** The full new terms an adapter sends (most brokers want every field again). */
export function modifiedOrder(order: OrderView, terms: OrderTerms): ModifiedOrder {
  return {
    symbol: order.symbol,
    side: order.side,
    quantity: terms.quantity,
    type: terms.type,
    limitPrice: terms.limitPrice ?? undefined,
    stopPrice: terms.stopPrice ?? undefined,
    product: order.product ?? undefined,
    clientOrderId: order.clientOrderId,
  };
}

/** The new terms as a ticket, so the place path's limit checks judge them. */
export function asTicket(order: OrderView, terms: OrderTerms): OrderTicket {
  return {
    ticketId: order.clientOrderId,
    symbol: order.symbol,
    side: order.side,
    quantity: terms.quantity,
    type: terms.type,
    limitPrice: terms.limitPrice ?? undefined,
    stopPrice: terms.stopPrice ?? undefined,
  };
}

/** "qty 10 → 5, limit 101 → 99" for the audit, the review and the order's message. */
export function describeChange(before: OrderTerms, after: OrderTerms): string {
  const parts: string[] = [];
  if (before.quantity !== after.quantity) parts.push(`quantity ${before.quantity} → ${after.quantity}`);
  if (before.type !== after.type) parts.push(`type ${before.type} → ${after.type}`);
  if (before.limitPrice !== after.limitPrice) parts.push(`limit ${before.limitPrice ?? 'none'} → ${after.limitPrice ?? 'none'}`);
  if (before.stopPrice !== after.stopPrice) parts.push(`stop ${before.stopPrice ?? 'none'} → ${after.stopPrice ?? 'none'}`);
  return parts.join(', ');
}
