import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/clock';
import { AppError } from '../../../src/main/errors';
import type { Logger } from '../../../src/main/log/types';
import type { FeedStatus, PriceSource, StreamConsumer } from '../../../src/main/streaming/connection-feed';
import { SubscriptionManager, type SubscriptionManagerDeps } from '../../../src/main/streaming/subscription-manager';
import type { StreamLimits, Tick } from '../../../src/main/streaming/types';
import { FakeStreamSource } from '../../support/fake-stream';
import { ManualScheduler } from '../../support/manual-scheduler';

const C = 'conn-1';

interface Recorded {
  level: string;
  message: string;
  context?: Record<string, unknown>;
}

function setup(limits?: StreamLimits | null, options: Partial<SubscriptionManagerDeps> = {}) {
  const scheduler = new ManualScheduler(new ManualClock());
  const source = new FakeStreamSource(limits === undefined ? undefined : limits);
  const logs: Recorded[] = [];
  const logger: Logger = {
    debug: (message, context) => logs.push({ level: 'debug', message, context }),
    info: (message, context) => logs.push({ level: 'info', message, context }),
    warn: (message, context) => logs.push({ level: 'warn', message, context }),
    error: (message, context) => logs.push({ level: 'error', message, context }),
  };
  const rng = { value: 0.5 };
  const manager = new SubscriptionManager({
    source,
    scheduler,
    random: () => rng.value,
    logger,
    backoff: { baseMs: 1_000, capMs: 16_000 },
    staleAfterMs: 5_000,
    pollingAfterAttempts: 3,
    ...options,
  });
  const statuses: (FeedStatus | null)[] = [];
  manager.onDidChangeFeedStatus((change) => statuses.push(change.status));
  return { scheduler, source, logs, rng, manager, statuses };
}

function consumer(id: string, fail = false) {
  const ticks: Tick[] = [];
  const sources: string[] = [];
  const self: StreamConsumer & { ticks: Tick[]; sources: string[] } = {
    id,
    ticks,
    sources,
    onTick(tick) {
      if (fail) throw new Error('consumer broke with token=secret-token');
      ticks.push(tick);
    },
    onSource(symbol: string, source: PriceSource) {
      sources.push(`${symbol}:${source}`);
    },
  };
  return self;
}

describe('SubscriptionManager: reference counts', () => {
  it('carries each symbol once at the strongest mode any consumer needs, and the last release unsubscribes', async () => {
    const { manager, source, scheduler, statuses } = setup();
    const panel = consumer('panel');
    const paper = consumer('paper');
    manager.subscribe(C, panel, ['NSE:INFY'], 'ltp');
    manager.subscribe(C, paper, ['NSE:INFY', 'NSE:TCS'], 'full');
    await scheduler.settle();
    expect(source.opened).toHaveLength(1);
    const socket = source.current;
    expect(Object.fromEntries(socket.carried)).toEqual({ 'NSE:INFY': 'full', 'NSE:TCS': 'full' });
    expect(manager.status(C)).toBe('live');

    // A second consumer asking again does not double-count: releasing paper drops TCS and downgrades INFY to panel's mode.
    manager.subscribe(C, paper, ['NSE:INFY'], 'full');
    manager.release(C, 'paper');
    expect(Object.fromEntries(socket.carried)).toEqual({ 'NSE:INFY': 'ltp' });
    expect(socket.calls.slice(-2)).toEqual(['sub ltp NSE:INFY', 'unsub NSE:TCS']);

    const sub = manager.subscribe(C, panel, ['NSE:SBIN'], 'quote');
    sub.dispose();
    expect(socket.carried.has('NSE:SBIN')).toBe(false);

    manager.release(C, 'panel', ['NSE:INFY']);
    expect(socket.carried.size).toBe(0);
    expect(socket.closed).toBe(true);
    expect(manager.status(C)).toBeNull();
    expect(scheduler.pending).toBe(0);
    expect(statuses).toEqual(['reconnecting', 'live', null]);
  });

  it('delivers each tick to every holder of the symbol; the latest value wins and unknown symbols are ignored', async () => {
    const { manager, source, scheduler } = setup();
    const a = consumer('a');
    const b = consumer('b');
    manager.subscribe(C, a, ['NSE:INFY'], 'ltp');
    manager.subscribe(C, b, ['NSE:INFY', 'NSE:TCS'], 'quote');
    await scheduler.settle();
    source.current.tick('NSE:INFY', 1500, 1);
    source.current.tick('NSE:INFY', 1501, 2);
    source.current.tick('NSE:TCS', 3900, 3);
    source.current.tick('NSE:WIPRO', 400, 4);
    expect(a.ticks.map((t) => t.ltp)).toEqual([1500, 1501]);
    expect(b.ticks.map((t) => t.ltp)).toEqual([1500, 1501, 3900]);
    expect(manager.latest(C, 'NSE:INFY')?.ltp).toBe(1501);
    expect(manager.latest(C, 'NSE:WIPRO')).toBeNull();
    expect(manager.counters(C)?.ticks).toBe(3);
  });

  it('refuses a broker without streaming and bad symbols with a plain message, subscribing nothing', async () => {
    const noStream = setup(null);
    expect(() => noStream.manager.subscribe(C, consumer('a'), ['NSE:INFY'], 'ltp')).toThrow(/cannot stream prices yet/);
    expect(noStream.source.opened).toHaveLength(0);
    const { manager, source } = setup();
    expect(() => manager.subscribe(C, consumer('a'), [], 'ltp')).toThrow(/at least one symbol/);
    expect(() => manager.subscribe(C, consumer('a'), ['x'.repeat(65)], 'ltp')).toThrow(/1 to 64 characters/);
    await Promise.resolve();
    expect(source.opened).toHaveLength(0);
    expect(manager.status(C)).toBeNull();
  });
});

