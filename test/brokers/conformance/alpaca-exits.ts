import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/alpaca/adapter';
import type { BrokerContext } from '../../../src/main/brokers/types';
import type { OrderUpdate } from '../../../src/main/streaming/types';
import { alpacaStreamRig, type AlpacaStreamRig } from '../../support/alpaca-stream';
import { arrives } from '../../support/stream-steps';
import { priceAt } from '../../simulators/exchange';
import { AlpacaSpec } from '../../simulators/alpaca/spec';
import { canaryForms, failure } from '../support';
import { behaviour } from './suite';
import { type Seen, cents, elapse, recordingFetch, roles } from './exit-steps';

const exits = adapter.protectiveExits!;

/** A fresh simulator on a manual clock (price path rising from 15:00:00 for 2.5 minutes), with the trade_updates socket open. */
async function withRig(body: (rig: AlpacaStreamRig, ctx: BrokerContext, updates: OrderUpdate[], seen: Seen[]) => Promise<void>): Promise<void> {
  const rig = await alpacaStreamRig();
  const { fetch: recording, seen } = recordingFetch();
  const updates: OrderUpdate[] = [];
  const ctx = { ...rig.ctx(), fetch: recording };
  const stream = adapter.orderStream!.open(ctx, { onOrder: (u) => updates.push(u), onStatus: () => undefined, onProblem: () => undefined });
  try {
    await body(rig, ctx, updates, seen);
  } finally {
    stream.close();
    await rig.close();
  }
}

