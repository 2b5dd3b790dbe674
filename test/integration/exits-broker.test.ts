import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExitRequest, ExitView } from '../../src/shared/exit-schemas';
import { BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import { BrokerError, type BrokerAdapter, type ProtectiveExitCapability, type ProtectiveExitRequest } from '../../src/main/brokers/types';
import { priceAt } from '../simulators/exchange';
import {
  auditOf,
  connectSim,
  drive,
  goLive,
  journal,
  makeTradingWorld,
  nextWindow,
  placeOk,
  startSim,
  ticket,
  ticketId,
  type TradingSim,
  type TradingWorld,
} from '../support/trading/world';

/**
 * Protective exits on a live simulator account (Alpaca's), through IPC: managed from polled broker quotes where the
 * adapter holds no exits itself, and native through `protectiveExits` (the adapters' integration point) where it does,
 * with the order path's gates and the kill switch around both.
 */

const SYMBOL = 'US:AAPL';
/** The simulator's own name for it: its price path is keyed by it. */
const SIM_SYMBOL = 'AAPL';
const SECOND = 1_000;

/** Native exits recorded, as an adapter that holds the kinds itself would take them. */
const native = { placed: [] as ProtectiveExitRequest[], cancelled: [] as string[], active: true, failNext: null as Error | null };
const capability: ProtectiveExitCapability = {
  kinds: ['oco', 'trailing'],
  async place(_ctx, request) {
    native.placed.push(request);
    const fail = native.failNext;
    native.failNext = null;
    if (fail) throw fail;
    return { groupId: `grp-${native.placed.length}`, legs: [] };
  },
  async cancel(_ctx, groupId) {
    native.cancelled.push(groupId);
  },
  async status() {
    return { active: native.active, legs: [] };
  },
};

/** Alpaca without exits of its own (managed), and a second copy of it that holds OCO and trailing stops (native). */
const withExits = (exits: ProtectiveExitCapability | undefined): BrokerAdapter[] =>
  BROKER_ADAPTERS.map((a) => (a.descriptor.id === 'alpaca' ? { ...a, protectiveExits: exits } : a));

const request = (fields: Omit<ExitRequest, 'requestId'>): ExitRequest => ({ requestId: ticketId('exit'), ...fields });

async function placeExit(w: TradingWorld, r: ExitRequest): Promise<ExitView> {
  const result = await drive(w, w.g.ok('exits:place', r));
  if (result.status !== 'placed') throw new Error(`expected a placed exit, got ${JSON.stringify(result)}`);
  return result.exit;
}

describe('managed on a live broker account (no native exits)', () => {
  let w: TradingWorld;
  let sim: TradingSim;
  beforeAll(async () => {
    w = await makeTradingWorld({ brokers: withExits(undefined) });
    sim = await startSim('alpaca', w.clock);
    const id = (await connectSim(w, sim)).id;
    nextWindow(w);
    await goLive(w, id);
    await w.g.services.trading.start();
  }, 30_000);
  afterAll(async () => {
    w.g.close();
    await sim.close();
  });

  it('sends the exit to the broker through the order path when the broker’s price crosses the stop', async () => {
    await placeOk(w.g, ticket({ symbol: SYMBOL, side: 'BUY', quantity: 2, type: 'MARKET' }));
    nextWindow(w);
    const now = priceAt(SIM_SYMBOL, w.clock.now());
    const stop = Math.round(now * 0.995 * 100) / 100;
    const exit = await placeExit(w, request({ kind: 'oco', symbol: SYMBOL, exitSide: 'SELL', quantity: 2, targetPrice: now * 2, stopPrice: stop }));
    expect(exit).toMatchObject({ handling: 'managed', mode: 'live', state: 'armed' });
    let at = w.clock.now();
    while (priceAt(SIM_SYMBOL, at) > stop) at += SECOND;
    // Polled quotes (Alpaca's, rate-limited on the manual clock) until the exit is done.
    for (let i = 0; i < 2_000 && (await w.g.ok('exits:list', {})).find((e) => e.id === exit.id)!.state !== 'done'; i++) {
      await w.scheduler.advance(250);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const done = (await w.g.ok('exits:list', {})).find((e) => e.id === exit.id)!;
    expect(done).toMatchObject({ state: 'done', triggeredBy: 'stop' });
    expect(w.clock.now()).toBeGreaterThanOrEqual(at);
    expect((await auditOf(w.g, 'exit.trigger')).find((e) => e.detail.exitId === exit.id)!.detail.price as number).toBeLessThanOrEqual(stop);
    const sent = (await journal(w.g)).find((o) => o.id === done.exitOrderId)!;
    expect(sent).toMatchObject({ mode: 'live', broker: 'alpaca', side: 'SELL', quantity: 2, source: 'exit', state: 'FILLED' });
    // At the broker: one sell, and nothing held.
    expect(sim.exchange.list().filter((o) => o.side === 'SELL' && o.symbol === SIM_SYMBOL)).toHaveLength(1);
    expect(sim.exchange.positionList().find((p) => p.symbol === SIM_SYMBOL)?.quantity ?? 0).toBe(0);
  }, 60_000);
});

describe('native where the live broker holds the kind (the adapter’s protectiveExits)', () => {
  let w: TradingWorld;
  let sim: TradingSim;
  let connectionId: string;
  beforeAll(async () => {
    w = await makeTradingWorld({ brokers: withExits(capability) });
    sim = await startSim('alpaca', w.clock);
    connectionId = (await connectSim(w, sim)).id;
    await w.g.services.trading.start();
  }, 30_000);
  afterAll(async () => {
    w.g.close();
    await sim.close();
  });

  it('is managed in paper mode even where the broker could hold it', async () => {
    await placeOk(w.g, ticket({ symbol: SYMBOL, side: 'BUY', quantity: 1, type: 'MARKET' }));
    const exit = await placeExit(w, request({ kind: 'trailing', symbol: SYMBOL, exitSide: 'SELL', quantity: 1, trail: { percent: 1 } }));
    expect(exit).toMatchObject({ handling: 'managed', mode: 'paper' });
    expect(native.placed).toEqual([]);
    await w.g.ok('exits:cancel', { exitId: exit.id });
  });

  it('is placed at the broker in live mode, audited, and cancelled there by the kill switch', async () => {
    nextWindow(w);
    await goLive(w, connectionId);
    const exit = await placeExit(w, request({ kind: 'oco', symbol: SYMBOL, exitSide: 'SELL', quantity: 3, targetPrice: 9_000, stopPrice: 10 }));
    expect(exit).toMatchObject({ handling: 'native', mode: 'live', connectionId, state: 'armed', groupId: 'grp-1' });
    expect(native.placed).toEqual([
      { kind: 'oco', symbol: SYMBOL, exitSide: 'SELL', quantity: 3, targetPrice: 9_000, stopPrice: 10, clientOrderId: `bv-xn-${exit.id}` },
    ]);
    expect((await auditOf(w.g, 'exit.arm')).find((e) => e.detail.exitId === exit.id)?.detail).toMatchObject({ handling: 'native', groupId: 'grp-1' });
    // A bracket is not among this broker's kinds: BrokerVault manages it, entering through the one order path.
    nextWindow(w);
    const bracket = await placeExit(
      w,
      request({ kind: 'bracket', symbol: SYMBOL, exitSide: 'SELL', quantity: 1, entry: { type: 'LIMIT', limitPrice: 1 }, targetPrice: 2, stopPrice: 0.5 }),
    );
    expect(bracket).toMatchObject({ handling: 'managed', state: 'pending-entry' });

    // No clear answer from the broker: the exit is not claimed as placed nor as refused; the trader is told to look.
    native.failNext = new BrokerError('TIMEOUT', 'Alpaca did not answer in time.');
    nextWindow(w);
    const unclear = await drive(w, w.g.call('exits:place', request({ kind: 'trailing', symbol: SYMBOL, exitSide: 'SELL', quantity: 1, trail: { amount: 1 } })));
    expect(unclear.ok ? null : unclear.error.code).toBe('TIMEOUT');
    expect((await w.g.ok('exits:list', {}))[0]).toMatchObject({
      kind: 'trailing',
      handling: 'native',
      state: 'failed',
      message: 'No clear answer from the broker: the exit may be placed there. Check your orders at the broker before setting it again.',
    });

    nextWindow(w);
    const report = await drive(w, w.g.ok('killswitch:engage', { closePositions: false }));
    expect(native.cancelled).toEqual(['grp-1']);
    expect(report.results.filter((r) => r.target.includes('SELL 3') || r.target.includes('bracket'))).toEqual([
      { mode: 'live', connectionId, target: `bracket: SELL 1 ${SYMBOL}`, action: 'cancel', outcome: 'done', message: null },
      { mode: 'live', connectionId, target: `stop-loss with target: SELL 3 ${SYMBOL} (held by the broker)`, action: 'cancel', outcome: 'done', message: null },
    ]);
    const after = await w.g.ok('exits:list', {});
    expect(after.find((e) => e.id === exit.id)!.state).toBe('cancelled');
    expect(after.find((e) => e.id === bracket.id)!.state).toBe('cancelled');
    // The bracket's resting entry was swept from the broker's book.
    expect((await journal(w.g)).find((o) => o.id === bracket.entryOrderId)!.state).toBe('CANCELLED');
    await w.g.ok('mode:unlock');
  }, 30_000);

  it('after the kill switch (paper, live locked) sends nothing to the broker: the exit is managed in paper', async () => {
    const before = native.placed.length;
    const placed = await w.g.call('exits:place', request({ kind: 'oco', symbol: SYMBOL, exitSide: 'SELL', quantity: 1, targetPrice: 9_000, stopPrice: 10 }));
    // Back in paper after the kill switch: a paper exit needs a paper position, which there is (bought above).
    expect(placed.ok && placed.value.status === 'placed' ? placed.value.exit.handling : null).toBe('managed');
    expect(native.placed.length).toBe(before);
  });
});