describe('SubscriptionManager: instrument limits', () => {
  it('refuses a subscription past the per-socket limit whole, in our words, and changes nothing', async () => {
    const { manager, source, scheduler } = setup({ instrumentsPerSocket: 3, socketsPerAccount: 1 });
    const a = consumer('a');
    const b = consumer('b');
    manager.subscribe(C, a, ['NSE:INFY', 'NSE:TCS'], 'ltp');
    await scheduler.settle();
    const before = [...source.current.calls];
    let refused: unknown;
    try {
      manager.subscribe(C, b, ['NSE:SBIN', 'NSE:WIPRO'], 'full');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('LIMIT_EXCEEDED');
    expect((refused as AppError).message).toBe(
      'This broker streams at most 3 instruments per connection. 2 are streaming now and this would add 2; close a panel or watch fewer symbols. Nothing was subscribed.',
    );
    expect(source.current.calls).toEqual(before);
    // Nothing of b's was kept: a symbol already carried plus one new one still fits.
    manager.subscribe(C, b, ['NSE:INFY', 'NSE:SBIN'], 'ltp');
    expect(Object.keys(Object.fromEntries(source.current.carried)).sort()).toEqual(['NSE:INFY', 'NSE:SBIN', 'NSE:TCS']);
  });

  it('refuses a first subscription that is already too large without opening a socket', async () => {
    const { manager, source, scheduler } = setup({ instrumentsPerSocket: 2, socketsPerAccount: 1 });
    expect(() => manager.subscribe(C, consumer('a'), ['A', 'B', 'C'], 'ltp')).toThrow(/at most 2 instruments/);
    await scheduler.settle();
    expect(source.opened).toHaveLength(0);
    expect(manager.status(C)).toBeNull();
    expect(scheduler.pending).toBe(0);
  });
});

describe('SubscriptionManager: reconnects', () => {
  it('reconnects a dropped socket after a full-jitter backoff and resubscribes everything at its modes', async () => {
    const { manager, source, scheduler, rng, statuses } = setup();
    const a = consumer('a');
    manager.subscribe(C, a, ['NSE:INFY'], 'full');
    manager.subscribe(C, consumer('b'), ['NSE:TCS'], 'ltp');
    await scheduler.settle();
    source.current.tick('NSE:INFY', 1500);
    rng.value = 0.999;
    source.current.drop();
    expect(source.opened[0]?.closed).toBe(true);
    expect(manager.status(C)).toBe('reconnecting');
    expect(a.sources).toEqual(['NSE:INFY:poll', 'NSE:INFY:stream', 'NSE:INFY:poll']);
    // First retry: uniform in [0, base); 0.999 of 1000 ms is 999 ms.
    await scheduler.advance(998);
    expect(source.opened).toHaveLength(1);
    await scheduler.advance(1);
    expect(source.opened).toHaveLength(2);
    expect(Object.fromEntries(source.current.carried)).toEqual({ 'NSE:INFY': 'full', 'NSE:TCS': 'ltp' });
    expect(manager.status(C)).toBe('live');
    source.current.tick('NSE:INFY', 1502);
    expect(a.sources.at(-1)).toBe('NSE:INFY:stream');
    expect(a.ticks.map((t) => t.ltp)).toEqual([1500, 1502]);
    expect(statuses).toEqual(['reconnecting', 'live', 'reconnecting', 'live']);
  });

  it('doubles the ceiling on each failure up to the cap, shows polling after 3 failures, and starts over after a tick', async () => {
    const { manager, source, scheduler, rng, statuses } = setup();
    manager.subscribe(C, consumer('a'), ['NSE:INFY'], 'ltp');
    await scheduler.settle();
    rng.value = 0.999;
    source.failOpens = 6;
    source.current.drop();
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const due = scheduler.nextDue();
      if (due === null) throw new Error('no reconnect was scheduled');
      waits.push(due - scheduler.now());
      await scheduler.advanceTo(due);
    }
    // Ceilings 1, 2, 4, 8, 16, 16, 16 (cap) seconds; the delay is just under each.
    expect(waits).toEqual([999, 1_998, 3_996, 7_992, 15_984, 15_984, 15_984]);
    expect(statuses).toEqual(['reconnecting', 'live', 'reconnecting', 'polling', 'live']);
    expect(manager.counters(C)).toMatchObject({ drops: 7, adapterErrors: 6 });

    // A tick proves the socket healthy: the next drop waits a first-retry delay again, and no jitter means no wait.
    source.current.tick('NSE:INFY', 1);
    rng.value = 0;
    source.current.drop();
    expect(scheduler.nextDue()).toBe(scheduler.now());
  });

  it('ignores callbacks from a socket it has given up on', async () => {
    const { manager, source, scheduler } = setup();
    const a = consumer('a');
    manager.subscribe(C, a, ['NSE:INFY'], 'ltp');
    await scheduler.settle();
    const old = source.current;
    old.drop();
    old.tick('NSE:INFY', 99);
    old.accept();
    expect(a.ticks).toEqual([]);
    expect(manager.status(C)).toBe('reconnecting');
    await scheduler.advance(1_000);
    expect(source.opened).toHaveLength(2);
  });
});

