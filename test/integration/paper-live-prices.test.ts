import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionView } from '../../src/shared/schemas';
import type { Logger } from '../../src/main/log/types';
import { AppSettings } from '../../src/main/store/app-settings';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import { createTrading } from '../../src/main/trading';
import { connectionOrigin, type PaperOrder } from '../../src/main/trading/paper';
import { PaperDesk } from '../../src/main/trading/paper-desk';
import type { PaperStreaming } from '../../src/main/trading/paper-streaming';
import { priceAt } from '../simulators/exchange';
import { FakeStreamSource } from '../support/fake-stream';
import { connectSim, makeTradingWorld, startSim, type TradingSim, type TradingWorld } from '../support/trading/world';

/**
 * Issue 12, paper on real prices: createTrading's paper desk on a valid connection's live feed (a SubscriptionManager
 * over fake sockets) and its REST quotes (the Alpaca simulator).
 */

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const round2 = (n: number) => Math.round(n * 100) / 100;

let w: TradingWorld;
let alpaca: TradingSim;
let conn: ConnectionView;
let source: FakeStreamSource;
let manager: SubscriptionManager;
let desk: PaperDesk;
let streaming: PaperStreaming;
const updates: PaperOrder[] = [];

beforeAll(async () => {
  w = await makeTradingWorld();
  alpaca = await startSim('alpaca', w.clock);
  conn = await connectSim(w, alpaca);
  const s = w.g.services;
  source = new FakeStreamSource();
  manager = new SubscriptionManager({ source, scheduler: w.scheduler, random: () => 0.5, logger: silent });
  // The trading core as the composition root builds it, given the manager as `streams`, on the graph's services.
  const trading = createTrading({
    db: s.db,
    settings: new AppSettings(s.db),
    connections: s.connections,
    brokerCalls: s.brokerCalls,
    audit: s.audit,
    clock: w.clock,
    log: silent,
    notifier: { notify: () => undefined },
    canDecrypt: () => true,
    scheduler: w.scheduler,
    checkIntervalMs: () => 60_000,
    streams: manager,
  });
  desk = trading.paper;
  streaming = trading.paperStreaming!;
  // Its own paper account in USD (the graph's own desk keeps its INR one).
  await desk.reset(100_000, 'USD');
  desk.onDidUpdateOrders((o) => updates.push(...o));
});
afterAll(async () => {
  manager.dispose();
  w.g.close();
  await alpaca.close();
});

/** Let the engine's queued tick evaluation run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

let n = 0;
const order = (o: { side: 'BUY' | 'SELL'; quantity: number; type: 'MARKET' | 'LIMIT'; limitPrice?: number }) =>
  desk.place({ clientOrderId: `live-${++n}`, symbol: 'US:AAPL', ...o });

describe('paper on a live feed', () => {
  let limit: number;

  it('a resting limit subscribes through the manager and fills on the tick that crosses it', async () => {
    expect(streaming.subscribed).toEqual([]);
    limit = round2(priceAt('AAPL', w.clock.now()) * 0.98);
    const ack = await order({ side: 'BUY', quantity: 3, type: 'LIMIT', limitPrice: limit });
    expect(ack.state).toBe('OPEN');
    expect(streaming.subscribed).toEqual([`${conn.id} US:AAPL`]);
    await w.scheduler.settle();
    expect(manager.status(conn.id)).toBe('live');
    expect(source.current.carried.get('US:AAPL')).toBe('ltp');

    source.current.tick('US:AAPL', round2(limit + 0.05), 1);
    await flush();
    expect(updates).toEqual([]);
    source.current.tick('US:AAPL', round2(limit - 0.1), 2);
    await flush();
    // No refresh timer ran: the tick itself filled it, at the limit, on the connection's feed.
    expect(updates).toMatchObject([{ brokerOrderId: ack.brokerOrderId, state: 'FILLED', averagePrice: limit, fillSource: connectionOrigin(conn.id) }]);
    // The held position keeps the symbol subscribed and is valued on the latest tick.
    expect(streaming.subscribed).toEqual([`${conn.id} US:AAPL`]);
    source.current.tick('US:AAPL', round2(limit + 1), 3);
    expect(await desk.account()).toMatchObject({
      unrealizedPnl: 3,
      pricesSimulated: false,
      positionSources: [{ symbol: 'US:AAPL', simulated: false, label: conn.label, priced: true }],
    });
  });

  it('a disconnected feed leaves the position unpriced, never at simulated prices, and a reconnect prices it again', async () => {
    await w.g.ok('connections:deactivate', { id: conn.id });
    expect(streaming.subscribed).toEqual([]);
    expect(source.live).toEqual([]); // the manager closed the socket nobody needs
    expect(await desk.account()).toMatchObject({
      unrealizedPnl: 0,
      equity: 100_000,
      pricesSimulated: false,
      positionSources: [{ symbol: 'US:AAPL', simulated: false, label: conn.label, priced: false }],
    });
    expect((await desk.positions())[0]).toMatchObject({ symbol: 'US:AAPL', lastPrice: null, unrealizedPnl: null });

    await w.g.ok('connections:activate', { id: conn.id });
    expect(streaming.subscribed).toEqual([`${conn.id} US:AAPL`]);
    // Priced on its own connection again: by REST until the new socket delivers, then by its ticks.
    const polled = priceAt('AAPL', w.clock.now());
    expect((await desk.account()).unrealizedPnl).toBe(round2(3 * (polled - limit)));
    await w.scheduler.settle();
    source.current.tick('US:AAPL', round2(limit + 2), 4);
    expect((await desk.account()).unrealizedPnl).toBe(6);
  });

  it('after a dropped socket, the last tick from before the drop is not taken for a live price', async () => {
    const dropped = source.current;
    dropped.drop();
    const polled = () => round2(3 * (priceAt('AAPL', w.clock.now()) - limit));
    expect((await desk.account()).unrealizedPnl).toBe(polled());
    await w.scheduler.advance(1_000); // the manager reconnects (backoff under 500 ms)
    expect(source.current).not.toBe(dropped);
    expect(manager.status(conn.id)).toBe('live');
    // Live again, but nothing new has been streamed for AAPL yet: still polled, not the tick from before the drop.
    expect(manager.latest(conn.id, 'US:AAPL')?.ltp).toBe(round2(limit + 2));
    expect((await desk.account()).unrealizedPnl).toBe(polled());
    source.current.tick('US:AAPL', round2(limit + 2), 5);
    expect((await desk.account()).unrealizedPnl).toBe(6);
  });

  it('closing the position releases the subscription', async () => {
    const sold = await order({ side: 'SELL', quantity: 3, type: 'MARKET' });
    expect(sold.state).toBe('FILLED');
    expect(await desk.get({ brokerOrderId: sold.brokerOrderId })).toMatchObject({ averagePrice: round2(limit + 2), fillSource: connectionOrigin(conn.id) });
    expect((await desk.account()).realizedPnl).toBe(6);
    expect(streaming.subscribed).toEqual([]);
    expect(source.current.calls.at(-1)).toBe('unsub US:AAPL');
  });
});
