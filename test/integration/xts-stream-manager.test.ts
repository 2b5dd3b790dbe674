import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adapter } from '../../src/main/brokers/xts-5paisa/adapter';
import { recordingConsumer } from '../support/stream-steps';
import { xtsStreamRig, type XtsStreamRig } from '../support/xts-stream';
import { arrives } from '../support/stream-steps';

const C = 'xts-5paisa-1';
let rig: XtsStreamRig;

beforeEach(async () => {
  rig = await xtsStreamRig(adapter);
});

afterEach(async () => {
  await rig.close();
});

describe('SubscriptionManager with an XTS adapter against the simulator', () => {
  it('shares one socket between consumers at the strongest mode, and downgrades and drops on release', async () => {
    const token = rig.session.marketDataToken!;
    const manager = rig.manager();
    const panel = recordingConsumer('panel');
    const paper = recordingConsumer('paper');
    manager.subscribe(C, panel, ['NSE:INFY'], 'ltp');
    manager.subscribe(C, paper, ['NSE:INFY', 'NSE:TCS'], 'full');
    await arrives(() => expect(manager.status(C)).toBe('live'));
    expect(rig.sim.dataStream.connectionCount).toBe(1);
    await arrives(() => expect(rig.sim.dataStream.subscribedCodes(token, '1_1594')).toEqual([1502]));
    await rig.tickUntil(1_000, () =>
      expect(new Set(paper.ticks.filter((t) => t.bid !== undefined).map((t) => t.symbol))).toEqual(new Set(['NSE:INFY', 'NSE:TCS'])),
    );

    // Paper lets go: INFY falls back to the panel's ltp (1512), TCS leaves the session.
    manager.release(C, 'paper');
    await arrives(() => expect(rig.sim.dataStream.subscribedCodes(token, '1_1594')).toEqual([1512]));
    await arrives(() => expect(rig.sim.dataStream.subscribedCount(token)).toBe(1));
    panel.ticks.length = 0;
    await rig.tickUntil(1_000, () => expect(panel.ticks).toHaveLength(1));
    expect(panel.ticks[0]).toEqual({ symbol: 'NSE:INFY', ltp: expect.any(Number), ts: rig.clock.now() });

    manager.release(C, 'panel');
    expect(manager.status(C)).toBeNull();
    await arrives(() => expect(rig.sim.dataStream.connectionCount).toBe(0));
  });

  it('skips symbols the instrument master does not know instead of failing the socket', async () => {
    const manager = rig.manager();
    const panel = recordingConsumer('panel');
    manager.subscribe(C, panel, ['NSE:NOSUCH', 'US:AAPL', 'NSE:SBIN'], 'ltp');
    await arrives(() => expect(manager.status(C)).toBe('live'));
    await rig.tickUntil(1_000, () => expect(panel.ticks.some((t) => t.symbol === 'NSE:SBIN')).toBe(true));
    expect(new Set(panel.ticks.map((t) => t.symbol))).toEqual(new Set(['NSE:SBIN']));
    expect(manager.counters(C)).toMatchObject({ drops: 0, adapterErrors: 0 });
  });

  it('after repeated drops (a bounded soak) it comes back live with every symbol each time', async () => {
    const manager = rig.manager();
    const panel = recordingConsumer('panel');
    manager.subscribe(C, panel, ['NSE:RELIANCE', 'MCX:CRUDEOIL26JANFUT'], 'quote');
    await arrives(() => expect(manager.status(C)).toBe('live'));
    for (let drop = 1; drop <= 5; drop++) {
      rig.sim.dataStream.dropAll();
      await arrives(() => expect(manager.status(C)).toBe('reconnecting'));
      await rig.stepUntil(8_000, () => expect(manager.status(C)).toBe('live'));
      panel.ticks.length = 0;
      await rig.tickUntil(1_000, () =>
        expect(new Set(panel.ticks.filter((t) => t.bid !== undefined).map((t) => t.symbol))).toEqual(new Set(['NSE:RELIANCE', 'MCX:CRUDEOIL26JANFUT'])),
      );
      expect(rig.sim.dataStream.connectionCount).toBe(1);
    }
    expect(manager.counters(C)).toMatchObject({ drops: 5, adapterErrors: 0, consumerErrors: 0 });
    // The session kept its subscriptions across the sockets: no duplicate piled up on the broker.
    expect(rig.sim.dataStream.subscribedCount(rig.session.marketDataToken!)).toBe(2);
  });
});
