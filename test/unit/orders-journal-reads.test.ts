import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/store/db';
import { OrdersRepo, type NewJournalEntry } from '../../src/main/store/orders-repo';
import { tempDir } from '../support/graph';

/**
 * The journal's list is read hundreds of times a second by the local API and the window: it is kept between reads
 * while nothing was written. These tests write through every path and check the very next read sees it.
 */
const T0 = Date.UTC(2026, 11, 7, 9, 15);

function entry(i: number): NewJournalEntry {
  return {
    id: `order-${i}`,
    clientOrderId: `bv-${i}`,
    mode: 'paper',
    connectionId: null,
    broker: 'paper',
    symbol: 'US:AAPL',
    side: 'BUY',
    quantity: 10,
    type: 'LIMIT',
    limitPrice: 100 + i,
    stopPrice: null,
    product: 'CNC',
    source: 'api',
    createdAt: T0 + i,
  };
}

function journal(n = 5) {
  const db = openDatabase(tempDir());
  const repo = new OrdersRepo(db);
  for (let i = 0; i < n; i++) repo.insert(entry(i));
  return { db, repo };
}

describe('journal reads between writes', () => {
  it('sees an insert, an update and an amend in the very next read, within the same millisecond', () => {
    const { repo } = journal();
    expect(repo.list({ limit: 500 }).map((o) => o.id)).toEqual(['order-4', 'order-3', 'order-2', 'order-1', 'order-0']);
    repo.insert(entry(5));
    expect(repo.list({ limit: 500 })[0]!.id).toBe('order-5');
    repo.update('order-2', { state: 'PARTIALLY_FILLED', filledQuantity: 4, averagePrice: 102 }, T0);
    expect(repo.list({ limit: 500 }).find((o) => o.id === 'order-2')).toMatchObject({ state: 'PARTIALLY_FILLED', filledQuantity: 4, updatedAt: T0 });
    // The same updated_at again: only the write itself tells the read that something changed.
    repo.update('order-2', { state: 'FILLED', filledQuantity: 10, averagePrice: 102.5 }, T0);
    expect(repo.list({ limit: 500 }).find((o) => o.id === 'order-2')).toMatchObject({ state: 'FILLED', filledQuantity: 10, averagePrice: 102.5 });
    repo.amend('order-1', { quantity: 25, type: 'STOP_LIMIT', limitPrice: 99.5, stopPrice: 99 }, T0);
    expect(repo.list({ mode: 'paper', limit: 500 }).find((o) => o.id === 'order-1')).toMatchObject({ quantity: 25, type: 'STOP_LIMIT', stopPrice: 99 });
  });

  it('sees a write made through another repo over the same database', () => {
    const { db, repo } = journal();
    const other = new OrdersRepo(db);
    expect(other.list({ limit: 500 })[0]!.state).toBe('PENDING');
    repo.update('order-4', { state: 'CANCELLED', message: 'Cancelled by you.' }, T0);
    expect(other.list({ limit: 500 })[0]).toMatchObject({ state: 'CANCELLED', message: 'Cancelled by you.' });
  });

  it('gives each write a version no other database in the process has', () => {
    const a = journal(1);
    const b = journal(1);
    const seen = new Set([a.repo.version(), b.repo.version()]);
    a.repo.insert(entry(7));
    seen.add(a.repo.version());
    b.repo.insert(entry(7));
    seen.add(b.repo.version());
    expect(seen.size).toBe(4);
    expect(new OrdersRepo(a.db).version()).toBe(a.repo.version());
  });

  it('never answers a row from a transaction that was rolled back', () => {
    const { db, repo } = journal();
    repo.list({ limit: 500 });
    expect(() =>
      db.transaction(() => {
        repo.insert(entry(9));
        repo.update('order-0', { state: 'FILLED', filledQuantity: 10 }, T0);
        // Read inside the transaction: it sees its own writes, and must not keep them.
        expect(repo.list({ limit: 500 })[0]!.id).toBe('order-9');
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    const after = repo.list({ limit: 500 });
    expect(after.map((o) => o.id)).not.toContain('order-9');
    expect(after.find((o) => o.id === 'order-0')!.state).toBe('PENDING');
  });

  it('keeps separate answers per filter, and hands out a list the caller may reorder but orders it cannot change', () => {
    const { repo } = journal(8);
    expect(repo.list({ limit: 3 }).map((o) => o.id)).toEqual(['order-7', 'order-6', 'order-5']);
    expect(repo.list({ limit: 500, before: T0 + 2 }).map((o) => o.id)).toEqual(['order-1', 'order-0']);
    expect(repo.list({ mode: 'live', limit: 500 })).toEqual([]);
    const first = repo.list({ limit: 500 });
    first.reverse();
    expect(repo.list({ limit: 500 })[0]!.id).toBe('order-7');
    expect(() => {
      (repo.list({ limit: 500 })[0] as { state: string }).state = 'FILLED';
    }).toThrow(TypeError);
    expect(repo.list({ limit: 500 })[0]!.state).toBe('PENDING');
  });
});
