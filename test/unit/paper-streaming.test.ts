import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/main/clock';
import type { Logger } from '../../src/main/log/types';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import type { StreamLimits } from '../../src/main/streaming/types';
import { LiveTicks } from '../../src/main/trading/live-ticks';
import { connectionOrigin, type PriceRequest, type SourcedPrice } from '../../src/main/trading/paper';
import { PaperStreaming } from '../../src/main/trading/paper-streaming';
import { FakeStreamSource } from '../support/fake-stream';
import { ManualScheduler } from '../support/manual-scheduler';

/** PaperStreaming over a real SubscriptionManager on fake sockets, with a desk and prices the test scripts. */
function setup(limits: StreamLimits | null = { instrumentsPerSocket: 100, socketsPerAccount: 1 }) {
  const scheduler = new ManualScheduler(new ManualClock());
  const source = new FakeStreamSource(limits);
  const logs: { message: string; context?: Record<string, unknown> }[] = [];
  const logger: Logger = { debug: (message, context) => logs.push({ message, context }), info: () => undefined, warn: () => undefined, error: () => undefined };
  const manager = new SubscriptionManager({ source, scheduler, random: () => 0.5, logger });
  const ticks = new LiveTicks(manager);
  const world = { watch: [] as PriceRequest[], valid: new Set(['c1', 'c2']), best: 'c1' as string | null };
  const offered: [string, SourcedPrice][] = [];
  const streaming = new PaperStreaming({
    ticks,
    prices: { bestConnection: () => world.best, canPrice: (id) => world.valid.has(id) },
    desk: { watchList: () => world.watch, offerTick: (symbol, priced) => offered.push([symbol, priced]) },
    logger,
  });
  return { scheduler, source, manager, ticks, world, offered, streaming, logs };
}

describe('PaperStreaming', () => {
  it('subscribes a flat symbol at the best connection and a held one at its own, and forwards their ticks with the feed', async () => {
    const { scheduler, source, world, offered, streaming } = setup();
    world.watch = [{ symbol: 'US:A' }, { symbol: 'US:B', from: connectionOrigin('c2') }, { symbol: 'US:C', from: 'simulated' }];
    streaming.sync();
    expect(streaming.subscribed).toEqual(['c1 US:A', 'c2 US:B']); // the simulated feed is not streamed
    await scheduler.settle();
    const [c1, c2] = source.opened;
    c1!.tick('US:A', 10.5, 1);
    c2!.tick('US:B', 20.25, 1);
    expect(offered).toEqual([
      ['US:A', { price: 10.5, source: connectionOrigin('c1') }],
      ['US:B', { price: 20.25, source: connectionOrigin('c2') }],
    ]);
  });

  it('releases a symbol nothing needs, and one whose connection is no longer valid; their late ticks go nowhere', async () => {
    const { scheduler, source, manager, world, offered, streaming } = setup();
    world.watch = [{ symbol: 'US:A' }, { symbol: 'US:B' }];
    streaming.sync();
    await scheduler.settle();
    const socket = source.current;
    world.watch = [{ symbol: 'US:B' }];
    streaming.sync();
    expect(socket.calls.at(-1)).toBe('unsub US:A');
    world.valid.delete('c1');
    streaming.connectionsChanged();
    expect(streaming.subscribed).toEqual([]);
    expect(manager.status('c1')).toBeNull();
    socket.tick('US:B', 5, 2);
    expect(offered).toEqual([]);
  });

  it('leaves a connection that cannot stream to polling, without retrying until connections change', () => {
    const { world, streaming, logs } = setup(null);
    world.watch = [{ symbol: 'US:A' }];
    streaming.sync();
    streaming.sync();
    expect(streaming.subscribed).toEqual([]);
    expect(logs).toEqual([{ message: 'Paper prices for this symbol stay polled', context: { connectionId: 'c1', symbol: 'US:A', reason: 'AppError' } }]);
    streaming.connectionsChanged();
    expect(logs).toHaveLength(2);
  });

  it('past the broker’s instrument limit, the extra symbol is polled and the others still stream', async () => {
    const { scheduler, world, streaming } = setup({ instrumentsPerSocket: 1, socketsPerAccount: 1 });
    world.watch = [{ symbol: 'US:A' }, { symbol: 'US:B' }];
    streaming.sync();
    await scheduler.settle();
    expect(streaming.subscribed).toEqual(['c1 US:A']);
  });

  it('a tick counts as current only while the feed streams that symbol', async () => {
    const { scheduler, source, ticks, world, streaming } = setup();
    world.watch = [{ symbol: 'US:A' }];
    streaming.sync();
    expect(ticks.current('c1', 'US:A')).toBeNull(); // socket not open yet
    await scheduler.settle();
    source.current.tick('US:A', 7, 1);
    expect(ticks.current('c1', 'US:A')?.ltp).toBe(7);
    source.current.drop();
    expect(ticks.current('c1', 'US:A')).toBeNull();
    await scheduler.advance(1_000);
    expect(ticks.current('c1', 'US:A')).toBeNull(); // reconnected, but told to poll until a new tick
    source.current.tick('US:A', 8, 2);
    expect(ticks.current('c1', 'US:A')?.ltp).toBe(8);
    expect(ticks.current('c1', 'US:B')).toBeNull(); // not held by paper
  });
});
