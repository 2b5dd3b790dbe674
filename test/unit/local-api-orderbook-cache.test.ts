import { describe, expect, it } from 'vitest';
import type { OrderView } from '../../src/shared/schemas';
import type { VerbContext } from '../../src/main/local-api/verb';
import { PAPER_ACCOUNT_ID } from '../../src/main/local-api/keys';
import { orderRow, orderbook } from '../../src/main/local-api/verbs/books';
import { symbolsFor } from '../../src/main/local-api/verbs/common';

/** The orderbook verb reuses mapped rows between calls: a changed journal order must show in the very next book. */

const T0 = Date.UTC(2026, 11, 7, 9, 15);

function order(i: number, over: Partial<OrderView> = {}): OrderView {
  return {
    id: `order-${i}`,
    clientOrderId: `client-${i}`,
    mode: 'paper',
    connectionId: null,
    broker: 'paper',
    symbol: i % 2 ? 'NSE:INFY' : 'US:AAPL',
    side: i % 3 ? 'BUY' : 'SELL',
    quantity: 10,
    type: 'LIMIT',
    limitPrice: 100 + i,
    stopPrice: null,
    product: 'CNC',
    state: 'OPEN',
    brokerOrderId: `paper-${i}`,
    filledQuantity: 0,
    averagePrice: null,
    message: null,
    source: 'api',
    createdAt: T0 + i,
    updatedAt: T0 + i,
    parentId: null,
    ...over,
  };
}

/** A caller on the paper account over a journal the test rewrites between calls (fresh objects each read, as SQLite gives). */
function world(journal: OrderView[]) {
  const ctx = {
    caller: { keyId: 'key-1', connectionIds: [PAPER_ACCOUNT_ID], permission: 'read' },
    services: {
      trading: {
        venue: () => ({ mode: 'paper', connectionId: null, broker: 'paper' }),
        orders: { list: () => journal.map((o) => ({ ...o })) },
      },
      connections: { list: () => [] },
    },
  } as unknown as VerbContext;
  const book = async () => (await orderbook.run(ctx, {})).body.data as { orders: ReturnType<typeof orderRow>[]; statistics: Record<string, number> };
  /** The book mapped from scratch, no cache: what every reply must equal. */
  const fresh = async () => {
    const symbols = await symbolsFor(ctx, { mode: 'paper', connectionId: null, broker: 'paper' });
    return journal.map((o) => orderRow(o, symbols));
  };
  return { book, fresh };
}

describe('orderbook row reuse', () => {
  it('answers a fill and a state change in the next call, even within the same millisecond', async () => {
    const journal = Array.from({ length: 50 }, (_, i) => order(i));
    const { book, fresh } = world(journal);
    expect((await book()).orders).toEqual(await fresh());
    expect((await book()).statistics).toMatchObject({ total_open_orders: 50, total_completed_orders: 0 });

    // A partial fill, written with the same updated_at as before (two writes in one millisecond).
    journal[7] = { ...journal[7]!, state: 'PARTIALLY_FILLED', filledQuantity: 4, averagePrice: 107.5 };
    let next = await book();
    expect(next.orders[7]).toMatchObject({ orderid: 'order-7', filled_quantity: 4, average_price: 107.5, order_status: 'open' });
    expect(next.orders).toEqual(await fresh());

    // Then complete, and another order cancelled with a message.
    journal[7] = { ...journal[7]!, state: 'FILLED', filledQuantity: 10, averagePrice: 107.25, updatedAt: T0 + 1000 };
    journal[8] = { ...journal[8]!, state: 'CANCELLED', message: 'Cancelled by you.' };
    next = await book();
    expect(next.orders[7]).toMatchObject({ filled_quantity: 10, average_price: 107.25, order_status: 'complete' });
    expect(next.orders[8]).toMatchObject({ order_status: 'cancelled', message: 'Cancelled by you.' });
    expect(next.orders).toEqual(await fresh());
    expect(next.statistics).toMatchObject({ total_open_orders: 48, total_completed_orders: 1 });
  });

  it('answers a modified price and quantity, and a new order, in the next call', async () => {
    const journal = Array.from({ length: 20 }, (_, i) => order(100 + i));
    const { book, fresh } = world(journal);
    await book();
    journal[3] = { ...journal[3]!, quantity: 25, limitPrice: 99.95, type: 'STOP_LIMIT', stopPrice: 99.5 };
    journal.unshift(order(999, { side: 'SELL', state: 'REJECTED', message: 'Refused by the limits.' }));
    const next = await book();
    expect(next.orders[0]).toMatchObject({ orderid: 'order-999', order_status: 'rejected', action: 'SELL' });
    expect(next.orders[4]).toMatchObject({ quantity: 25, price: 99.95, pricetype: 'SL', trigger_price: 99.5 });
    expect(next.orders).toEqual(await fresh());
  });
});
