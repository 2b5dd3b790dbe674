import { describe, expect, it } from 'vitest';
import type { VerbContext } from '../../src/main/local-api/verb';
import { PAPER_ACCOUNT_ID } from '../../src/main/local-api/keys';
import { orderRow, orderbook, tradebook } from '../../src/main/local-api/verbs/books';
import { symbolsFor } from '../../src/main/local-api/verbs/common';
import { openDatabase } from '../../src/main/store/db';
import { OrdersRepo, type NewJournalEntry } from '../../src/main/store/orders-repo';
import { tempDir } from '../support/graph';

/**
 * The orderbook verb keeps its last answer while the journal is unchanged: every kind of journal write must show in
 * the very next book, even within the same millisecond, and a key's binding decides what it sees on every call.
 */
const T0 = Date.UTC(2026, 11, 7, 9, 15);

function entry(i: number, over: Partial<NewJournalEntry> = {}): NewJournalEntry {
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
    source: 'api',
    createdAt: T0 + i,
    ...over,
  };
}

type Book = { orders: ReturnType<typeof orderRow>[]; statistics: Record<string, number> };

/** A paper caller over a real journal; `connectionIds` is the key's binding, which the app may change between calls. */
function world(n: number) {
  const repo = new OrdersRepo(openDatabase(tempDir()));
  for (let i = 0; i < n; i++) repo.insert(entry(i));
  const caller = { keyId: 'key-1', connectionIds: [PAPER_ACCOUNT_ID], permission: 'read' as const };
  const ctx = {
    caller,
    services: {
      trading: {
        venue: () => ({ mode: 'paper', connectionId: null, broker: 'paper' }),
        orders: { list: (f: Parameters<OrdersRepo['list']>[0]) => repo.list(f), journalVersion: () => repo.version() },
      },
      connections: { list: () => [] },
    },
  } as unknown as VerbContext;
  const reply = () => orderbook.run(ctx, {});
  const book = async () => (await reply()).body.data as Book;
  /** The book mapped from scratch, nothing kept: what every answer must equal. */
  const fresh = async () => {
    const symbols = await symbolsFor(ctx, { mode: 'paper', connectionId: null, broker: 'paper' });
    return repo.list({ mode: 'paper', limit: 500 }).map((o) => orderRow(o, symbols));
  };
  return { repo, caller, ctx, reply, book, fresh };
}

describe('orderbook kept between journal writes', () => {
  it('answers a fill and a state change in the next call, even within the same millisecond', async () => {
    const { repo, book, fresh } = world(50);
    expect((await book()).orders).toEqual(await fresh());
    expect((await book()).statistics).toMatchObject({ total_open_orders: 50, total_completed_orders: 0 });

    // A partial fill, then the fill, both written at the same updated_at.
    repo.update('order-7', { state: 'PARTIALLY_FILLED', filledQuantity: 4, averagePrice: 107.5 }, T0);
    let next = await book();
    expect(next.orders.find((o) => o.orderid === 'order-7')).toMatchObject({ filled_quantity: 4, average_price: 107.5, order_status: 'open' });
    repo.update('order-7', { state: 'FILLED', filledQuantity: 10, averagePrice: 107.25 }, T0);
    repo.update('order-8', { state: 'CANCELLED', message: 'Cancelled by you.' }, T0);
    next = await book();
    expect(next.orders.find((o) => o.orderid === 'order-7')).toMatchObject({ filled_quantity: 10, average_price: 107.25, order_status: 'complete' });
    expect(next.orders.find((o) => o.orderid === 'order-8')).toMatchObject({ order_status: 'cancelled', message: 'Cancelled by you.' });
    expect(next.orders).toEqual(await fresh());
    expect(next.statistics).toMatchObject({ total_open_orders: 48, total_completed_orders: 1 });
  });

  it('answers a modified price and quantity, and a new order, in the next call', async () => {
    const { repo, book, fresh } = world(20);
    await book();
    repo.amend('order-3', { quantity: 25, limitPrice: 99.95, type: 'STOP_LIMIT', stopPrice: 99.5 }, T0);
    repo.insert(entry(999, { side: 'SELL', createdAt: T0 + 5000 }));
    repo.update('order-999', { state: 'REJECTED', message: 'Refused by the limits.' }, T0 + 5000);
    const next = await book();
    expect(next.orders[0]).toMatchObject({ orderid: 'order-999', order_status: 'rejected', action: 'SELL' });
    expect(next.orders.find((o) => o.orderid === 'order-3')).toMatchObject({ quantity: 25, price: 99.95, pricetype: 'SL', trigger_price: 99.5 });
    expect(next.orders).toEqual(await fresh());
  });

  it('answers an unchanged book from what it kept, encoded once, and frozen so no caller can change it', async () => {
    const { reply, repo } = world(5);
    const first = await reply();
    const again = await reply();
    expect(again).toBe(first);
    expect(JSON.parse(again.encoded!.toString('utf8'))).toEqual(again.body);
    expect(Object.isFrozen(again)).toBe(true);
    repo.update('order-0', { state: 'FILLED', filledQuantity: 10 }, T0);
    expect(await reply()).not.toBe(first);
  });

  it('checks the key’s binding on every call: unbound from the paper account, the same book is refused', async () => {
    const { caller, reply } = world(5);
    expect((await reply()).httpStatus).toBe(200);
    caller.connectionIds = [];
    await expect(reply()).rejects.toThrow(/not bound to the paper account/);
  });
});

describe('tradebook window', () => {
  it('answers the newest 500 fills, newest first, whatever order the venue lists them in, and a new fill in the next call', async () => {
    const { ctx } = world(0);
    const fills = Array.from({ length: 600 }, (_, i) => ({
      tradeId: `t-${i}`,
      brokerOrderId: `b-${i}`,
      symbol: 'US:AAPL',
      side: 'BUY' as const,
      quantity: 1,
      price: 100 + i,
      executedAt: T0 + ((i * 7919) % 600) * 1000,
    }));
    let listed = Object.freeze(fills.slice());
    (ctx.services.trading as unknown as { venue: () => unknown }).venue = () => ({
      mode: 'paper',
      connectionId: null,
      broker: 'paper',
      trades: async () => listed,
    });
    const rows = async () => (await tradebook.run(ctx, {})).body.data as { timestamp: string; orderid: string }[];
    const first = await rows();
    expect(first).toHaveLength(500);
    expect(first[0]!.timestamp).toBe(new Date(T0 + 599_000).toISOString());
    expect(first.at(-1)!.timestamp).toBe(new Date(T0 + 100_000).toISOString());
    expect(first.map((r) => r.timestamp)).toEqual([...first.map((r) => r.timestamp)].sort().reverse());
    listed = Object.freeze([...fills, { ...fills[0]!, tradeId: 'late', brokerOrderId: 'b-late', executedAt: T0 + 700_000 }]);
    expect((await rows())[0]).toMatchObject({ orderid: 'b-late', timestamp: new Date(T0 + 700_000).toISOString() });
  });
});
