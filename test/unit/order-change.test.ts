import { describe, expect, it } from 'vitest';
import type { OrderView } from '../../src/shared/schemas';
import { applyChange, changeFor, describeChange } from '../../src/main/trading/order-change';

/** The new terms of a modify: the order's own where not changed, prices only where the type uses them. */

const order: OrderView = {
  id: 'o1',
  clientOrderId: 'bv-t1',
  mode: 'paper',
  connectionId: null,
  broker: 'paper',
  symbol: 'NSE:INFY',
  side: 'BUY',
  quantity: 10,
  type: 'LIMIT',
  limitPrice: 100,
  stopPrice: null,
  product: null,
  state: 'PARTIALLY_FILLED',
  brokerOrderId: 'PAPER-000001',
  filledQuantity: 4,
  averagePrice: 100,
  message: null,
  source: 'ui',
  createdAt: 1,
  updatedAt: 1,
  parentId: null,
};

describe('applyChange', () => {
  it('keeps what is not changed and drops a price the new type does not use', () => {
    expect(applyChange(order, { quantity: 12 })).toEqual({ quantity: 12, type: 'LIMIT', limitPrice: 100, stopPrice: null });
    expect(applyChange(order, { type: 'MARKET' })).toEqual({ quantity: 10, type: 'MARKET', limitPrice: null, stopPrice: null });
    expect(applyChange(order, { type: 'STOP_LIMIT', stopPrice: 110 })).toEqual({ quantity: 10, type: 'STOP_LIMIT', limitPrice: 100, stopPrice: 110 });
  });

  it('refuses, in our words, a missing or unused price, a fractional equity quantity, no more than filled, and no change', () => {
    expect(() => applyChange(order, { type: 'STOP' })).toThrow('A STOP order needs a stop price.');
    expect(() => applyChange(order, { stopPrice: 5 })).toThrow('A LIMIT order has no stop price to change.');
    expect(() => applyChange(order, { type: 'MARKET', limitPrice: 5 })).toThrow('A MARKET order has no limit price to change.');
    expect(() => applyChange(order, { quantity: 2.5 })).toThrow('must be a whole number');
    expect(() => applyChange(order, { quantity: 4 })).toThrow('4 of this order have already filled');
    expect(() => applyChange(order, { limitPrice: 100 })).toThrow('leaves the order as it is');
  });

  it('allows fractional crypto quantities', () => {
    expect(applyChange({ ...order, symbol: 'CRYPTO:BTCUSDT', filledQuantity: 0 }, { quantity: 0.5 }).quantity).toBe(0.5);
  });
});

describe('changeFor and describeChange', () => {
  it('name only what differs', () => {
    const terms = applyChange(order, { type: 'STOP_LIMIT', stopPrice: 110, quantity: 8 });
    expect(changeFor(order, terms)).toEqual({ quantity: 8, type: 'STOP_LIMIT', stopPrice: 110 });
    expect(describeChange(order, terms)).toBe('quantity 10 → 8, type LIMIT → STOP_LIMIT, stop none → 110');
  });
});