describe('SubscriptionManager: stale feeds', () => {
  it('marks a silent symbol stale, tells its consumers to poll, and goes live on its next tick', async () => {
    const { manager, source, scheduler, statuses } = setup();
    const infy = consumer('infy');
    const tcs = consumer('tcs');
    manager.subscribe(C, infy, ['NSE:INFY'], 'ltp');
    manager.subscribe(C, tcs, ['NSE:TCS'], 'ltp');
    await scheduler.settle();
    source.current.tick('NSE:TCS', 1);
    for (let i = 0; i < 5; i++) {
      source.current.tick('NSE:INFY', i);
      await scheduler.advance(1_000);
    }
    expect(manager.status(C)).toBe('stale');
    expect(tcs.sources).toEqual(['NSE:TCS:poll', 'NSE:TCS:stream', 'NSE:TCS:poll']);
    expect(infy.sources).toEqual(['NSE:INFY:poll', 'NSE:INFY:stream']);
    source.current.tick('NSE:TCS', 2);
    expect(manager.status(C)).toBe('live');
    expect(tcs.sources.at(-1)).toBe('NSE:TCS:stream');
    expect(statuses).toEqual(['reconnecting', 'live', 'stale', 'live']);
    // The check goes on: silence again is stale again, with one timer pending at most.
    expect(scheduler.pending).toBe(1);
    await scheduler.advance(5_000);
    expect(manager.status(C)).toBe('stale');
  });

  it('does not call a shut market stale', async () => {
    const { manager, scheduler } = setup(undefined, { marketOpen: () => false });
    manager.subscribe(C, consumer('a'), ['NSE:INFY'], 'ltp');
    await scheduler.settle();
    await scheduler.advance(60_000);
    expect(manager.status(C)).toBe('live');
    expect(scheduler.pending).toBe(1);
  });
});

