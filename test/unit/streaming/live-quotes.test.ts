import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/clock';
import type { Logger } from '../../../src/main/log/types';
import { SubscriptionManager } from '../../../src/main/streaming/subscription-manager';
import { LiveQuotes, type LiveQuotesBatch } from '../../../src/main/trading/live-quotes';
import { FakeStreamSource } from '../../support/fake-stream';
import { ManualScheduler } from '../../support/manual-scheduler';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function setup(routes: Record<string, string | null>, limit = 100) {
  const scheduler = new ManualScheduler(new ManualClock(0));
  const source = new FakeStreamSource({ instrumentsPerSocket: limit, socketsPerAccount: 1 });
  const streams = new SubscriptionManager({ source, scheduler, random: () => 0.5, logger: quiet });
  const batches: LiveQuotesBatch[] = [];
  const live = new LiveQuotes({ streams, route: (s) => routes[s] ?? null, scheduler, flushMs: 4, emit: (b) => batches.push(b), log: quiet });
  return { scheduler, source, streams, live, batches, routes };
}

describe('LiveQuotes: the window’s watch list', () => {
  it('streams what a connection can, polls the rest with a reason, and sends one latest-wins batch per flush', async () => {
    const { live, source, scheduler, batches } = setup({ 'US:AAPL': 'c1', 'US:MSFT': 'c1' });
    // Routed to the stream, polled until the socket delivers: the window has a price before the first tick.
    expect(live.watch(['US:AAPL', 'US:MSFT', 'NSE:INFY'])).toEqual([
      { symbol: 'US:AAPL', connectionId: 'c1', source: 'poll', note: null },
      { symbol: 'US:MSFT', connectionId: 'c1', source: 'poll', note: null },
      { symbol: 'NSE:INFY', connectionId: null, source: 'poll', note: expect.stringContaining('No connected broker streams') },
    ]);
    await scheduler.settle();
    expect(Object.fromEntries(source.current.carried)).toEqual({ 'US:AAPL': 'quote', 'US:MSFT': 'quote' });
    for (let i = 1; i <= 100; i++) source.current.tick('US:AAPL', 100 + i, i, { bid: 100 + i - 0.01, ask: 100 + i + 0.01 });
    source.current.tick('US:MSFT', 50, 7);
    expect(batches).toEqual([]);
    await scheduler.advance(4);
    expect(batches).toEqual([
      {
        quotes: [
          { symbol: 'US:AAPL', last: 200, bid: 199.99, ask: 200.01, at: 100 },
          { symbol: 'US:MSFT', last: 50, bid: null, ask: null, at: 7 },
        ],
        sources: [
          { symbol: 'US:AAPL', source: 'stream' },
          { symbol: 'US:MSFT', source: 'stream' },
        ],
      },
    ]);
    expect(live.watched().map((w) => w.source)).toEqual(['stream', 'stream', 'poll']);
    await scheduler.advance(100);
    expect(batches).toHaveLength(1);
  });

  it('a new list subscribes only what is new and releases only what is gone: a kept symbol is never dropped in between', async () => {
    const { live, source, scheduler } = setup({ A: 'c1', B: 'c1', C: 'c1' });
    live.watch(['A', 'B']);
    await scheduler.settle();
    const socket = source.current;
    live.watch(['B', 'C']);
    expect(socket.calls).toEqual(['sub quote A,B', 'sub quote C', 'unsub A']);
    live.watch([]);
    expect(socket.closed).toBe(true);
  });

  it('a route that changes (a connection gone, the mode switched) moves the symbol on rewatch', async () => {
    const { live, source, scheduler, routes } = setup({ A: 'c1' });
    live.watch(['A']);
    await scheduler.settle();
    routes.A = null;
    expect(live.rewatch()).toEqual([expect.objectContaining({ symbol: 'A', connectionId: null, source: 'poll' })]);
    expect(source.current.closed).toBe(true);
  });

  it('a broker limit refuses the new symbols in our words; they are polled and nothing else changes', async () => {
    const { live, scheduler, source } = setup({ A: 'c1', B: 'c1', C: 'c1' }, 2);
    live.watch(['A', 'B']);
    await scheduler.settle();
    const watched = live.watch(['A', 'B', 'C']);
    expect(watched[2]).toEqual({ symbol: 'C', connectionId: null, source: 'poll', note: expect.stringContaining('at most 2 instruments') });
    expect([...source.current.carried.keys()].sort()).toEqual(['A', 'B']);
  });

  it('tells the window when a symbol falls back to polling and when it streams again', async () => {
    const { live, source, scheduler, batches } = setup({ A: 'c1' });
    live.watch(['A']);
    await scheduler.settle();
    source.current.tick('A', 10, 1);
    await scheduler.advance(4);
    expect(live.watched()[0]!.source).toBe('stream');
    source.current.drop();
    await scheduler.advance(4);
    expect(batches.at(-1)?.sources).toEqual([{ symbol: 'A', source: 'poll' }]);
    expect(live.watched()[0]!.source).toBe('poll');
    await scheduler.advance(2_000);
    source.current.tick('A', 11, 2);
    await scheduler.advance(4);
    expect(batches.at(-1)).toEqual({ quotes: [{ symbol: 'A', last: 11, bid: null, ask: null, at: 2 }], sources: [{ symbol: 'A', source: 'stream' }] });
    expect(live.watched()[0]!.source).toBe('stream');
  });
});

describe('LiveQuotes: batching', () => {
  it('a lone tick after a quiet spell goes out on the next turn; under a flood, at most one batch per flushMs', async () => {
    const { live, source, scheduler, batches } = setup({ A: 'c1' });
    live.watch(['A']);
    await scheduler.settle();
    source.current.tick('A', 1, 1);
    await scheduler.advance(0);
    expect(batches).toHaveLength(1);
    // Right after a batch: the next waits out the rest of the 4 ms.
    source.current.tick('A', 2, 2);
    await scheduler.advance(3);
    expect(batches).toHaveLength(1);
    await scheduler.advance(1);
    expect(batches).toHaveLength(2);
    for (let ms = 0; ms < 40; ms++) {
      source.current.tick('A', 10 + ms, 10 + ms);
      await scheduler.advance(1);
    }
    expect(batches.length - 2).toBeLessThanOrEqual(10);
    expect(batches.at(-1)!.quotes.at(-1)!.last).toBeGreaterThanOrEqual(45);
  });
});
