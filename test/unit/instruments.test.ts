import { afterEach, describe, expect, it } from 'vitest';
import { BrokerError, type Instrument } from '../../src/main/brokers/types';
import { fakeAdapter } from '../support/fake-broker';
import { makeGraph, type TestGraph } from '../support/graph';

let g: TestGraph;
afterEach(() => g?.close());

const DAY = 86_400_000;
const infy: Instrument = {
  symbol: 'NSE:INFY',
  exchange: 'NSE',
  brokerSymbol: 'INFY-EQ',
  token: '1594',
  name: 'INFOSYS LTD',
  lotSize: 1,
  tickSize: 0.05,
  segment: 'EQ',
};
const sbin: Instrument = { ...infy, symbol: 'NSE:SBIN', brokerSymbol: 'SBIN-EQ', token: '3045', name: 'STATE BANK OF INDIA' };

async function setup() {
  const adapter = fakeAdapter('angel-one', { region: 'IN', currency: 'INR' });
  const downloads: number[] = [];
  let next: () => Promise<Instrument[]> = async () => [infy, sbin];
  Object.assign(adapter, {
    fetchInstruments: async () => {
      downloads.push(g.clock.now());
      return next();
    },
  });
  g = await makeGraph({ brokers: [adapter] });
  const conn = await g.ok('connections:create', {
    broker: 'angel-one',
    label: 'A',
    environment: 'live',
    fields: { api_key: 'AKTESTKEY123456', api_secret: 'secret-value-0001' },
  });
  return { conn, downloads, fail: (error: Error) => (next = () => Promise.reject(error)), succeed: (list: Instrument[]) => (next = async () => list) };
}

describe('instrument masters', () => {
  it('downloads once per trading day, caches in SQLite and searches by symbol or name', async () => {
    const { conn, downloads } = await setup();
    const first = await g.ok('instruments:search', { connectionId: conn.id, query: 'sbi' });
    expect(first).toEqual({
      results: [{ symbol: 'NSE:SBIN', name: 'STATE BANK OF INDIA', exchange: 'NSE', lotSize: 1, tickSize: 0.05 }],
      masterDay: '2026-01-05',
      stale: false,
      lastError: null,
    });
    expect((await g.ok('instruments:search', { connectionId: conn.id, query: 'INFOSYS' })).results.map((r) => r.symbol)).toEqual(['NSE:INFY']);
    expect(downloads).toHaveLength(1);
    // The master survives a restart: no new download the same day.
    g = await g.reopen();
    await g.ok('instruments:search', { connectionId: conn.id, query: 'INF' });
    expect(downloads).toHaveLength(1);
  });

  it('a failed download keeps yesterday’s master and says so; it retries after ten minutes', async () => {
    const { conn, downloads, fail, succeed } = await setup();
    await g.ok('instruments:search', { connectionId: conn.id, query: 'INF' });
    g.clock.advance(DAY);
    fail(new BrokerError('NETWORK', 'Could not reach the scrip master host.'));
    const stale = await g.ok('instruments:search', { connectionId: conn.id, query: 'INF' });
    expect(stale).toMatchObject({ masterDay: '2026-01-05', stale: true, lastError: 'Could not reach the scrip master host.' });
    expect(stale.results.map((r) => r.symbol)).toEqual(['NSE:INFY']);
    await g.ok('instruments:search', { connectionId: conn.id, query: 'INF' });
    expect(downloads).toHaveLength(2);
    g.clock.advance(11 * 60_000);
    succeed([infy]);
    const fresh = await g.ok('instruments:search', { connectionId: conn.id, query: 'S' });
    expect(fresh).toMatchObject({ masterDay: '2026-01-06', stale: false, lastError: null });
    expect(fresh.results.map((r) => r.symbol)).toEqual(['NSE:INFY']);
    expect(downloads).toHaveLength(3);
  });

  it('with no earlier copy, a failed download is an error the trader can act on', async () => {
    const { conn, fail } = await setup();
    fail(new BrokerError('NETWORK', 'Could not reach the scrip master host.'));
    const result = await g.call('instruments:search', { connectionId: conn.id, query: 'INF' });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'NETWORK', message: expect.stringMatching(/instrument list could not be downloaded.*no earlier copy/) },
    });
  });

  it('an empty download never replaces a good master', async () => {
    const { conn, succeed } = await setup();
    await g.ok('instruments:search', { connectionId: conn.id, query: 'INF' });
    g.clock.advance(DAY);
    succeed([]);
    const result = await g.ok('instruments:search', { connectionId: conn.id, query: 'INF' });
    expect(result).toMatchObject({ masterDay: '2026-01-05', stale: true });
    expect(result.results).toHaveLength(1);
  });

  it('names the copy of the master a mapping reads, new only when a new list is stored', async () => {
    const { conn, downloads, fail, succeed } = await setup();
    const brokers = g.services.brokerCalls;
    const first = await brokers.instrumentMaster(conn.id);
    expect(first.master.find('NSE:SBIN')?.brokerSymbol).toBe('SBIN-EQ');
    expect((await brokers.instrumentMaster(conn.id)).copy).toBe(first.copy);
    // The next day's download fails: yesterday's copy, under the same number.
    g.clock.advance(DAY);
    fail(new BrokerError('NETWORK', 'Could not reach the scrip master host.'));
    expect((await brokers.instrumentMaster(conn.id)).copy).toBe(first.copy);
    g.clock.advance(11 * 60_000);
    succeed([infy]);
    const next = await brokers.instrumentMaster(conn.id);
    expect(next.copy).not.toBe(first.copy);
    expect(next.master.find('NSE:SBIN')).toBeNull();
    expect(downloads).toHaveLength(3);
  });
});
