import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/dhan/adapter';
import type { ProtectiveExitRequest } from '../../../src/main/brokers/types';
import { priceAt } from '../../simulators/exchange';
import { dhanStreamRig, type DhanStreamRig } from '../../support/dhan-stream';
import { arrives } from '../../support/stream-steps';
import { brokerContext, canaryForms, expectNoCanary, failure } from '../support';
import { behaviour } from './suite';
import { tick } from './exit-steps';

const exits = adapter.protectiveExits!;

/** A fresh simulator on its own manual clock (09:30 IST; NSE:INFY rises 1.4 % in 75 s and is 2 % down at 7.5 min). */
async function withRig(body: (rig: DhanStreamRig) => Promise<void>): Promise<void> {
  const rig = await dhanStreamRig();
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

function request(overrides: Partial<ProtectiveExitRequest>): ProtectiveExitRequest {
  return { kind: 'oco', symbol: 'NSE:INFY', exitSide: 'SELL', quantity: 2, clientOrderId: 'bv-exit-0001', ...overrides };
}

function levels(rig: DhanStreamRig) {
  const last = priceAt('NSE:INFY', rig.clock.now());
  return { last, targetPrice: tick(last * 1.01), stopPrice: tick(last * 0.99) };
}

/** The exits section for Dhan: OCO as a Forever Order, bracket (with a trailing jump) as a Super Order. */
export const dhanExitCases = [
  behaviour('exits', 'declares bracket (super order) and OCO (forever order); a trailing stop on a held position stays with BrokerVault', () =>
    withRig(async (rig) => {
      expect(exits.kinds).toEqual(['bracket', 'oco']);
      expect((await failure(exits.place(rig.ctx(), request({ kind: 'trailing', trail: { amount: 2 } })))).code).toBe('NOT_SUPPORTED');
      const percent = request({ kind: 'bracket', entry: { type: 'MARKET' }, targetPrice: 300, stopPrice: 200, trail: { percent: 1 } });
      expect((await failure(exits.place(rig.ctx(), percent))).code).toBe('NOT_SUPPORTED');
      expect([rig.sim.exits.forever.size, rig.sim.exits.supers.size, rig.sim.exchange.list().length]).toEqual([0, 0, 0]);
    }),
  ),
  behaviour('exits', 'an OCO is one forever order (target leg first, stop leg in price1/triggerPrice1); the target fills and the stop leg is cancelled', () =>
    withRig(async (rig) => {
      const { targetPrice, stopPrice } = levels(rig);
      const ack = await exits.place(rig.ctx(), request({ targetPrice, stopPrice, stopLimitPrice: stopPrice - 1 }));
      expect(ack).toEqual({ groupId: expect.stringMatching(/^forever:\d+$/), legs: [] });
      const forever = rig.sim.exits.forever.get(ack.groupId.slice('forever:'.length))!;
      expect([forever.orderFlag, forever.side, forever.productType, forever.correlationId]).toEqual(['OCO', 'SELL', 'CNC', 'bv-exit-0001']);
      expect(forever.legs.map((l) => [l.legName, l.triggerPrice, l.price, l.quantity])).toEqual([
        ['TARGET_LEG', targetPrice, targetPrice, 2],
        ['STOP_LOSS_LEG', stopPrice, stopPrice - 1, 2],
      ]);
      expect(await exits.status(rig.ctx(), ack.groupId)).toEqual({ active: true, legs: [] });

      rig.clock.advance(75_000);
      const done = await exits.status(rig.ctx(), ack.groupId);
      expect(done).toMatchObject({ active: false, legs: [{ role: 'target', side: 'SELL', quantity: 2, state: 'FILLED', averagePrice: targetPrice }] });
      expect(done!.legs).toHaveLength(1);
      expect(forever.legs.map((l) => l.status)).toEqual(['TRIGGERED', 'CANCELLED']);
      expect(rig.sim.exchange.list()).toHaveLength(1);
      await exits.cancel(rig.ctx(), ack.groupId);
      expect((await exits.status(rig.ctx(), ack.groupId))!.legs[0]!.state).toBe('FILLED');
    }),
  ),
  behaviour('exits', 'the forever stop leg fires as a limit below the falling market; cancelling the group cancels that order', () =>
    withRig(async (rig) => {
      const { targetPrice, stopPrice } = levels(rig);
      const ack = await exits.place(rig.ctx(), request({ targetPrice, stopPrice, stopLimitPrice: stopPrice - 1 }));
      rig.clock.advance(450_000);
      expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({
        active: true,
        legs: [{ role: 'stop', state: 'OPEN', limitPrice: stopPrice - 1, clientOrderId: 'bv-exit-0001' }],
      });
      await exits.cancel(rig.ctx(), ack.groupId);
      expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({ active: false, legs: [{ role: 'stop', state: 'CANCELLED' }] });
    }),
  ),
  behaviour('exits', 'cancelling a waiting forever order cancels both legs; again, or an unknown id, is no error; unknown status is null', () =>
    withRig(async (rig) => {
      const ack = await exits.place(rig.ctx(), request(levels(rig)));
      await exits.cancel(rig.ctx(), ack.groupId);
      expect(rig.sim.exits.forever.get(ack.groupId.slice(8))!.legs.map((l) => l.status)).toEqual(['CANCELLED', 'CANCELLED']);
      expect(await exits.status(rig.ctx(), ack.groupId)).toEqual({ active: false, legs: [] });
      await exits.cancel(rig.ctx(), ack.groupId);
      rig.clock.advance(75_000);
      expect(await exits.status(rig.ctx(), ack.groupId)).toEqual({ active: false, legs: [] });
      expect(rig.sim.exchange.list()).toEqual([]);
      await exits.cancel(rig.ctx(), 'forever:999');
      await exits.cancel(rig.ctx(), 'super:999');
      expect(await exits.status(rig.ctx(), 'forever:999')).toBeNull();
      expect(await exits.status(rig.ctx(), 'super:999')).toBeNull();
      expect(await exits.status(rig.ctx(), 'nonsense')).toBeNull();
    }),
  ),
  behaviour('exits', 'interleaving: the forever stop leg triggers while the forever order is being deleted; cancel then cancels the order it placed', () =>
    withRig(async (rig) => {
      const { targetPrice, stopPrice } = levels(rig);
      const ack = await exits.place(rig.ctx(), request({ targetPrice, stopPrice, stopLimitPrice: stopPrice - 1 }));
      const racing = brokerContext({
        baseUrl: rig.sim.baseUrl,
        environment: 'live',
        credentials: rig.sim.credentials,
        clock: rig.clock,
        instruments: rig.instruments,
        fetch: (input, init) => {
          if (init?.method === 'DELETE' && String(input).includes('/forever/orders/')) rig.clock.advance(450_000);
          return fetch(input, init);
        },
      });
      await exits.cancel(racing, ack.groupId);
      const forever = rig.sim.exits.forever.get(ack.groupId.slice('forever:'.length))!;
      expect(forever.legs.map((l) => l.status)).toEqual(['CANCELLED', 'TRIGGERED']);
      expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({ active: false, legs: [{ role: 'stop', state: 'CANCELLED' }] });
    }),
  ),
  behaviour('exits', 'a bracket is a super order: the entry fills, the target and stop legs arm, the target fills and the stop is cancelled', () =>
    withRig(async (rig) => {
      const { targetPrice, stopPrice } = levels(rig);
      const ack = await exits.place(rig.ctx(), request({ kind: 'bracket', entry: { type: 'MARKET' }, targetPrice, stopPrice }));
      expect(ack).toEqual({ groupId: expect.stringMatching(/^super:\d+$/), legs: [{ role: 'entry', brokerOrderId: ack.groupId.slice(6), state: 'OPEN' }] });
      const armed = await exits.status(rig.ctx(), ack.groupId);
      expect(armed).toMatchObject({
        active: true,
        legs: [
          { role: 'entry', side: 'BUY', state: 'FILLED', quantity: 2 },
          { role: 'stop', side: 'SELL', state: 'OPEN', type: 'STOP' },
          { role: 'target', side: 'SELL', state: 'OPEN', type: 'LIMIT', limitPrice: targetPrice },
        ],
      });
      rig.clock.advance(75_000);
      const closed = await exits.status(rig.ctx(), ack.groupId);
      expect(closed).toMatchObject({
        active: false,
        legs: [
          { role: 'entry', state: 'FILLED' },
          { role: 'stop', state: 'CANCELLED' },
          { role: 'target', state: 'FILLED', averagePrice: targetPrice },
        ],
      });
      expect(rig.sim.exchange.positionList().find((p) => p.symbol === 'NSE:INFY')?.quantity).toBe(0);
      await exits.cancel(rig.ctx(), ack.groupId);
    }),
  ),
  behaviour(
    'exits',
    'a super order with a trailing jump moves its stop up by whole jumps as the price rises, then the stop fills and the target is cancelled',
    () =>
      withRig(async (rig) => {
        const { targetPrice, stopPrice } = levels(rig);
        const wide = tick(targetPrice * 1.05);
        const ack = await exits.place(rig.ctx(), request({ kind: 'bracket', entry: { type: 'MARKET' }, targetPrice: wide, stopPrice, trail: { amount: 1 } }));
        const entryPrice = (await exits.status(rig.ctx(), ack.groupId))!.legs[0]!.averagePrice!;
        const superOrder = rig.sim.exits.supers.get(ack.groupId.slice(6))!;
        expect(superOrder.trailingJump).toBe(1);
        rig.clock.advance(60_000);
        const jumps = Math.floor(priceAt('NSE:INFY', rig.clock.now()) - entryPrice);
        expect(jumps).toBeGreaterThan(0);
        await exits.status(rig.ctx(), ack.groupId);
        expect(rig.sim.exchange.get(superOrder.stop!)!.stopPrice).toBeCloseTo(stopPrice + jumps, 2);
        rig.clock.advance(390_000);
        expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({
          active: false,
          legs: [
            { role: 'entry', state: 'FILLED' },
            { role: 'stop', state: 'FILLED' },
            { role: 'target', state: 'CANCELLED' },
          ],
        });
      }),
  ),
  behaviour('exits', 'cancelling a bracket whose limit entry still waits cancels the entry, and no leg is ever armed', () =>
    withRig(async (rig) => {
      const { last, targetPrice, stopPrice } = levels(rig);
      const entry = { type: 'LIMIT' as const, limitPrice: tick(last * 0.95) };
      const ack = await exits.place(rig.ctx(), request({ kind: 'bracket', entry, targetPrice, stopPrice: tick(last * 0.9) }));
      expect(targetPrice).toBeGreaterThan(entry.limitPrice);
      await exits.cancel(rig.ctx(), ack.groupId);
      expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({ active: false, legs: [{ role: 'entry', state: 'CANCELLED' }] });
      rig.clock.advance(450_000);
      expect(rig.sim.exchange.list().map((o) => o.status)).toEqual(['CANCELLED']);
      expect(stopPrice).toBeGreaterThan(0);
    }),
  ),
  behaviour(
    ['exits', 'errors', 'secrets'],
    "Dhan's own refusals (legs on the wrong side, a product forever orders lack) are BROKER_REJECTED in our words, no secret",
    () =>
      withRig(async (rig) => {
        const { last } = levels(rig);
        const wrong = await failure(
          exits.place(rig.ctx(), request({ kind: 'bracket', entry: { type: 'MARKET' }, targetPrice: tick(last * 0.98), stopPrice: tick(last * 0.97) })),
        );
        expect(wrong.code).toBe('BROKER_REJECTED');
        expect(wrong.message).toMatch(/^Dhan rejected the request: For a BUY super order the target price must be above .* \(DH-905\)$/);
        const oco = await failure(exits.place(rig.ctx(), request({ targetPrice: tick(last * 0.98), stopPrice: tick(last * 0.97) })));
        expect(oco.message).toMatch(/^Dhan rejected the request: For an OCO order .* \(DH-905\)$/);
        const product = await failure(exits.place(rig.ctx(), request({ targetPrice: tick(last * 1.01), stopPrice: tick(last * 0.99), product: 'MIS' })));
        expect([product.code, product.message]).toEqual(['BROKER_REJECTED', 'Dhan\'s forever order does not take product "MIS".']);
        expect([rig.sim.exits.forever.size, rig.sim.exits.supers.size, rig.sim.exchange.list().length]).toEqual([0, 0, 0]);
        expectNoCanary([wrong, oco, product], [rig.sim.credentials.accessToken!].flatMap(canaryForms));
      }),
  ),
  behaviour(
    ['exits', 'streaming'],
    "a bracket's legs arrive on the order update socket: entry traded, target traded, stop cancelled, without a REST call",
    () =>
      withRig(async (rig) => {
        const socket = rig.openOrders();
        await rig.stepUntil(3_000, () => expect(socket.statuses).toEqual([{ state: 'open' }]));
        const { targetPrice, stopPrice } = levels(rig);
        const ack = await exits.place(rig.ctx(), request({ kind: 'bracket', entry: { type: 'MARKET' }, targetPrice, stopPrice }));
        await rig.tickUntil(75_000, () => {
          const last = new Map(socket.orders.map((o) => [o.brokerOrderId, o.state]));
          expect([...last.values()].sort()).toEqual(['CANCELLED', 'FILLED', 'FILLED']);
        });
        const superOrder = rig.sim.exits.supers.get(ack.groupId.slice(6))!;
        const final = new Map(socket.orders.map((o) => [o.brokerOrderId, o.state]));
        expect([final.get(superOrder.orderId), final.get(superOrder.target!), final.get(superOrder.stop!)]).toEqual(['FILLED', 'FILLED', 'CANCELLED']);
        await arrives(() => expect(socket.problems).toEqual([]));
      }),
  ),
];
