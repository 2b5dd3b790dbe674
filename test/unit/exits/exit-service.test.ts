import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExitRequest } from '../../../src/shared/exit-schemas';
import type { OrderTicket, OrderView } from '../../../src/shared/schemas';
import { ManualClock } from '../../../src/main/clock';
import { AppError } from '../../../src/main/errors';
import { Emitter } from '../../../src/main/events';
import type { StreamConsumer } from '../../../src/main/streaming/connection-feed';
import { AuditLog } from '../../../src/main/store/audit-log';
import { openDatabase, type Db } from '../../../src/main/store/db';
import { ExitsRepo } from '../../../src/main/store/exits-repo';
import { ExitService, exitIdFor } from '../../../src/main/trading/exits/exit-service';
import type { Venue } from '../../../src/main/trading/venue';
import { ManualScheduler } from '../../support/manual-scheduler';
import { tempDir } from '../../support/graph';

/**
 * The managed trigger's interleavings, on fakes of the order path and the feed (the real exits table and audit log):
 * tick storms, a cancel or the kill switch between the decision and the order, a position gone at the last moment,
 * and the settling of exits a crash interrupted.
 */

const SYMBOL = 'US:AAPL';
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

class World {
  readonly clock = new ManualClock();
  readonly scheduler = new ManualScheduler(this.clock);
  readonly db: Db = openDatabase(tempDir('bv-exits-'));
  readonly audit = new AuditLog(this.db, this.clock);
  readonly repo = new ExitsRepo(this.db);
  readonly notes: { title: string; body: string }[] = [];
  /** Orders the fake order path journaled, by client order id. */
  readonly journaled = new Map<string, OrderView>();
  readonly placed: OrderTicket[] = [];
  readonly orderChanged = new Emitter<OrderView>();
  held = 10;
  halted = false;
  /** While set, reading positions waits for it (the last-moment check in flight). */
  positionsHold: Promise<void> | null = null;
  /** While set, a placement waits for it before the broker answers. */
  placeHold: Promise<void> | null = null;
  consumer: StreamConsumer | null = null;

  readonly venue: Venue = {
    mode: 'paper',
    connectionId: null,
    broker: 'paper',
    place: async () => ({ brokerOrderId: 'x', state: 'OPEN' }),
    cancel: async () => undefined,
    modify: async () => undefined,
    get: async () => null,
    orders: async () => [],
    positions: async () => {
      if (this.positionsHold) await this.positionsHold;
      return this.held === 0 ? [] : [{ symbol: SYMBOL, quantity: this.held, averagePrice: 100, lastPrice: null, unrealizedPnl: null, realizedPnl: null }];
    },
    quotes: async () => [{ symbol: SYMBOL, last: 100, bid: null, ask: null, at: null }],
    funds: async () => ({ available: 0, used: 0, total: 0, currency: 'USD' }),
    precheck: async () => undefined,
    answerPrompt: async () => null,
  };

  readonly gate = {
    assertMaySend: () => {
      if (this.halted) throw new AppError('LIVE_NOT_ALLOWED', 'The kill switch is stopping all trading, so this order was not sent.');
    },
    ensureRecentCheck: async () => undefined,
    guardFor: () => () => undefined,
    track: <T>(_v: unknown, _t: unknown, run: () => Promise<T>) => run(),
  };

  readonly exits = new ExitService({
    db: this.db,
    repo: this.repo,
    orders: {
      placeOn: async (venue: Venue, ticket: OrderTicket) => {
        const clientOrderId = `bv-${ticket.ticketId}`;
        const existing = this.journaled.get(clientOrderId);
        if (existing) return { status: 'placed' as const, order: existing };
        this.gate.assertMaySend();
        const order: OrderView = {
          id: `o${this.journaled.size + 1}`,
          clientOrderId,
          mode: 'paper',
          connectionId: null,
          broker: 'paper',
          symbol: ticket.symbol,
          side: ticket.side,
          quantity: ticket.quantity,
          type: ticket.type,
          limitPrice: ticket.limitPrice ?? null,
          stopPrice: null,
          product: null,
          state: 'PENDING',
          brokerOrderId: null,
          filledQuantity: 0,
          averagePrice: null,
          message: null,
          source: 'exit',
          createdAt: this.clock.now(),
          updatedAt: this.clock.now(),
          parentId: null,
        };
        this.journaled.set(clientOrderId, order);
        this.placed.push(ticket);
        this.orderChanged.fire(order);
        if (this.placeHold) await this.placeHold;
        const filled = { ...order, state: 'FILLED' as const, filledQuantity: order.quantity, averagePrice: 95, brokerOrderId: 'b1' };
        this.journaled.set(clientOrderId, filled);
        this.orderChanged.fire(filled);
        void venue;
        return { status: 'placed' as const, order: filled };
      },
      holdForLimits: async () => null,
      currentVenue: () => this.venue,
      venueFor: () => this.venue,
      reconcile: async (o: OrderView) => this.journaled.get(o.clientOrderId) ?? o,
      cancel: async (id: string) => [...this.journaled.values()].find((o) => o.id === id)!,
      onDidChange: this.orderChanged.event,
    },
    journal: {
      get: (id) => [...this.journaled.values()].find((o) => o.id === id) ?? null,
      byClientOrderId: (cid) => this.journaled.get(cid) ?? null,
    },
    gate: this.gate,
    audit: this.audit,
    clock: this.clock,
    scheduler: this.scheduler,
    log: silent,
    notifier: { notify: (n) => void this.notes.push(n) },
    paperFeed: () => 'c1',
    streams: {
      subscribe: (_c, consumer) => {
        this.consumer = consumer;
        return { dispose: () => (this.consumer = null) };
      },
      latest: () => null,
      status: () => 'live',
    },
  });

