import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { priceAt } from '../simulators/exchange';
import { alpacaStreamRig, type AlpacaStreamRig } from '../support/alpaca-stream';
import { arrives, recordingConsumer } from '../support/stream-steps';

const C = 'alpaca-paper';
let rig: AlpacaStreamRig;

beforeEach(async () => {
  rig = await alpacaStreamRig();
});

afterEach(async () => {
  await rig.close();
});

describe('SubscriptionManager with the Alpaca adapter against the simulator', () => {
  it('shares one socket between consumers at the strongest mode, and downgrades and drops on release', async () => {
    const manager = rig.manager();
    const panel = recordingConsumer('panel');
    const paper = recordingConsumer('paper');
    manager.subscribe(C, panel, ['US:AAPL'], 'ltp');
    manager.subscribe(C, paper, ['US:AAPL', 'US:MSFT'], 'quote');
    await arrives(() => expect(manager.status(C)).toBe('live'));
    expect(rig.sim.dataStream.connectionCount).toBe(1);

    await rig.tickUntil(1_000, () => expect(paper.ticks.filter((t) => t.bid !== undefined).map((t) => t.symbol)).toEqual(['US:AAPL', 'US:MSFT']));
    const at = rig.clock.now();
    expect(manager.latest(C, 'US:AAPL')).toMatchObject({ ltp: priceAt('AAPL', at), ts: at, bid: expect.any(Number), ask: expect.any(Number) });
    expect(panel.ticks.every((t) => t.symbol === 'US:AAPL')).toBe(true);

    // Paper lets go: AAPL falls back to the panel's ltp mode (trades only), MSFT leaves the socket.
    manager.release(C, 'paper');
    panel.ticks.length = 0;
    await rig.tickUntil(1_000, () => expect(panel.ticks).toHaveLength(1));
    await rig.tickUntil(1_000, () => expect(panel.ticks).toHaveLength(2));
    expect(panel.ticks.map((t) => [t.symbol, t.bid])).toEqual([
      ['US:AAPL', undefined],
      ['US:AAPL', undefined],
    ]);

    // The last holder lets go: the socket closes.
    manager.release(C, 'panel');
    expect(manager.status(C)).toBeNull();
    await arrives(() => expect(rig.sim.dataStream.connectionCount).toBe(0));
  });

  it('skips symbols the stock feed cannot carry instead of failing the socket', async () => {
    const manager = rig.manager();
    const panel = recordingConsumer('panel');
    manager.subscribe(C, panel, ['NSE:INFY', 'CRYPTO:BTCUSD', 'US:AAPL'], 'ltp');
    await arrives(() => expect(manager.status(C)).toBe('live'));
    await rig.tickUntil(1_000, () => expect(panel.ticks.map((t) => t.symbol)).toEqual(['US:AAPL']));
    expect(manager.counters(C)).toMatchObject({ drops: 0, adapterErrors: 0 });
    expect(rig.sim.dataStream.connectionCount).toBe(1);
  });

  it('refuses more symbols than Alpaca’s declared limit with a plain message, subscribing nothing', async () => {
    const manager = rig.manager();
    const many = Array.from({ length: 31 }, (_, i) => `US:S${i}`);
    expect(() => manager.subscribe(C, recordingConsumer('panel'), many, 'ltp')).toThrow(/30/);
    expect(manager.status(C)).toBeNull();
    await rig.scheduler.advance(1_000);
    expect(rig.sim.dataStream.connectionCount).toBe(0);
  });

  it('after repeated drops and a session change it comes back live with every symbol', async () => {
    const manager = rig.manager();
    const panel = recordingConsumer('panel');
    manager.subscribe(C, panel, ['US:SPY'], 'quote');
    await arrives(() => expect(manager.status(C)).toBe('live'));
    for (let drop = 1; drop <= 3; drop++) {
      rig.sim.dataStream.dropAll();
      await arrives(() => expect(manager.status(C)).toBe('reconnecting'));
      // The reconnect waits its backoff on the scheduler; step it until the socket is back.
      await rig.stepUntil(8_000, () => expect(manager.status(C)).toBe('live'));
      panel.ticks.length = 0;
      await rig.tickUntil(1_000, () => expect(panel.ticks.some((t) => t.symbol === 'US:SPY' && t.bid !== undefined)).toBe(true));
    }
    // A re-login reopens the socket; Alpaca allows one per key, so the new one may meet the old one (406) and retry.
    manager.sessionChanged(C);
    await rig.stepUntil(20_000, () => expect(manager.status(C)).toBe('live'));
    await arrives(() => expect(rig.sim.dataStream.connectionCount).toBe(1));
    panel.ticks.length = 0;
    await rig.tickUntil(1_000, () => expect(panel.ticks.some((t) => t.symbol === 'US:SPY')).toBe(true));
    expect(manager.counters(C)).toMatchObject({ adapterErrors: 0, consumerErrors: 0 });
  });
});
