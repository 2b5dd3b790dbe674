import type { OrderView } from '../../../shared/schemas';

/** A row of the orders table: one order, or the slices of an order split at the exchange's freeze quantity. */
export type OrderGroup = { kind: 'order'; order: OrderView } | { kind: 'split'; parentId: string; slices: OrderView[] };

/**
 * Orders as the table shows them: slices sharing a parent together, where the newest of them falls, in the
 * order they were sent. The list keeps its order otherwise.
 */
export function groupOrders(orders: readonly OrderView[]): OrderGroup[] {
  const groups: OrderGroup[] = [];
  const splits = new Map<string, Extract<OrderGroup, { kind: 'split' }>>();
  for (const order of orders) {
    if (order.parentId === null) {
      groups.push({ kind: 'order', order });
      continue;
    }
    const known = splits.get(order.parentId);
    if (known) known.slices.push(order);
    else {
      const group = { kind: 'split' as const, parentId: order.parentId, slices: [order] };
      splits.set(order.parentId, group);
      groups.push(group);
    }
  }
  for (const group of splits.values()) group.slices.sort((a, b) => a.createdAt - b.createdAt || a.clientOrderId.localeCompare(b.clientOrderId));
  return groups;
}

/** "BUY 3900 NFO:NIFTY26JANFUT in 3 slices · 2 filled" */
export function describeSplit(slices: readonly OrderView[]): string {
  const first = slices[0]!;
  const total = slices.reduce((sum, o) => sum + o.quantity, 0);
  const filled = slices.filter((o) => o.state === 'FILLED').length;
  return `${first.side} ${total} ${first.symbol} in ${slices.length} slices · ${filled} filled`;
}
