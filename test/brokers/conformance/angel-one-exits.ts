import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/angel-one/adapter';
import type { BrokerContext, ProtectiveExitRequest } from '../../../src/main/brokers/types';
import { priceAt } from '../../simulators/exchange';
import { angelStreamRig, type AngelStreamRig } from '../../support/angel-one-stream';
import { brokerContext, canaryForms, expectNoCanary, failure } from '../support';
import { behaviour } from './suite';
import { tick } from './exit-steps';

const exits = adapter.protectiveExits!;

/** A fresh simulator on its own manual clock (09:30 IST; NSE:INFY rises 1.4 % in 75 s and is 2 % down at 7.5 min). */
async function withRig(body: (rig: AngelStreamRig, ctx: () => BrokerContext) => Promise<void>): Promise<void> {
  const rig = await angelStreamRig();
  // The order book answers once a second (the app's rate gate waits for it): each request takes 1.1 s of sim time.
  const ticking: typeof fetch = (input, init) => {
    rig.clock.advance(1_100);
    return fetch(input, init);
  };
  const ctx = () =>
    brokerContext({
      baseUrl: rig.sim.baseUrl,
      environment: 'live',
      credentials: { ...rig.sim.credentials, ...rig.sim.session },
      clock: rig.clock,
      scheduler: rig.scheduler,
      instruments: rig.instruments,
      fetch: ticking,
    });
  try {
    await body(rig, ctx);
  } finally {
    await rig.close();
  }
}

/** A long bracket whose LIMIT entry fills at once (a buy limit just above the price). */
function bracket(rig: AngelStreamRig, overrides: Partial<ProtectiveExitRequest> = {}) {
  const last = priceAt('NSE:INFY', rig.clock.now());
  const entryPrice = tick(last + 0.5);
  const targetPrice = tick(last * 1.01);
  const stopPrice = tick(last * 0.99);
  const request: ProtectiveExitRequest = {
    kind: 'bracket',
    symbol: 'NSE:INFY',
    exitSide: 'SELL',
    quantity: 2,
    entry: { type: 'LIMIT', limitPrice: entryPrice },
    targetPrice,
    stopPrice,
    clientOrderId: 'bv-exit-0001',
    ...overrides,
  };
  return { last, entryPrice, targetPrice, stopPrice, request };
}