  tick(price: number): void {
    this.consumer?.onTick({ symbol: SYMBOL, ltp: price, ts: this.clock.now() });
  }

  async oco(fields: Partial<ExitRequest> = {}) {
    const result = await this.exits.place({
      requestId: `req-${Math.random().toString(36).slice(2, 10)}`,
      kind: 'oco',
      symbol: SYMBOL,
      exitSide: 'SELL',
      quantity: 10,
      targetPrice: 120,
      stopPrice: 90,
      ...fields,
    });
    if (result.status !== 'placed') throw new Error('not placed');
    return result.exit;
  }

  exitOrders(): OrderTicket[] {
    return this.placed.filter((t) => t.ticketId.startsWith('xx-'));
  }

  audits(action: string): number {
    return (this.db.prepare('SELECT count(*) AS n FROM audit_log WHERE action = ?').get(action) as { n: number }).n;
  }
}

let w: World;
beforeEach(async () => {
  w = new World();
  await w.exits.start();
});
afterEach(() => {
  w.exits.dispose();
  w.db.close();
});

const settle = () => w.scheduler.advance(0);

describe('one exit order, whatever the ticks do', () => {
  it('sends one order for a storm of crossing ticks, including ticks while the order is on its way', async () => {
    const exit = await w.oco();
    const hold = deferred();
    w.placeHold = hold.promise;
    for (let i = 0; i < 500; i++) w.tick(89 - (i % 7));
    await settle();
    for (let i = 0; i < 500; i++) w.tick(80);
    hold.resolve();
    await settle();
    for (let i = 0; i < 50; i++) w.tick(70);
    await settle();
    expect(w.exitOrders()).toEqual([{ ticketId: `xx-${exit.id}`, symbol: SYMBOL, side: 'SELL', quantity: 10, type: 'MARKET', product: undefined }]);
    expect(w.exits.get(exit.id)).toMatchObject({ state: 'done', triggeredBy: 'stop' });
    expect(w.audits('exit.trigger')).toBe(1);
  });

  it('fires one leg only when the stop and then the target are crossed in the same turn', async () => {
    const exit = await w.oco();
    w.tick(85);
    w.tick(125);
    await settle();
    expect(w.exitOrders()).toHaveLength(1);
    expect(w.exits.get(exit.id).triggeredBy).toBe('stop');
  });

  it('sends a market order on a gap far through the stop, and a limit at the target on a gap through the target', async () => {
    const a = await w.oco();
    w.tick(10);
    await settle();
    expect(w.exits.get(a.id)).toMatchObject({ state: 'done', triggeredBy: 'stop' });
    w.held = 10;
    const b = await w.oco();
    w.tick(500);
    await settle();
    expect(w.exitOrders().at(-1)).toMatchObject({ ticketId: `xx-${b.id}`, type: 'LIMIT', limitPrice: 120 });
  });

  it('ignores prices between the levels', async () => {
    const exit = await w.oco();
    for (const p of [90.01, 100, 119.99]) w.tick(p);
    await settle();
    expect(w.exitOrders()).toEqual([]);
    expect(w.exits.get(exit.id).state).toBe('armed');
  });
});