/** Native exits: Alpaca's bracket and oco order classes and its trailing_stop type, against the simulator. */
export const alpacaExitCases = [
  behaviour('exits', 'holds bracket, oco and trailing itself', () => {
    expect(exits.kinds).toEqual(['bracket', 'oco', 'trailing']);
  }),
  behaviour('exits', 'a bracket: the entry fills, its legs go to work, the target’s fill cancels the stop and both arrive on trade_updates', () =>
    withRig(async (rig, ctx, updates, seen) => {
      await arrives(() => expect(rig.sim.tradeStream).toBeDefined());
      const price = priceAt('AAPL', rig.clock.now());
      const ack = await exits.place(ctx, {
        kind: 'bracket',
        symbol: 'US:AAPL',
        exitSide: 'SELL',
        quantity: 2,
        entry: { type: 'MARKET' },
        targetPrice: cents(price * 1.01),
        stopPrice: cents(price * 0.97),
        timeInForce: 'GTC',
        clientOrderId: 'exit-bracket-1',
      });
      expect(ack.legs.map((l) => l.role)).toEqual(['entry', 'target', 'stop']);
      expect(ack.legs.map((l) => l.state)).toEqual(['PENDING', 'PENDING', 'PENDING']); // accepted, and the legs held
      expect(roles(await exits.status(ctx, ack.groupId))).toEqual([
        ['entry', 'FILLED'],
        ['target', 'OPEN'],
        ['stop', 'OPEN'],
      ]);
      const [, target, stop] = ack.legs.map((l) => l.brokerOrderId);
      await elapse(rig, 60_000); // +1 % comes after about 50 s of the rising path
      const done = await exits.status(ctx, ack.groupId);
      expect(roles(done)).toEqual([
        ['entry', 'FILLED'],
        ['target', 'FILLED'],
        ['stop', 'CANCELLED'],
      ]);
      expect(done!.active).toBe(false);
      expect(done!.legs[1]).toMatchObject({ averagePrice: cents(price * 1.01), filledQuantity: 2, symbol: 'US:AAPL', side: 'SELL' });
      await arrives(() => {
        expect(updates.filter((u) => u.brokerOrderId === target).at(-1)).toMatchObject({ state: 'FILLED' });
        expect(updates.filter((u) => u.brokerOrderId === stop).at(-1)).toMatchObject({ state: 'CANCELLED' });
      });
      // Cancelling a group that finished is not an error, and changes nothing.
      await exits.cancel(ctx, ack.groupId);
      expect(roles(await exits.status(ctx, ack.groupId))).toEqual(roles(done));
      // A retry of the same ticket finds the same group instead of a second bracket.
      const again = await exits.place(ctx, {
        kind: 'bracket',
        symbol: 'US:AAPL',
        exitSide: 'SELL',
        quantity: 2,
        entry: { type: 'MARKET' },
        targetPrice: cents(price * 1.05),
        stopPrice: cents(price * 0.9),
        clientOrderId: 'exit-bracket-1',
      });
      expect(again.groupId).toBe(ack.groupId);
      expect(rig.sim.exchange.list().filter((o) => o.clientOrderId === 'exit-bracket-1')).toHaveLength(1);
      const spec = new AlpacaSpec();
      expect(seen.flatMap((x) => spec.check(x.method, x.path, x.status, x.body))).toEqual([]);
    }),
  ),
  behaviour('exits', 'an oco on shares held: both legs work, a cancel ends the group, a second cancel is no error', () =>
    withRig(async (rig, ctx) => {
      await adapter.placeOrder(ctx, { symbol: 'US:MSFT', side: 'BUY', quantity: 5, type: 'MARKET', clientOrderId: 'hold-msft' });
      const price = priceAt('MSFT', rig.clock.now());
      const ack = await exits.place(ctx, {
        kind: 'oco',
        symbol: 'US:MSFT',
        exitSide: 'SELL',
        quantity: 5,
        targetPrice: cents(price * 1.1),
        stopPrice: cents(price * 0.9),
        stopLimitPrice: cents(price * 0.89),
        timeInForce: 'GTC',
        clientOrderId: 'exit-oco-1',
      });
      expect(ack.legs.map((l) => l.role)).toEqual(['target', 'stop']);
      const working = await exits.status(ctx, ack.groupId);
      expect(working).toMatchObject({ active: true });
      expect(roles(working)).toEqual([
        ['target', 'OPEN'],
        ['stop', 'OPEN'],
      ]);
      expect(working!.legs.map((l) => [l.type, l.limitPrice])).toEqual([
        ['LIMIT', cents(price * 1.1)],
        ['STOP_LIMIT', cents(price * 0.89)],
      ]);
      await exits.cancel(ctx, ack.groupId);
      const cancelled = await exits.status(ctx, ack.groupId);
      expect(cancelled!.active).toBe(false);
      expect(roles(cancelled)).toEqual([
        ['target', 'CANCELLED'],
        ['stop', 'CANCELLED'],
      ]);
      await expect(exits.cancel(ctx, ack.groupId)).resolves.toBeUndefined();
      expect(await exits.status(ctx, '4e8a1c2d-7b3f-4c1e-9a2d-000000999999')).toBeNull();
    }),
  ),
  behaviour('exits', 'a trailing stop follows the high of the path and fires once the price falls back by the trail', () =>
    withRig(async (rig, ctx, updates) => {
      await adapter.placeOrder(ctx, { symbol: 'US:SPY', side: 'BUY', quantity: 3, type: 'MARKET', clientOrderId: 'hold-spy' });
      const ack = await exits.place(ctx, {
        kind: 'trailing',
        symbol: 'US:SPY',
        exitSide: 'SELL',
        quantity: 3,
        trail: { percent: 0.5 },
        clientOrderId: 'exit-trail-1',
      });
      expect(ack.legs).toEqual([{ role: 'stop', brokerOrderId: ack.groupId, state: 'PENDING' }]);
      await elapse(rig, 120_000); // still rising: the stop moves up under it
      expect(roles(await exits.status(ctx, ack.groupId))).toEqual([['stop', 'OPEN']]);
      const order = rig.sim.exchange.get(ack.groupId)!;
      const high = Number(order.extra.hwm);
      expect(high).toBe(priceAt('SPY', rig.clock.now()));
      expect(order.stopPrice).toBe(cents(high * 0.995));
      await elapse(rig, 180_000); // past the top at 2.5 min, down by more than 0.5 %
      const fired = await exits.status(ctx, ack.groupId);
      expect(roles(fired)).toEqual([['stop', 'FILLED']]);
      expect(fired!.legs[0]!.averagePrice).toBeLessThanOrEqual(cents(Number(rig.sim.exchange.get(ack.groupId)!.extra.hwm) * 0.995));
      await arrives(() => expect(updates.filter((u) => u.brokerOrderId === ack.groupId).at(-1)).toMatchObject({ state: 'FILLED' }));
    }),
  ),
  behaviour('exits', 'a cancel that races the target’s fill ends quietly: the legs that finished meanwhile are not an error', () =>
    withRig(async (rig, ctx) => {
      const price = priceAt('AAPL', rig.clock.now());
      const terms = { symbol: 'US:AAPL', exitSide: 'SELL' as const, quantity: 1, targetPrice: cents(price * 1.01), stopPrice: cents(price * 0.97) };
      const ack = await exits.place(ctx, { ...terms, kind: 'bracket', entry: { type: 'MARKET' }, clientOrderId: 'exit-race' });
      // The market moves through the target between the status read and the first DELETE.
      let moved = false;
      const racing: typeof fetch = async (input, init) => {
        if (init?.method === 'DELETE' && !moved) {
          moved = true;
          rig.clock.advance(60_000);
        }
        return ctx.fetch(input, init);
      };
      await exits.cancel({ ...ctx, fetch: racing }, ack.groupId);
      expect(moved).toBe(true);
      expect(roles(await exits.status(ctx, ack.groupId))).toEqual([
        ['entry', 'FILLED'],
        ['target', 'FILLED'],
        ['stop', 'CANCELLED'],
      ]);
    }),
  ),
  behaviour(['exits', 'errors', 'secrets'], 'Alpaca’s refusals are BROKER_REJECTED in its words, with no key in them', () =>
    withRig(async (rig, ctx) => {
      const price = priceAt('AAPL', rig.clock.now());
      const bracket = {
        kind: 'bracket' as const,
        symbol: 'US:AAPL',
        exitSide: 'SELL' as const,
        quantity: 1,
        entry: { type: 'MARKET' as const },
        targetPrice: cents(price * 0.99), // below the base price of a buy
        stopPrice: cents(price * 0.95),
        clientOrderId: 'exit-bad-1',
      };
      const low = await failure(exits.place(ctx, bracket));
      expect([low.code, low.httpStatus, low.message]).toEqual([
        'BROKER_REJECTED',
        422,
        'Alpaca rejected the exit: take_profit.limit_price must be >= base_price + 0.01',
      ]);
      const stop = await failure(exits.place(ctx, { ...bracket, targetPrice: cents(price * 1.02), stopPrice: cents(price * 1.01) }));
      expect(stop.message).toBe('Alpaca rejected the exit: stop_loss.stop_price must be <= base_price - 0.01');
      const noShares = await failure(exits.place(ctx, { ...bracket, kind: 'oco', entry: undefined, targetPrice: cents(price * 1.1) }));
      expect(noShares.message).toContain('insufficient qty available');
      const noTrail = await failure(exits.place(ctx, { ...bracket, kind: 'trailing', trail: { amount: 0 } }));
      expect(noTrail.message).toBe('A trailing stop needs a trail amount or percentage above zero.');
      expect(rig.sim.exchange.list()).toEqual([]);
      const forms = [...canaryForms(rig.sim.credentials.apiSecretKey!), rig.sim.credentials.apiKeyId!];
      const text = JSON.stringify([low, stop, noShares, noTrail].map((e) => [e.message, e.stack, { ...e }]));
      for (const form of forms) expect(text).not.toContain(form);
    }),
  ),
];
