import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BrokerId } from '../../src/shared/brokers';
import { BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import { CASES, type BrokerCase, type RunningSim } from '../support/brokers-ipc/cases';
import { connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';

/**
 * The trading console's symbol search (instruments:search) for brokers without an instrument master:
 * IBKR, Tradier and tastytrade answer from the broker's live symbol search, through the IPC contract only.
 */

const LIVE = CASES.filter((c) => c.liveSearch);
const adapterOf = (id: BrokerId) => BROKER_ADAPTERS.find((a) => a.descriptor.id === id)!;

it('covers exactly the shipped brokers that have a live search and no master', () => {
  const live = BROKER_ADAPTERS.filter((a) => !a.fetchInstruments && a.searchSymbols).map((a) => a.descriptor.id).sort();
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

  it('returns the broker\'s matches with name and exchange, no master day, not stale', async () => {
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
      expect(found.results.map((r) => r.symbol), c.id).toEqual(['US:MSFT']);
      expect(found.results[0]!.exchange, c.id).toBe('NASDAQ');
    }
  });

  it('accepts the common form and answers an unknown symbol with no results', async () => {
    nextWindow(w);
    for (const c of LIVE) {
      expect((await search(c, 'US:AAPL')).results.map((r) => r.symbol), c.id).toContain('US:AAPL');
      expect(await search(c, 'ZZZQX'), c.id).toEqual({ results: [], masterDay: null, stale: false, lastError: null });
    }
  });

  it('calls the broker under the connection\'s reads rate limit', async () => {
    nextWindow(w);
    const call = vi.spyOn(w.g.services.brokerCalls, 'call');
    try {
      for (const c of LIVE) {
        await search(c, c.liveSearch!.query);
        expect(call, c.id).toHaveBeenLastCalledWith(ids.get(c.id), 'reads', expect.any(Function));
      }
      expect(call).toHaveBeenCalledTimes(LIVE.length);
    } finally {
      call.mockRestore();
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