describe('SubscriptionManager: sessions', () => {
  it('reopens with the new token after a rollover noticed by checkSessions, and only then', async () => {
    const { manager, source, scheduler } = setup();
    source.autoAccept = false;
    source.sessions.set(C, 'token-day-1');
    manager.subscribe(C, consumer('a'), ['NSE:INFY'], 'quote');
    await scheduler.settle();
    source.current.accept();
    expect(source.current.session).toBe('token-day-1');
    expect(source.current.carried.get('NSE:INFY')).toBe('quote');

    manager.checkSessions();
    expect(source.opened).toHaveLength(1);

    source.sessions.set(C, 'token-day-2');
    manager.checkSessions();
    await scheduler.settle();
    expect(source.opened).toHaveLength(2);
    expect(source.opened[0]?.closed).toBe(true);
    expect(source.current.session).toBe('token-day-2');
    expect(manager.status(C)).toBe('reconnecting');
    source.current.accept();
    expect(source.current.carried.get('NSE:INFY')).toBe('quote');
    expect(manager.status(C)).toBe('live');
  });

  it('reopens at once on an explicit sessionChanged, even while a backoff is pending', async () => {
    const { manager, source, scheduler } = setup();
    manager.subscribe(C, consumer('a'), ['NSE:INFY'], 'ltp');
    await scheduler.settle();
    source.current.drop('auth');
    expect(scheduler.pending).toBe(1);
    source.sessions.set(C, 'new-token');
    manager.sessionChanged(C);
    await scheduler.settle();
    expect(source.opened).toHaveLength(2);
    expect(source.current.session).toBe('new-token');
    expect(manager.status(C)).toBe('live');
    expect(source.live).toHaveLength(1);
    // The pending backoff was cancelled: only the stale check remains.
    expect(scheduler.pending).toBe(1);
  });
});

describe('SubscriptionManager: failures of others', () => {
  it('keeps delivering to the other consumers when one throws, counting and logging it without its message', async () => {
    const { manager, source, scheduler, logs } = setup();
    const broken = consumer('broken', true);
    const fine = consumer('fine');
    manager.subscribe(C, broken, ['NSE:INFY'], 'ltp');
    manager.subscribe(C, fine, ['NSE:INFY'], 'ltp');
    await scheduler.settle();
    source.current.tick('NSE:INFY', 1);
    source.current.tick('NSE:INFY', 2);
    expect(fine.ticks.map((t) => t.ltp)).toEqual([1, 2]);
    expect(manager.counters(C)?.consumerErrors).toBe(2);
    expect(manager.status(C)).toBe('live');
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(2);
    expect(JSON.stringify(logs)).not.toContain('secret-token');
  });

  it('survives an adapter whose subscribe throws: counted, logged redacted, reconnected and resubscribed', async () => {
    const { manager, source, scheduler, logs } = setup();
    manager.subscribe(C, consumer('a'), ['NSE:INFY'], 'ltp');
    await scheduler.settle();
    source.current.throwOnSubscribe = true;
    manager.subscribe(C, consumer('b'), ['NSE:TCS'], 'full');
    expect(manager.status(C)).toBe('reconnecting');
    expect(manager.counters(C)?.adapterErrors).toBe(1);
    expect(JSON.stringify(logs)).not.toContain('secret-token');
    await scheduler.advance(1_000);
    expect(Object.fromEntries(source.current.carried)).toEqual({ 'NSE:INFY': 'ltp', 'NSE:TCS': 'full' });
    expect(manager.status(C)).toBe('live');
  });

  it('keeps the socket when a status listener throws', async () => {
    const { manager, source, scheduler } = setup();
    manager.onDidChangeFeedStatus(() => {
      throw new Error('listener broke');
    });
    manager.subscribe(C, consumer('a'), ['NSE:INFY'], 'ltp');
    await scheduler.settle();
    expect(manager.status(C)).toBe('live');
    expect(source.live).toHaveLength(1);
  });
});

