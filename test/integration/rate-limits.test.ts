import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerId } from '../../src/shared/brokers';
import { CASES, type RunningSim } from '../support/brokers-ipc/cases';
import { connect, makeWorld, type World } from '../support/brokers-ipc/journey';

/**
 * The app keeps every broker's documented per-endpoint limits on its own: a burst of the calls a busy
 * trading screen makes at once (validate, funds, order book, positions, quotes) reaches each simulator,
 * which enforces the broker's real limits, without a single 429. The app's rate limiter (as the app builds
 * it) and the simulators' windows run on one manual clock, which moves only while no request is on its way:
 * each request reaches its simulator at the instant the limiter let it go, so the outcome does not depend on
 * how busy the machine is, and a budget looser than the broker's gets a 429 (see World.run).
 */

const BURST = 3;
/** More than the Indian brokers' 10 orders per second. */
const ORDER_BURST = 12;
const TRADED = CASES.filter((c) => c.trade);

describe("client-side rate limits against the brokers' own", () => {
  let w: World;
  const sims = new Map<BrokerId, RunningSim>();
  const ids = new Map<BrokerId, string>();

  beforeAll(async () => {
    w = await makeWorld();
    for (const c of TRADED) {
      const sim = await c.start(w.clock);
      sim.enforceRateLimits?.();
      sims.set(c.id, sim);
      const id = (await connect(w, c, sim)).view.id;
      ids.set(c.id, id);
      // The instrument master, downloaded before the bursts that need it.
      await w.run(w.g.services.brokerCalls.call(id, async () => undefined, { needsInstruments: true }));
    }
  }, 60_000);
  afterAll(async () => {
    w?.g.close();
    await Promise.all([...sims.values()].map((s) => s.close()));
  });

  it('a burst of every read on every broker at once gets no RATE_LIMITED answer', async () => {
    const brokers = w.g.services.brokerCalls;
    const bursts = Promise.all(
      TRADED.map(async (c) => {
        const id = ids.get(c.id)!;
        const symbols = { needsInstruments: true };
        const calls = Array.from({ length: BURST }, () => [
          brokers.call(id, (a, ctx) => a.validate(ctx)),
          brokers.call(id, (a, ctx) => a.funds(ctx)),
          brokers.call(id, (a, ctx) => a.orders(ctx), symbols),
          brokers.call(id, (a, ctx) => a.positions(ctx), symbols),
          brokers.call(id, (a, ctx) => a.quotes(ctx, [c.trade!.symbol]), symbols),
        ]).flat();
        const settled = await Promise.allSettled(calls);
        return {
          broker: c.id,
          failures: settled.flatMap((s) => (s.status === 'rejected' ? [`${(s.reason as { code?: string }).code}: ${(s.reason as Error).message}`] : [])),
        };
      }),
    );
    const outcomes = await w.run(bursts);
    expect(outcomes.filter((o) => o.failures.length)).toEqual([]);
  }, 60_000);

  it('orders in the urgent lane amid a burst of reads, on every broker at once: still no RATE_LIMITED answer', async () => {
    const brokers = w.g.services.brokerCalls;
    const bursts = Promise.all(
      TRADED.map(async (c) => {
        const id = ids.get(c.id)!;
        const trade = c.trade!;
        const symbols = { needsInstruments: true };
        const [quote] = await brokers.call(id, (a, ctx) => a.quotes(ctx, [trade.symbol]), symbols);
        const limitPrice = Number((Math.round((quote!.last * 0.9) / trade.tick) * trade.tick).toFixed(2));
        const reads = Array.from({ length: BURST }, () => [
          brokers.call(id, (a, ctx) => a.orders(ctx), symbols),
          brokers.call(id, (a, ctx) => a.positions(ctx), symbols),
          brokers.call(id, (a, ctx) => a.quotes(ctx, [trade.symbol]), symbols),
        ]).flat();
        // Orders, and the price an order waits for, pass the reads still waiting (BrokerService.call's `urgent`).
        const urgent = { needsInstruments: true, urgent: true };
        const orders = Array.from({ length: 4 }, (_, i) => [
          brokers.call(id, (a, ctx) => a.quotes(ctx, [trade.symbol]), urgent),
          brokers.call(
            id,
            (a, ctx) =>
              a.placeOrder(ctx, {
                symbol: trade.symbol,
                side: 'BUY',
                quantity: trade.quantity,
                type: 'LIMIT',
                limitPrice,
                product: trade.product,
                clientOrderId: `bv-lane${String(i).padStart(4, '0')}`,
              }),
            urgent,
          ),
        ]).flat();
        const settled = await Promise.allSettled([...reads, ...orders]);
        return {
          broker: c.id,
          failures: settled.flatMap((s) => (s.status === 'rejected' ? [`${(s.reason as { code?: string }).code}: ${(s.reason as Error).message}`] : [])),
        };
      }),
    );
    const outcomes = await w.run(bursts);
    expect(outcomes.filter((o) => o.failures.length)).toEqual([]);
  }, 60_000);

  it('a burst of orders on every broker at once is paced, not refused', async () => {
    const brokers = w.g.services.brokerCalls;
    const bursts = Promise.all(
      TRADED.map(async (c) => {
        const id = ids.get(c.id)!;
        const trade = c.trade!;
        // Resting limit orders below the market: the weekend clock makes some brokers question market orders.
        const [quote] = await brokers.call(id, (a, ctx) => a.quotes(ctx, [trade.symbol]), { needsInstruments: true });
        const limitPrice = Math.round((quote!.last * 0.9) / trade.tick) * trade.tick;
        const orders = Array.from({ length: ORDER_BURST }, (_, i) =>
          brokers.call(
            id,
            (a, ctx) =>
              a.placeOrder(ctx, {
                symbol: trade.symbol,
                side: 'BUY',
                quantity: trade.quantity,
                type: 'LIMIT',
                limitPrice: Number(limitPrice.toFixed(2)),
                product: trade.product,
                clientOrderId: `bv-burst${String(i).padStart(4, '0')}`,
              }),
            { needsInstruments: true },
          ),
        );
        const settled = await Promise.allSettled(orders);
        return {
          broker: c.id,
          failures: settled.flatMap((s) => (s.status === 'rejected' ? [`${(s.reason as { code?: string }).code}: ${(s.reason as Error).message}`] : [])),
        };
      }),
    );
    const outcomes = await w.run(bursts);
    expect(outcomes.filter((o) => o.failures.length)).toEqual([]);
  }, 60_000);
});
