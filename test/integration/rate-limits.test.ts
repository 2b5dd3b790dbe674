import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerId } from '../../src/shared/brokers';
import type { CallOptions } from '../../src/main/services/brokers';
import { CASES, type BrokerCase, type RunningSim } from '../support/brokers-ipc/cases';
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

  /** Every traded broker's burst at once, on the world's quiet time: each broker's refusals, as "CODE: message". */
  async function refusalsOf(burst: (c: BrokerCase, id: string) => Promise<Promise<unknown>[]>): Promise<{ broker: BrokerId; failures: string[] }[]> {
    const outcomes = await w.run(
      Promise.all(
        TRADED.map(async (c) => {
          const settled = await Promise.allSettled(await burst(c, ids.get(c.id)!));
          const failures = settled.flatMap((s) => (s.status === 'rejected' ? [`${(s.reason as { code?: string }).code}: ${(s.reason as Error).message}`] : []));
          return { broker: c.id, failures };
        }),
      ),
    );
    return outcomes.filter((o) => o.failures.length > 0);
  }

  const symbols = { needsInstruments: true };

  /** A buy limit 10 % below the market, so it rests (the weekend clock makes some brokers question market orders). */
  async function restingBuy(c: BrokerCase, id: string, options: CallOptions): Promise<(clientOrderId: string) => Promise<unknown>> {
    const brokers = w.g.services.brokerCalls;
    const trade = c.trade!;
    const [quote] = await brokers.call(id, (a, ctx) => a.quotes(ctx, [trade.symbol]), symbols);
    const limitPrice = Number((Math.round((quote!.last * 0.9) / trade.tick) * trade.tick).toFixed(2));
    return (clientOrderId) =>
      brokers.call(
        id,
        (a, ctx) =>
          a.placeOrder(ctx, { symbol: trade.symbol, side: 'BUY', quantity: trade.quantity, type: 'LIMIT', limitPrice, product: trade.product, clientOrderId }),
        options,
      );
  }

  /** The reads a busy trading screen makes at once, `BURST` times over. */
  const reads = (c: BrokerCase, id: string, calls: ('validate' | 'funds' | 'orders' | 'positions' | 'quotes')[]) => {
    const brokers = w.g.services.brokerCalls;
    const one = {
      validate: () => brokers.call(id, (a, ctx) => a.validate(ctx)),
      funds: () => brokers.call(id, (a, ctx) => a.funds(ctx)),
      orders: () => brokers.call(id, (a, ctx) => a.orders(ctx), symbols),
      positions: () => brokers.call(id, (a, ctx) => a.positions(ctx), symbols),
      quotes: () => brokers.call(id, (a, ctx) => a.quotes(ctx, [c.trade!.symbol]), symbols),
    };
    return Array.from({ length: BURST }, () => calls.map((call) => one[call]())).flat();
  };

  it('a burst of every read on every broker at once gets no RATE_LIMITED answer', async () => {
    expect(await refusalsOf(async (c, id) => reads(c, id, ['validate', 'funds', 'orders', 'positions', 'quotes']))).toEqual([]);
  }, 60_000);

  it('orders in the urgent lane amid a burst of reads, on every broker at once: still no RATE_LIMITED answer', async () => {
    // Orders, and the price an order waits for, pass the reads still waiting (BrokerService.call's `urgent`).
    const urgent = { needsInstruments: true, urgent: true };
    const refused = await refusalsOf(async (c, id) => {
      const place = await restingBuy(c, id, urgent);
      const brokers = w.g.services.brokerCalls;
      const orders = Array.from({ length: 4 }, (_, i) => [
        brokers.call(id, (a, ctx) => a.quotes(ctx, [c.trade!.symbol]), urgent),
        place(`bv-lane${String(i).padStart(4, '0')}`),
      ]).flat();
      return [...reads(c, id, ['orders', 'positions', 'quotes']), ...orders];
    });
    expect(refused).toEqual([]);
  }, 60_000);

  it('a burst of orders on every broker at once is paced, not refused', async () => {
    const refused = await refusalsOf(async (c, id) => {
      const place = await restingBuy(c, id, symbols);
      return Array.from({ length: ORDER_BURST }, (_, i) => place(`bv-burst${String(i).padStart(4, '0')}`));
    });
    expect(refused).toEqual([]);
  }, 60_000);
});
