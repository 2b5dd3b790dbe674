import { describe, expect, it } from 'vitest';
import { toOrderUpdate } from '../../../src/main/brokers/zerodha/order-stream';

const RECEIVED = 1_767_585_600_000;

describe('Kite order postbacks as OrderUpdates', () => {
  it.each([
    ['COMPLETE', 5, 'FILLED'],
    ['OPEN', 0, 'OPEN'],
    ['OPEN', 2, 'PARTIALLY_FILLED'],
    ['TRIGGER PENDING', 0, 'OPEN'],
    ['UPDATE', 0, 'OPEN'],
    ['UPDATE', 2, 'PARTIALLY_FILLED'],
    ['CANCELLED', 0, 'CANCELLED'],
    ['REJECTED', 0, 'REJECTED'],
    ['LAPSED', 0, 'EXPIRED'],
    ['PUT ORDER REQ RECEIVED', 0, 'PENDING'],
    ['SOMETHING NEW', 0, 'UNKNOWN'],
  ] as const)('maps %s with %i filled to %s, as the REST order book does', (status, filled, state) => {
    expect(toOrderUpdate({ order_id: '1', status, filled_quantity: filled }, RECEIVED)).toMatchObject({ brokerOrderId: '1', state, filledQuantity: filled });
  });

  it("keeps the broker's reason for a rejection, the average price only when there is one, and the exchange's time", () => {
    const rejected = toOrderUpdate(
      { order_id: '7', status: 'REJECTED', status_message: 'RMS: margin exceeds', average_price: 0, order_timestamp: '2026-01-05 09:15:00' },
      RECEIVED,
    );
    expect(rejected).toEqual({ brokerOrderId: '7', state: 'REJECTED', filledQuantity: 0, message: 'RMS: margin exceeds', ts: Date.UTC(2026, 0, 5, 3, 45) });
    // No time in the postback: the receive time.
    expect(toOrderUpdate({ order_id: '8', status: 'COMPLETE', filled_quantity: 1, average_price: 10.5 }, RECEIVED)).toEqual({
      brokerOrderId: '8',
      state: 'FILLED',
      filledQuantity: 1,
      averagePrice: 10.5,
      ts: RECEIVED,
    });
    // A message on a working order is not a rejection reason.
    expect(toOrderUpdate({ order_id: '9', status: 'OPEN', status_message: 'note' }, RECEIVED)).not.toHaveProperty('message');
  });

  it('refuses a postback without an order id or a status', () => {
    expect(toOrderUpdate({ status: 'COMPLETE' }, RECEIVED)).toBeNull();
    expect(toOrderUpdate({ order_id: '1' }, RECEIVED)).toBeNull();
    expect(toOrderUpdate({ order_id: '', status: 'OPEN' }, RECEIVED)).toBeNull();
    // A numeric id (Kite sends strings) is read as its digits.
    expect(toOrderUpdate({ order_id: 5, status: 'OPEN' }, RECEIVED)?.brokerOrderId).toBe('5');
  });
});
