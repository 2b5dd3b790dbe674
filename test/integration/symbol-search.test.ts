import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BrokerId } from '../../src/shared/brokers';
import { BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import { CASES, type BrokerCase, type RunningSim } from '../support/brokers-ipc/cases';
import { connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';
import { RateLimiter } from '../../src/main/services/rate-limiter';

/**
 * The trading console's symbol search (instruments:search) for brokers without an instrument master:
 * IBKR, Tradier and tastytrade answer from the broker's live symbol search, through the IPC contract only.
 */

const LIVE = CASES.filter((c) => c.liveSearch);
const adapterOf = (id: BrokerId) => BROKER_ADAPTERS.find((a) => a.descriptor.id === id)!;

it('covers exactly the shipped brokers that have a live search and no master', () => {
  const live = BROKER_ADAPTERS.filter((a) => !a.fetchInstruments && a.searchSymbols)
    .map((a) => a.descriptor.id)
    .sort();
  expect(live).toEqual(['ibkr', 'tastytrade', 'tradier']);
  expect(LIVE.map((c) => c.id).sort()).toEqual(live);
  // Every shipped broker can be searched one way or the other.
  for (const a of BROKER_ADAPTERS) expect(Boolean(a.fetchInstruments || a.searchSymbols), a.descriptor.id).toBe(true);
});

describe('instruments:search for brokers without an instrument master', () => {
  let w: World;
  const sims = new Map<BrokerId, RunningSim>();
  const ids = new Map<BrokerId, string>();

  beforeAll(async () => {
    w = await makeWorld();
    for (const c of LIVE) sims.set(c.id, await c.start(w.clock));
    for (const c of LIVE) ids.set(c.id, (await connect(w, c, sims.get(c.id)!)).view.id);
  });
  afterAll(async () => {
    w.g.close();
    await Promise.all([...sims.values()].map((s) => s.close()));
  });

  const search = (c: BrokerCase, query: string) => w.g.ok('instruments:search', { connectionId: ids.get(c.id)!, query });

  it("returns the broker's matches with name and exchange, no master day, not stale", async () => {
    nextWindow(w);
    for (const c of LIVE) {
      const found = await search(c, c.liveSearch!.query);
      expect(found, c.id).toMatchObject({ masterDay: null, stale: false, lastError: null });
      const hit = found.results.find((r) => r.symbol === c.liveSearch!.symbol);
      expect(hit, c.id).toEqual({ symbol: c.liveSearch!.symbol, name: expect.any(String), exchange: c.liveSearch!.exchange, lotSize: 1, tickSize: 0.01 });
      expect(hit!.name.length, c.id).toBeGreaterThan(0);
    }
  });

  it('finds the same US stock on all three brokers by ticker prefix', async () => {
    nextWindow(w);
    for (const c of LIVE) {
      const found = await search(c, 'MSF');
      expect(
        found.results.map((r) => r.symbol),
        c.id,
      ).toEqual(['US:MSFT']);
      expect(found.results[0]!.exchange, c.id).toBe('NASDAQ');
    }
  });

  it('accepts the common form and answers an unknown symbol with no results', async () => {
    nextWindow(w);
    for (const c of LIVE) {
      expect(
        (await search(c, 'US:AAPL')).results.map((r) => r.symbol),
        c.id,
      ).toContain('US:AAPL');
      expect(await search(c, 'ZZZQX'), c.id).toEqual({ results: [], masterDay: null, stale: false, lastError: null });
    }
  });

  it("sends every search request through the connection's rate gate, under the broker's own limits", async () => {
    nextWindow(w);
    const gated: { key: string; path: string }[] = [];
    const gateFor = RateLimiter.prototype.gateFor;
    const spy = vi.spyOn(RateLimiter.prototype, 'gateFor').mockImplementation(function (this: RateLimiter, key, limits, urgent) {
      const gate = gateFor.call(this, key, limits, urgent);
      return async (request) => {
        gated.push({ key, path: request.path });
        await gate(request);
      };
    });
    try {
      for (const c of LIVE) {
        gated.length = 0;
        await search(c, c.liveSearch!.query);
        expect(gated.length, c.id).toBeGreaterThan(0);
        // One budget key per broker account: every request of one search counts against the same budgets.
        expect(new Set(gated.map((g) => g.key)).size, c.id).toBe(1);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('reports an expired session as an error, without touching an instrument master', async () => {
    nextWindow(w);
    for (const c of LIVE) expect(adapterOf(c.id).fetchInstruments, c.id).toBeUndefined();
    const tradier = LIVE.find((c) => c.id === 'tradier')!;
    sims.get('tradier')!.expireSessions!();
    const result = await w.g.call('instruments:search', { connectionId: ids.get('tradier')!, query: tradier.liveSearch!.query });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('TOKEN_EXPIRED');
  });
});