describe('SubscriptionManager: soak', () => {
  it('ends 200 drops in a row with the right subscriptions, one socket and no leaked timers', async () => {
    const { manager, source, scheduler, rng } = setup();
    let seed = 7;
    // A fixed linear congruential sequence: varied jitter, same every run.
    rng.value = 0.5;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const a = consumer('a');
    manager.subscribe(C, a, ['NSE:INFY', 'NSE:TCS'], 'quote');
    manager.subscribe(C, consumer('b'), ['NSE:INFY'], 'full');
    const temp = manager.subscribe(C, consumer('c'), ['NSE:SBIN'], 'ltp');
    await scheduler.settle();
    for (let i = 0; i < 200; i++) {
      rng.value = next();
      source.current.drop();
      expect(scheduler.pending).toBe(1);
      const due = scheduler.nextDue();
      if (due === null) throw new Error('no reconnect was scheduled');
      expect(due - scheduler.now()).toBeLessThan(16_000);
      await scheduler.advanceTo(due);
      if (i === 100) temp.dispose();
    }
    expect(source.opened).toHaveLength(201);
    expect(source.live).toHaveLength(1);
    expect(Object.fromEntries(source.current.carried)).toEqual({ 'NSE:INFY': 'full', 'NSE:TCS': 'quote' });
    expect(manager.status(C)).toBe('live');
    expect(manager.counters(C)?.drops).toBe(200);
    expect(scheduler.pending).toBe(1);
    source.current.tick('NSE:INFY', 1);
    expect(a.ticks).toHaveLength(1);
    manager.release(C, 'a');
    manager.release(C, 'b');
    expect(source.live).toHaveLength(0);
    expect(scheduler.pending).toBe(0);
  });
});

describe('SubscriptionManager: bad input from the socket', () => {
  it('drops a tick older than the latest for its symbol, counting it; newer and equal times pass', async () => {
    const { manager, source, scheduler } = setup();
    const panel = consumer('panel');
    manager.subscribe(C, panel, ['NSE:INFY'], 'ltp');
    await scheduler.settle();
    source.current.tick('NSE:INFY', 100, 2_000);
    source.current.tick('NSE:INFY', 99, 1_000);
    source.current.tick('NSE:INFY', 101, 2_000);
    source.current.tick('NSE:INFY', 102, 3_000);
    expect(panel.ticks.map((t) => t.ltp)).toEqual([100, 101, 102]);
    expect(manager.latest(C, 'NSE:INFY')?.ltp).toBe(102);
    expect(manager.counters(C)?.problems['out-of-order']).toBe(1);
  });

  it('counts what the adapter reports it dropped, and logs each kind at most once a minute, without the frame', async () => {
    const { manager, source, scheduler, logs } = setup();
    manager.subscribe(C, consumer('panel'), ['NSE:INFY'], 'ltp');
    await scheduler.settle();
    for (let i = 0; i < 500; i++) source.current.handlers.onProblem?.('malformed');
    source.current.handlers.onProblem?.('unknown');
    expect(manager.counters(C)?.problems).toMatchObject({ malformed: 500, unknown: 1 });
    const lines = logs.filter((l) => l.message.includes('dropped frames'));
    expect(lines.map((l) => l.context?.problem)).toEqual(['malformed', 'unknown']);
    await scheduler.advance(60_000);
    source.current.handlers.onProblem?.('malformed');
    expect(logs.filter((l) => l.message.includes('dropped frames'))).toHaveLength(3);
    expect(manager.status(C)).not.toBeNull();
    expect(source.opened).toHaveLength(1);
  });
});