describe('the last-moment checks', () => {
  it('sends nothing when the trader cancels while the trigger reads positions', async () => {
    const exit = await w.oco();
    const hold = deferred();
    w.positionsHold = hold.promise;
    w.tick(85);
    await settle();
    await w.exits.cancel(exit.id);
    hold.resolve();
    await settle();
    expect(w.exitOrders()).toEqual([]);
    expect(w.exits.get(exit.id)).toMatchObject({ state: 'cancelled', message: 'Cancelled by you.' });
    expect(w.audits('exit.trigger')).toBe(0);
  });

  it('sends nothing when the kill switch cancels every exit while the trigger reads positions', async () => {
    const exit = await w.oco();
    const hold = deferred();
    w.positionsHold = hold.promise;
    w.tick(85);
    await settle();
    w.halted = true;
    const results = await w.exits.cancelAll();
    hold.resolve();
    await settle();
    expect(results).toEqual([
      { mode: 'paper', connectionId: null, target: `stop-loss with target: SELL 10 ${SYMBOL}`, action: 'cancel', outcome: 'done', message: null },
    ]);
    expect(w.exitOrders()).toEqual([]);
    expect(w.exits.get(exit.id)).toMatchObject({ state: 'cancelled', message: 'Cancelled by the kill switch.' });
  });

  it('sends nothing when the kill switch halts the order path after the trigger was decided', async () => {
    const exit = await w.oco();
    const hold = deferred();
    w.positionsHold = hold.promise;
    w.tick(85);
    await settle();
    // The kill switch engaged without this exit being disarmed first (its gate halts every order but its own).
    w.halted = true;
    hold.resolve();
    await settle();
    expect(w.exitOrders()).toEqual([]);
    expect(w.exits.get(exit.id)).toMatchObject({ state: 'cancelled', message: expect.stringContaining('No exit order was sent: The kill switch') });
    expect(w.notes.at(-1)?.title).toBe('Protective exit not sent');
  });

  it('sends nothing when the position was closed elsewhere, and only what is still held when it shrank', async () => {
    const gone = await w.oco();
    w.held = 0;
    w.tick(85);
    await settle();
    expect(w.exitOrders()).toEqual([]);
    expect(w.exits.get(gone.id)).toMatchObject({ state: 'cancelled', message: 'The position is no longer held, so no exit order was sent.' });
    w.held = 10;
    const shrunk = await w.oco();
    w.held = 4;
    w.tick(85);
    await settle();
    expect(w.exitOrders()).toEqual([expect.objectContaining({ ticketId: `xx-${shrunk.id}`, quantity: 4 })]);
  });

  it('refuses a trailing stop for more than is held, in plain words', async () => {
    w.held = 3;
    await expect(w.oco({ kind: 'trailing', targetPrice: undefined, stopPrice: undefined, trail: { percent: 1 } })).rejects.toThrow(
      'Only 3 US:AAPL is held long; the exit can protect at most that.',
    );
    expect(w.exits.list()).toEqual([]);
  });
});

describe('after a crash', () => {
  it('re-arms an exit whose trigger was decided but whose order was never journaled, and follows one that was', async () => {
    const a = await w.oco();
    const b = await w.oco();
    // As if BrokerVault was killed right after deciding both triggers; b's order had been journaled (and sent).
    w.repo.transition(a.id, ['armed'], { state: 'triggered', triggeredBy: 'stop' }, w.clock.now());
    w.repo.transition(b.id, ['armed'], { state: 'triggered', triggeredBy: 'stop' }, w.clock.now());
    w.journaled.set(`bv-xx-${b.id}`, {
      ...(await w.exits.get(b.id)),
      id: 'ob',
      clientOrderId: `bv-xx-${b.id}`,
      mode: 'paper',
      broker: 'paper',
      side: 'SELL',
      type: 'MARKET',
      limitPrice: null,
      product: null,
      state: 'FILLED',
      brokerOrderId: 'b9',
      filledQuantity: 10,
      averagePrice: 88,
      source: 'exit',
      parentId: null,
    } as OrderView);
    await w.exits.start();
    expect(w.exits.get(a.id)).toMatchObject({ state: 'armed', message: 'Re-armed after a restart: its exit order had not been sent.' });
    expect(w.exits.get(b.id)).toMatchObject({ state: 'done', exitOrderId: 'ob' });
    w.tick(85);
    await settle();
    // a fires now, once; b is never sent again.
    expect(w.exitOrders().map((t) => t.ticketId)).toEqual([`xx-${a.id}`]);
  });

  it('derives the exit id from the request id, so a retried request is the same exit', async () => {
    const first = await w.oco({ requestId: 'same-request-1' });
    const again = await w.oco({ requestId: 'same-request-1' });
    expect(first.id).toBe(exitIdFor('same-request-1'));
    expect(again.id).toBe(first.id);
    expect(w.exits.list()).toHaveLength(1);
  });
});
