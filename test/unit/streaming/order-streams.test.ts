import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/main/clock';
import type { Logger } from '../../../src/main/log/types';
import type { OrderStreamHandlers, OrderUpdate } from '../../../src/main/streaming/types';
import { OrderStreams } from '../../../src/main/trading/order-streams';
import { ManualScheduler } from '../../support/manual-scheduler';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface FakeOrderSocket {
  id: string;
  stamp: string | null;
  handlers: OrderStreamHandlers;
  closed: boolean;
}

function setup() {
  const scheduler = new ManualScheduler(new ManualClock(0));
  const sockets: FakeOrderSocket[] = [];
  const wanted = new Set<string>();
  const stamps = new Map<string, string>();
  const applied: { id: string; update: OrderUpdate }[] = [];
  let failOpens = 0;
  const streams = new OrderStreams({
    wanted: () => [...wanted],
    open: async (id, handlers) => {
      if (failOpens > 0) {
        failOpens--;
        throw new Error('connect ECONNREFUSED token=secret-token');
      }
      const socket: FakeOrderSocket = { id, stamp: stamps.get(id) ?? null, handlers, closed: false };
      sockets.push(socket);
      return { close: () => (socket.closed = true) };
    },
    sessionStamp: (id) => stamps.get(id) ?? null,
    apply: (id, update) => {
      applied.push({ id, update });
      return true;
    },
    scrub: (_id, text) => text.replaceAll('secret-token', '[redacted]'),
    scheduler,
    random: () => 0.5,
    log: quiet,
    backoff: { baseMs: 1_000, capMs: 8_000 },
  });
  const live = (id: string) => sockets.filter((s) => s.id === id && !s.closed);
  return { scheduler, sockets, wanted, stamps, applied, streams, live, failNext: (n: number) => (failOpens = n) };
}

describe('OrderStreams: one order socket per connection that needs one', () => {
  it('opens what is wanted, applies pushed updates (messages scrubbed), closes what is no longer wanted', async () => {
    const { streams, wanted, live, applied, scheduler } = setup();
    wanted.add('c1');
    streams.sync();
    await scheduler.settle();
    expect(live('c1')).toHaveLength(1);
    live('c1')[0]!.handlers.onStatus({ state: 'open' });
    expect(streams.state('c1')).toBe('open');
    live('c1')[0]!.handlers.onOrder({ brokerOrderId: 'b1', state: 'REJECTED', message: 'bad token=secret-token', ts: 1 });
    expect(applied).toEqual([{ id: 'c1', update: { brokerOrderId: 'b1', state: 'REJECTED', message: 'bad token=[redacted]', ts: 1 } }]);
    streams.sync();
    expect(live('c1')).toHaveLength(1);
    wanted.delete('c1');
    streams.sync();
    expect(live('c1')).toHaveLength(0);
    expect(streams.state('c1')).toBeNull();
    expect(scheduler.pending).toBe(0);
  });

  it('reconnects a dropped socket with backoff; callbacks of the old socket are ignored', async () => {
    const { streams, wanted, sockets, live, applied, scheduler } = setup();
    wanted.add('c1');
    streams.sync();
    await scheduler.settle();
    const first = sockets[0]!;
    first.handlers.onStatus({ state: 'closed', reason: 'dropped' });
    expect(streams.state('c1')).toBe('retrying');
    expect(first.closed).toBe(true);
    first.handlers.onOrder({ brokerOrderId: 'late', state: 'FILLED', ts: 1 });
    expect(applied).toEqual([]);
    await scheduler.advance(499);
    expect(live('c1')).toHaveLength(0);
    await scheduler.advance(1);
    expect(live('c1')).toHaveLength(1);
    expect(streams.counters.drops).toBe(1);
  });

  it('a failed open retries on the backoff; a changed session reopens at once with the new one', async () => {
    const { streams, wanted, stamps, live, scheduler, failNext, sockets } = setup();
    failNext(2);
    stamps.set('c1', 'day-1');
    wanted.add('c1');
    streams.sync();
    await scheduler.settle();
    expect(live('c1')).toHaveLength(0);
    await scheduler.advance(500);
    await scheduler.advance(1_000);
    expect(live('c1')).toHaveLength(1);
    stamps.set('c1', 'day-2');
    streams.sync();
    expect(live('c1').map((s) => s.stamp)).toEqual(['day-2']);
    expect(sockets.filter((s) => s.closed).map((s) => s.stamp)).toEqual(['day-1']);
  });

  it('dispose closes everything and stops every timer', async () => {
    const { streams, wanted, live, scheduler } = setup();
    wanted.add('c1');
    wanted.add('c2');
    streams.sync();
    await scheduler.settle();
    live('c2')[0]!.handlers.onStatus({ state: 'closed', reason: 'auth' });
    streams.dispose();
    expect(live('c1')).toHaveLength(0);
    expect(scheduler.pending).toBe(0);
    streams.sync();
    expect(live('c1')).toHaveLength(0);
  });
});