/** The exits section for Angel One: brackets as ROBO orders (entry, then target and stop legs under its order id). */
export const angelOneExitCases = [
  behaviour('exits', 'declares bracket only; OCO, a market entry and a percentage trail are NOT_SUPPORTED, a wrong-side target is refused, nothing sent', () =>
    withRig(async (rig, ctx) => {
      expect(exits.kinds).toEqual(['bracket']);
      const { request, last } = bracket(rig);
      const refusals = [
        { ...request, kind: 'oco' as const, entry: undefined },
        { ...request, entry: { type: 'MARKET' as const } },
        { ...request, trail: { percent: 1 } },
      ];
      for (const r of refusals) expect((await failure(exits.place(ctx(), r))).code).toBe('NOT_SUPPORTED');
      const wrong = await failure(exits.place(ctx(), { ...request, targetPrice: tick(last * 0.98) }));
      expect([wrong.code, wrong.message]).toEqual(['BROKER_REJECTED', 'For a long bracket the target must be above and the stop below the entry price.']);
      expect(rig.sim.exchange.list()).toEqual([]);
    }),
  ),
  behaviour('exits', 'a bracket is one ROBO order: the entry fills, target and stop legs arm under its id, the target fills and the stop is cancelled', () =>
    withRig(async (rig, ctx) => {
      const { entryPrice, targetPrice, stopPrice, request } = bracket(rig);
      const ack = await exits.place(ctx(), request);
      expect(ack).toEqual({ groupId: expect.any(String), legs: [{ role: 'entry', brokerOrderId: ack.groupId, state: 'PENDING' }] });
      const entry = rig.sim.exchange.get(ack.groupId)!;
      expect(entry.extra).toMatchObject({
        variety: 'ROBO',
        producttype: 'BO',
        ordertype: 'LIMIT',
        squareoff: String(Math.round((targetPrice - entryPrice) * 100) / 100),
      });
      expect(await exits.status(ctx(), ack.groupId)).toMatchObject({
        active: true,
        legs: [
          { role: 'entry', side: 'BUY', state: 'FILLED', averagePrice: entryPrice },
          { role: 'target', side: 'SELL', state: 'OPEN', type: 'LIMIT', limitPrice: targetPrice },
          { role: 'stop', side: 'SELL', state: 'OPEN', type: 'STOP' },
        ],
      });
      expect(rig.sim.exchange.list().find((o) => o.type === 'STOP')!.stopPrice).toBeCloseTo(stopPrice, 2);
      rig.clock.advance(75_000);
      expect(await exits.status(ctx(), ack.groupId)).toMatchObject({
        active: false,
        legs: [
          { role: 'entry', state: 'FILLED' },
          { role: 'target', state: 'FILLED', averagePrice: targetPrice },
          { role: 'stop', state: 'CANCELLED' },
        ],
      });
      await exits.cancel(ctx(), ack.groupId);
    }),
  ),
  behaviour('exits', 'a trailing stop-loss moves the stop leg up by whole steps as the price rises; then the stop fills and the target is cancelled', () =>
    withRig(async (rig, ctx) => {
      const { entryPrice, stopPrice, request } = bracket(rig);
      const ack = await exits.place(ctx(), { ...request, targetPrice: tick(entryPrice * 1.06), trail: { amount: 1 } });
      expect(rig.sim.exchange.get(ack.groupId)!.extra.trailingstoploss).toBe('1');
      await exits.status(ctx(), ack.groupId);
      rig.clock.advance(60_000);
      await exits.status(ctx(), ack.groupId);
      // The simulator read the price when that request arrived (the clock does not move after it).
      const steps = Math.floor(priceAt('NSE:INFY', rig.clock.now()) - entryPrice);
      expect(steps).toBeGreaterThan(0);
      expect(rig.sim.exchange.list().find((o) => o.type === 'STOP')!.stopPrice).toBeCloseTo(stopPrice + steps, 2);
      rig.clock.advance(390_000);
      expect(await exits.status(ctx(), ack.groupId)).toMatchObject({
        active: false,
        legs: [
          { role: 'entry', state: 'FILLED' },
          { role: 'target', state: 'CANCELLED' },
          { role: 'stop', state: 'FILLED' },
        ],
      });
    }),
  ),
  behaviour('exits', 'cancelling a waiting entry cancels it (no legs ever arm); cancelling an armed bracket cancels both legs; again is no error', () =>
    withRig(async (rig, ctx) => {
      const { last, request } = bracket(rig);
      const waiting = await exits.place(ctx(), { ...request, entry: { type: 'LIMIT', limitPrice: tick(last * 0.95) }, stopPrice: tick(last * 0.9) });
      await exits.cancel(ctx(), waiting.groupId);
      expect(await exits.status(ctx(), waiting.groupId)).toMatchObject({ active: false, legs: [{ role: 'entry', state: 'CANCELLED' }] });

      const armed = await exits.place(ctx(), { ...request, clientOrderId: 'bv-exit-0002' });
      await exits.cancel(ctx(), armed.groupId);
      expect(await exits.status(ctx(), armed.groupId)).toMatchObject({
        active: false,
        legs: [
          { role: 'entry', state: 'FILLED' },
          { role: 'target', state: 'CANCELLED' },
          { role: 'stop', state: 'CANCELLED' },
        ],
      });
      await exits.cancel(ctx(), armed.groupId);
      expect(await exits.status(ctx(), 'NOSUCHORDER')).toBeNull();
      await exits.cancel(ctx(), 'NOSUCHORDER');
    }),
  ),
  behaviour('exits', 'interleaving: the entry fills while it is being cancelled; the second pass cancels the legs it armed', () =>
    withRig(async (rig, ctx) => {
      const { last, request } = bracket(rig);
      const ack = await exits.place(ctx(), { ...request, entry: { type: 'LIMIT', limitPrice: tick(last * 0.985) }, stopPrice: tick(last * 0.95) });
      let raced = false;
      const racing: BrokerContext = {
        ...ctx(),
        fetch: (input, init) => {
          rig.clock.advance(1_100);
          // The price path falls 1.9 % by 7 minutes: the entry fills just as its cancel arrives.
          if (!raced && String(input).includes('/order/v1/cancelOrder')) {
            raced = true;
            rig.clock.advance(420_000);
          }
          return fetch(input, init);
        },
      };
      await exits.cancel(racing, ack.groupId);
      expect(raced).toBe(true);
      expect(await exits.status(ctx(), ack.groupId)).toMatchObject({
        active: false,
        legs: [
          { role: 'entry', state: 'FILLED' },
          { role: 'target', state: 'CANCELLED' },
          { role: 'stop', state: 'CANCELLED' },
        ],
      });
    }),
  ),
  behaviour(['exits', 'errors', 'secrets'], "Angel One's own refusal comes back as BROKER_REJECTED in our words with its code, and no secret", () =>
    withRig(async (rig, ctx) => {
      const { request } = bracket(rig);
      const error = await failure(exits.place(ctx(), { ...request, quantity: 0 }));
      expect([error.code, error.message]).toEqual(['BROKER_REJECTED', 'Angel One rejected the request (AB1004): Invalid quantity']);
      expect(rig.sim.exchange.list()).toEqual([]);
      const secrets = { ...rig.sim.credentials, ...rig.sim.session };
      expectNoCanary(
        [error],
        Object.values(secrets)
          .filter((v) => v.length >= 6)
          .flatMap(canaryForms),
      );
    }),
  ),
  behaviour(['exits', 'streaming'], "a bracket's legs arrive on the order-status socket: entry and target complete, stop cancelled, without a REST call", () =>
    withRig(async (rig, ctx) => {
      const socket = rig.openOrders();
      await rig.stepUntil(3_000, () => expect(socket.statuses).toEqual([{ state: 'open' }]));
      const ack = await exits.place(ctx(), bracket(rig).request);
      await rig.tickUntil(75_000, () => {
        const last = new Map(socket.orders.map((o) => [o.brokerOrderId, o.state]));
        expect(last.size).toBe(3);
        expect(last.get(ack.groupId)).toBe('FILLED');
        expect([...last.values()].sort()).toEqual(['CANCELLED', 'FILLED', 'FILLED']);
      });
    }),
  ),
];
