import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ExitKind } from '../../src/shared/exits';
import type { ExitPlaceResult, ExitRequest, ExitView } from '../../src/shared/exit-schemas';
import type { OrderTicket, PlaceResultSchema } from '../../src/shared/schemas';
import { BROKER_ADAPTERS } from '../../src/main/brokers/registry';
import { priceAt } from '../simulators/exchange';
import { CASES, type BrokerCase, type TradeCase } from '../support/brokers-ipc/cases';
import { connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';
import { FlakyNet } from '../support/trading/world';

/**
 * Every broker whose adapter holds protective exits itself, through the exits service and IPC against its simulator
 * (the adapters were built and tested alone; here they run with the service): live on the connection, each native kind
 * placed through exits:place (answering IBKR's questions as the trader would), its legs at the broker, a leg filled by
 * the simulator's price path, the exit shown done by the trading timer with its sibling no longer working; a working
 * native group cancelled at the broker by the kill switch; and a kind the broker does not hold managed by BrokerVault.
 */

type Traded = BrokerCase & { trade: TradeCase };
type PlaceResult = z.infer<typeof PlaceResultSchema>;
const adapterOf = (c: BrokerCase) => BROKER_ADAPTERS.find((a) => a.descriptor.id === c.id)!;
const NATIVE = CASES.filter((c): c is Traded => c.trade !== undefined && adapterOf(c).protectiveExits !== undefined);
const kindsOf = (c: BrokerCase): readonly ExitKind[] => adapterOf(c).protectiveExits!.kinds;
const MANAGED_KIND = (c: BrokerCase): ExitKind | undefined => (['bracket', 'oco', 'trailing'] as const).find((k) => !kindsOf(c).includes(k));

let counter = 0;
const requestId = (c: BrokerCase) => `exit-${c.id}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
const onTick = (price: number, tick: number) => Number((Math.round(price / tick) * tick).toFixed(8));

it('covers the brokers that hold exits themselves', () => {
  expect(NATIVE.map((c) => c.id)).toEqual(
    expect.arrayContaining(['alpaca', 'binance', 'ibkr', 'tradier', 'tastytrade', 'zerodha', 'dhan', 'angel-one', 'fyers']),
  );
  expect(NATIVE.some((c) => c.id.startsWith('xts'))).toBe(true);
});

/** Place a market order, answering every question the broker asks (IBKR) with yes. */
async function buy(w: World, c: Traded): Promise<void> {
  const ticket: OrderTicket = {
    ticketId: `tk-${requestId(c)}`,
    symbol: c.trade.symbol,
    side: 'BUY',
    quantity: c.trade.quantity,
    type: 'MARKET',
    ...(c.trade.product ? { product: c.trade.product } : {}),
  };
  let result: PlaceResult = await w.g.ok('orders:place', ticket);
  while (result.status === 'needs-broker-answer') {
    nextWindow(w);
    result = await w.g.ok('orders:answerPrompt', { orderId: result.order.id, replyId: result.replyId, confirm: true });
  }
  expect(result.status === 'placed' ? result.order.state : result.status, c.id).toBe('FILLED');
}

/** exits:place, answering every question the broker asks about the exit (IBKR's bracket) with yes. */
async function placeExit(w: World, c: Traded, request: ExitRequest): Promise<{ exit: ExitView; prompts: string[] }> {
  const prompts: string[] = [];
  let result: ExitPlaceResult = await w.g.ok('exits:place', request);
  while (result.status === 'needs-broker-answer') {
    expect(prompts.length, `${c.id}: too many questions`).toBeLessThan(4);
    expect(result.exit, c.id).toMatchObject({ handling: 'native', state: 'placing' });
    prompts.push(...result.prompts);
    nextWindow(w);
    result = await w.g.ok('exits:answerPrompt', { exitId: result.exit.id, replyId: result.replyId, confirm: true });
  }
  if (result.status !== 'placed') throw new Error(`${c.id}: expected a placed exit, got ${JSON.stringify(result)}`);
  return { exit: result.exit, prompts };
}

/** A bracket or OCO whose target and stop sit `spread` either side of the price now, on the symbol's tick. */
function terms(w: World, c: Traded, kind: ExitKind, spread: number): ExitRequest {
  const t = c.trade;
  const now = priceAt(t.simSymbol, w.clock.now());
  return {
    requestId: requestId(c),
    kind,
    symbol: t.symbol,
    exitSide: 'SELL',
    quantity: t.quantity,
    // A marketable limit entry: every broker's bracket takes one (some take no market entry).
    ...(kind === 'bracket' ? { entry: { type: 'LIMIT' as const, limitPrice: onTick(now * 1.001, t.tick) } } : {}),
    ...(kind === 'trailing'
      ? { trail: { percent: spread * 100 } }
      : { targetPrice: onTick(now * (1 + spread), t.tick), stopPrice: onTick(now * (1 - spread), t.tick) }),
    ...(t.product ? { product: t.product } : {}),
  };
}

/** When, from now, the price path first reaches the target or the stop (trailing: falls `spread` from its best). */
function firstCross(w: World, c: Traded, r: ExitRequest, spread: number): { at: number; role: 'target' | 'stop' } {
  let best = priceAt(c.trade.simSymbol, w.clock.now());
  for (let at = w.clock.now() + 1_000; at < w.clock.now() + 20 * 60_000; at += 1_000) {
    const p = priceAt(c.trade.simSymbol, at);
    if (r.kind === 'trailing') {
      best = Math.max(best, p);
      if (p <= best * (1 - spread)) return { at, role: 'stop' };
    } else if (p >= r.targetPrice!) return { at, role: 'target' };
    else if (p <= r.stopPrice!) return { at, role: 'stop' };
  }
  throw new Error(`${c.id}: the price path never reaches the exit`);
}

/** The group as the broker shows it, through the live venue (the service's own reach to the adapter). */
function atBrokerOf(w: World, connectionId: string, groupId: string) {
  nextWindow(w);
  return w.run(w.g.services.trading.orders.venueFor({ mode: 'live', connectionId }).exits!.status(groupId));
}

async function exitNow(w: World, id: string): Promise<ExitView> {
  return (await w.g.ok('exits:list', {})).find((e) => e.id === id)!;
}

/**
 * Move the manual clock to `until` (the simulators settle resting orders lazily, at the price of the moment they are
 * asked) and run the trading timer's step once: Angel One's and XTS's client-side read limits wait in real time.
 */
async function walk(w: World, until: number, stepped: boolean): Promise<void> {
  // A trailing stop follows the best price the broker saw: the walk shows it the path, step by step.
  while (stepped && w.clock.now() < until) {
    nextWindow(w);
    await w.g.services.trading.tick();
  }
  if (w.clock.now() < until) w.clock.advance(until - w.clock.now());
  nextWindow(w);
  await w.g.services.trading.tick();
}

async function liveWorld(c: Traded) {
  const net = new FlakyNet();
  const w = await makeWorld(undefined, net.fetch);
  const sim = await c.start(w.clock);
  const { view } = await connect(w, c, sim);
  expect(view.status, c.id).toBe('valid');
  nextWindow(w);
  const request = await w.g.ok('mode:requestLive', { connectionId: view.id });
  await w.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase });
  await w.g.services.trading.start();
  return { w, sim, connectionId: view.id, net };
}

describe('native exits through the exits service, every broker that holds them', () => {
  it.concurrent.for(NATIVE)(
    '$id: each native kind placed, a leg filled by the price path, shown done; the kill switch cancels a working group',
    { timeout: 90_000 },
    async (c) => {
      const { w, sim, connectionId } = await liveWorld(c);
      try {
        for (const kind of kindsOf(c)) {
          if (kind !== 'bracket') {
            nextWindow(w);
            await buy(w, c);
          }
          nextWindow(w);
          const spread = 0.004;
          // IBKR's bracket with a market entry, outside regular hours, brings its question about the order.
          const request = { ...terms(w, c, kind, spread), ...(c.id === 'ibkr' ? { entry: { type: 'MARKET' as const } } : {}) };
          const { exit, prompts } = await placeExit(w, c, request);
          // IBKR asks before it takes an order outside regular hours (Sunday night in New York): the trader answers.
          if (c.id === 'ibkr') expect(prompts.join(' '), c.id).toContain('outside regular trading hours');
          else expect(prompts, c.id).toEqual([]);
          expect(exit, `${c.id} ${kind}`).toMatchObject({ kind, handling: 'native', mode: 'live', connectionId, state: 'armed', groupId: expect.any(String) });
          // The broker shows its legs (a GTT has none until it triggers).
          nextWindow(w);
          const atBroker = await atBrokerOf(w, connectionId, exit.groupId!);
          expect(atBroker?.active, `${c.id} ${kind}: working at the broker`).toBe(true);
          const cross = firstCross(w, c, request, spread);
          await walk(w, cross.at, kind === 'trailing');
          const done = await exitNow(w, exit.id);
          expect(done, `${c.id} ${kind}: ${JSON.stringify(done)}`).toMatchObject({ state: 'done' });
          const after = await atBrokerOf(w, connectionId, exit.groupId!);
          expect(after, `${c.id} ${kind}: the broker still shows the group`).not.toBeNull();
          if (after) {
            expect(after.active, `${c.id} ${kind}`).toBe(false);
            const exitLegs = after.legs.filter((l) => l.role !== 'entry');
            expect(
              exitLegs.filter((l) => l.state === 'FILLED').map((l) => l.role),
              `${c.id} ${kind}: ${JSON.stringify(exitLegs)}`,
            ).toEqual([cross.role]);
            expect(
              exitLegs.filter((l) => l.state === 'OPEN' || l.state === 'PENDING'),
              c.id,
            ).toEqual([]);
          }
        }

        // A working native group: the kill switch cancels it at the broker.
        const kind = kindsOf(c)[0]!;
        if (kind !== 'bracket') {
          nextWindow(w);
          await buy(w, c);
        }
        nextWindow(w);
        const { exit: working } = await placeExit(w, c, terms(w, c, kind, 0.1));
        expect(working, c.id).toMatchObject({ handling: 'native', state: 'armed' });
        nextWindow(w);
        // Angel One's and XTS's client-side limits wait on the manual scheduler: run it while the kill switch works.
        const report = await w.run(w.g.ok('killswitch:engage', { closePositions: false }));
        expect(
          report.results.filter((r) => r.target.includes('held by the broker')),
          c.id,
        ).toMatchObject([{ action: 'cancel', outcome: 'done', message: null }]);
        expect((await exitNow(w, working.id)).state, c.id).toBe('cancelled');
        const cancelled = await atBrokerOf(w, connectionId, working.groupId!);
        expect(cancelled, c.id).not.toBeNull();
        if (cancelled) expect(cancelled.active, `${c.id}: ${JSON.stringify(cancelled.legs)}`).toBe(false);
      } finally {
        w.g.close();
        await sim.close();
      }
    },
  );

  it.concurrent.for(NATIVE.filter((c) => MANAGED_KIND(c) !== undefined))('$id: a kind the broker does not hold is managed by BrokerVault', async (c) => {
    const { w, sim } = await liveWorld(c);
    try {
      const kind = MANAGED_KIND(c)!;
      if (kind !== 'bracket') {
        nextWindow(w);
        await buy(w, c);
      }
      nextWindow(w);
      const { exit } = await placeExit(w, c, {
        ...terms(w, c, kind, 0.1),
        ...(kind === 'bracket'
          ? { entry: { type: 'LIMIT' as const, limitPrice: onTick(priceAt(c.trade.simSymbol, w.clock.now()) * 0.95, c.trade.tick) } }
          : {}),
      });
      expect(exit, c.id).toMatchObject({ kind, handling: 'managed', mode: 'live', state: kind === 'bracket' ? 'pending-entry' : 'armed', groupId: null });
      nextWindow(w);
      await w.g.ok('exits:cancel', { exitId: exit.id });
    } finally {
      w.g.close();
      await sim.close();
    }
  });

  /** Brokers whose bracket takes only a limit entry (its legs are distances from the entry price). */
  const LIMIT_ENTRY_ONLY = NATIVE.filter((c) => c.id === 'angel-one' || c.id.startsWith('xts'));
  it.concurrent.for(LIMIT_ENTRY_ONLY)('$id: a bracket with a market entry, which the broker does not hold, is managed by BrokerVault', async (c) => {
    const { w, sim } = await liveWorld(c);
    try {
      nextWindow(w);
      const { exit } = await placeExit(w, c, { ...terms(w, c, 'bracket', 0.1), entry: { type: 'MARKET' } });
      expect(exit, c.id).toMatchObject({ kind: 'bracket', handling: 'managed', mode: 'live', groupId: null, entryOrderId: expect.any(String) });
      expect(['pending-entry', 'armed'], c.id).toContain(exit.state);
      nextWindow(w);
      expect(await w.g.ok('exits:cancel', { exitId: exit.id }), c.id).toMatchObject({ state: 'cancelled' });
    } finally {
      w.g.close();
      await sim.close();
    }
  });

  it('ibkr: a declined question places nothing; the kill switch voids an open question', { timeout: 60_000 }, async () => {
    const c = NATIVE.find((x) => x.id === 'ibkr')!;
    const { w, sim } = await liveWorld(c);
    try {
      const bracket = () => ({ ...terms(w, c, 'bracket', 0.1), entry: { type: 'MARKET' as const } });
      nextWindow(w);
      const asked = await w.g.ok('exits:place', bracket());
      if (asked.status !== 'needs-broker-answer') throw new Error(`expected a question, got ${asked.status}`);
      expect(asked.exit).toMatchObject({ handling: 'native', state: 'placing', groupId: null, message: expect.stringContaining('Waiting for your answer') });
      nextWindow(w);
      const declined = await w.g.ok('exits:answerPrompt', { exitId: asked.exit.id, replyId: asked.replyId, confirm: false });
      expect(declined).toMatchObject({
        status: 'placed',
        exit: { state: 'cancelled', groupId: null, message: "You declined the broker's question, so the exit was not placed." },
      });
      // Answered once: the question is closed.
      const again = await w.g.call('exits:answerPrompt', { exitId: asked.exit.id, replyId: asked.replyId, confirm: true });
      expect(again.ok ? null : again.error.code).toBe('CONFLICT');

      nextWindow(w);
      const open = await w.g.ok('exits:place', bracket());
      if (open.status !== 'needs-broker-answer') throw new Error(`expected a question, got ${open.status}`);
      nextWindow(w);
      const report = await w.run(w.g.ok('killswitch:engage', { closePositions: false }));
      expect(report.results.filter((r) => r.target.includes('held by the broker'))).toMatchObject([{ action: 'cancel', outcome: 'done', message: null }]);
      expect((await exitNow(w, open.exit.id)).state).toBe('cancelled');
      const late = await w.g.call('exits:answerPrompt', { exitId: open.exit.id, replyId: open.replyId, confirm: true });
      expect(late.ok ? null : late.error.code).toBe('CONFLICT');
      // Nothing reached IBKR's book from either exit.
      expect(sim.exchange!.list()).toEqual([]);
    } finally {
      w.g.close();
      await sim.close();
    }
  });
});
