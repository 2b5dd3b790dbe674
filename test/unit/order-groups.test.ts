import { describe, expect, it } from 'vitest';
import type { OrderView } from '../../src/shared/schemas';
import { describeSplit, groupOrders } from '../../src/renderer/src/trading/order-groups';

let n = 0;
const order = (fields: Partial<OrderView>): OrderView => {
  n += 1;
  return {
    id: `o${n}`,
    clientOrderId: `bv-t${n}`,
    mode: 'paper',
    connectionId: null,
    broker: 'paper',
    symbol: 'NFO:NIFTY26JANFUT',
    side: 'BUY',
    quantity: 1755,
    type: 'MARKET',
    limitPrice: null,
    stopPrice: null,
    product: null,
    state: 'FILLED',
    brokerOrderId: `P${n}`,
    filledQuantity: 0,
    averagePrice: null,
    message: null,
    source: 'ui',
    createdAt: n,
    updatedAt: n,
    parentId: null,
    ...fields,
  };
};

describe('orders table groups', () => {
  it('puts the slices of one parent together where the newest falls, in the order sent; other orders keep their place', () => {
    const single = order({ symbol: 'NSE:INFY', quantity: 2 });
    const s1 = order({ parentId: 'p1' });
    const s2 = order({ parentId: 'p1' });
    const s3 = order({ parentId: 'p1', quantity: 390, state: 'OPEN' });
    const later = order({ symbol: 'US:AAPL', quantity: 1 });
    // Newest first, as the journal lists them.
    const groups = groupOrders([later, s3, s2, s1, single]);
    expect(groups.map((g) => (g.kind === 'order' ? g.order.id : g.slices.map((o) => o.id).join(',')))).toEqual([
      later.id,
      `${s1.id},${s2.id},${s3.id}`,
      single.id,
    ]);
    const split = groups[1]!;
    expect(split.kind === 'split' && describeSplit(split.slices)).toBe('BUY 3900 NFO:NIFTY26JANFUT in 3 slices · 2 filled');
  });

  it('keeps two splits apart', () => {
    const a = order({ parentId: 'a' });
    const b = order({ parentId: 'b' });
    expect(groupOrders([b, a]).map((g) => g.kind === 'split' && g.parentId)).toEqual(['b', 'a']);
  });
});
