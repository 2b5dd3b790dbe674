import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src/shared/contract';
import { BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import { CASES, type BrokerCase, type TradeCase } from '../support/brokers-ipc/cases';
import { browserLogin, connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';

/**
 * Every broker that streams, through the IPC contract only, as the window sees it: connect, watch a symbol
 * (quotes:watch), and the simulator's prices arrive as pushed 'quotes:live' batches with the feed 'live'; go live,
 * place an order far from the market, and its state changes arrive as 'orders:changed' pushed by the broker's
 * order socket, with no refresh and no trading tick in between.
 */

type Traded = BrokerCase & { trade: TradeCase };
const adapterOf = (id: string) => BROKER_ADAPTERS.find((a) => a.descriptor.id === id)!;
const STREAMING = CASES.filter((c): c is Traded => c.trade !== undefined && Boolean(adapterOf(c.id).marketStream));
const PUSHING = new Set(STREAMING.filter((c) => adapterOf(c.id).orderStream).map((c) => c.id));

/** Step the app's manual timers (the 4 ms batch flush, backoffs) while real sockets deliver, until `check` passes. */
async function until(w: World, check: () => void, budgetMs = 10_000, stepMs = 5): Promise<void> {
  for (let spent = 0; spent < budgetMs; spent += 50) {
    await w.scheduler.advance(stepMs);
    try {
      check();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  check();
}

const liveQuotes = (w: World, symbol: string) =>
  w.g.events.filter((e) => e.event === 'quotes:live').flatMap((e) => (e.payload as EventPayload<'quotes:live'>).quotes.filter((q) => q.symbol === symbol));

function farBelow(last: number, tick: number): number {
  return Number((Math.round((last * 0.5) / tick) * tick).toFixed(8));
}

describe.each(STREAMING.map((c) => [c.id, c] as const))('streaming journey: %s', (_id, c) => {
  it('watched quotes stream into the window, and order states arrive without a refresh', async () => {
    const w = await makeWorld();
    const sim = await c.start(w.clock);
    // Background work as in the app: health checks, order sockets, the 15 s trading tick (which these steps never reach).
    await w.run(w.g.services.start());
    try {
      const { view } = await connect(w, c, sim);
      expect(view.status).toBe('valid');
      nextWindow(w);

      const symbol = c.trade.symbol;
      // A symbol of another market: no connection can stream it, so the window polls it and says why.
      const elsewhere = isIndian(symbol) ? 'US:NOSTREAM' : 'NSE:NOSTREAM';
      const watched = await w.g.ok('quotes:watch', { symbols: [symbol, elsewhere] });
      expect(watched.symbols).toEqual([
        // Routed to the stream; polled until the socket's first tick.
        { symbol, connectionId: view.id, source: 'poll', note: null },
        { symbol: elsewhere, connectionId: null, source: 'poll', note: expect.stringContaining('No connected broker streams') },
      ]);
      await until(w, () => expect(liveQuotes(w, symbol).length).toBeGreaterThan(0));
      const quote = liveQuotes(w, symbol)[0]!;
      expect(quote.last).toBeGreaterThan(0);
      expect(await w.g.ok('feeds:list', {})).toEqual([{ connectionId: view.id, status: 'live' }]);
      expect(w.g.events.some((e) => e.event === 'feeds:changed' && (e.payload as EventPayload<'feeds:changed'>).status === 'live')).toBe(true);

      // Nothing in a pushed batch is more than the symbol's price: no token, no raw frame.
      const pushed = JSON.stringify(w.g.events.filter((e) => e.event === 'quotes:live'));
      for (const value of Object.values(sim.fields)) if (value.length >= 8) expect(pushed).not.toContain(value);

      if (!PUSHING.has(c.id)) return;
      const request = await w.g.ok('mode:requestLive', { connectionId: view.id });
      await w.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase });
      nextWindow(w);
      const limit = farBelow(quote.last, c.trade.tick);
      const placed = await w.g.ok('orders:place', {
        ticketId: '7c0e7c1a-9d3f-4e2b-8a6c-000000000001',
        symbol,
        side: 'BUY',
        quantity: c.trade.quantity,
        type: 'LIMIT',
        limitPrice: limit,
        ...(c.trade.product ? { product: c.trade.product } : {}),
      });
      if (placed.status !== 'placed') throw new Error(`${c.id}: ${JSON.stringify(placed)}`);
      const orderId = placed.order.id;
      const before = w.g.events.length;
      // Cancel at the broker behind the app's back (as the trader would in the broker's own app): only the push can tell.
      const brokerId = placed.order.brokerOrderId!;
      const toBrokerId = c.trade.brokerOrderId ?? ((id: string) => id);
      const simOrder = sim.exchange!.list().find((o) => toBrokerId(o.id) === brokerId)!;
      sim.exchange!.cancel(simOrder.id);
      await until(w, () =>
        expect(
          w.g.events.slice(before).some((e) => {
            const order = e.event === 'orders:changed' ? (e.payload as EventPayload<'orders:changed'>).order : null;
            return order?.id === orderId && order.state === 'CANCELLED';
          }),
        ).toBe(true),
      );
    } finally {
      w.g.services.close();
      await sim.close();
    }
  });
});

function isIndian(symbol: string): boolean {
  return /^(NSE|BSE|NFO|BFO|MCX):/.test(symbol);
}

it('runs for at least the brokers that stream today', () => {
  expect(STREAMING.map((c) => c.id)).toContain('alpaca');
});

describe('streaming journey: the session changes under an open stream', () => {
  it('a new sign-in (the next day’s token) reopens the market socket with the new session, with no action in the window', async () => {
    const c = CASES.find((k) => k.id === 'zerodha')!;
    const w = await makeWorld();
    const sim = await c.start(w.clock);
    await w.run(w.g.services.start());
    try {
      const { view } = await connect(w, c, sim);
      nextWindow(w);
      await w.g.ok('quotes:watch', { symbols: ['NSE:INFY'] });
      await until(w, () => expect(liveQuotes(w, 'NSE:INFY').length).toBeGreaterThan(0));
      const drops = w.g.services.market.streams.counters(view.id)!.drops;

      // The trader signs in again (as after the 06:00 rollover): the stored token changes, and so does the stamp.
      nextWindow(w);
      await browserLogin(w, sim, view.id);
      await until(w, () => expect(w.g.services.market.streams.counters(view.id)!.drops).toBe(drops + 1));
      const seen = liveQuotes(w, 'NSE:INFY').length;
      await until(w, () => expect(liveQuotes(w, 'NSE:INFY').length).toBeGreaterThan(seen));
      expect(w.g.services.market.streams.status(view.id)).toBe('live');

      // A session stored while the broker keeps the old socket open (e.g. a token refreshed ahead of expiry): the
      // stamp moves and the socket is replaced at once, before the broker could cut it.
      const before = w.g.services.market.streams.counters(view.id)!.drops;
      const session = Object.fromEntries(Object.entries(w.g.services.connections.credentials(view.id)).filter(([k]) => k === 'access_token'));
      await w.g.services.connections.storeSession(view.id, session, null, { reason: 'test' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(w.g.services.market.streams.counters(view.id)!.drops).toBe(before + 1);
      const again = liveQuotes(w, 'NSE:INFY').length;
      await until(w, () => expect(liveQuotes(w, 'NSE:INFY').length).toBeGreaterThan(again));
    } finally {
      w.g.services.close();
      await sim.close();
    }
  });
});

describe('streaming journey: paper positions follow the feed', () => {
  it('a paper position priced by a streaming connection tells the window to read positions again, at most once a second', async () => {
    const c = CASES.find((k) => k.id === 'alpaca')!;
    const w = await makeWorld();
    const sim = await c.start(w.clock);
    await w.run(w.g.services.start());
    try {
      await connect(w, c, sim);
      nextWindow(w);
      const placed = await w.g.ok('orders:place', {
        ticketId: '7c0e7c1a-9d3f-4e2b-8a6c-000000000009',
        symbol: 'US:AAPL',
        side: 'BUY',
        quantity: 2,
        type: 'MARKET',
      });
      expect(placed.status).toBe('placed');
      const account = await w.g.ok('paper:account', {});
      expect(account.positionSources).toEqual([expect.objectContaining({ symbol: 'US:AAPL', simulated: false })]);
      const repriced = () => w.g.events.filter((e) => e.event === 'positions:changed').length;
      await until(w, () => expect(repriced()).toBeGreaterThan(0), 10_000, 100);
      // Many ticks, few reads: at most one event per simulated second.
      const before = repriced();
      const start = w.clock.now();
      await until(w, () => expect(repriced()).toBeGreaterThan(before + 1), 10_000, 100);
      expect(repriced() - before).toBeLessThanOrEqual(Math.ceil((w.clock.now() - start) / 1_000) + 1);
    } finally {
      w.g.services.close();
      await sim.close();
    }
  });
});
