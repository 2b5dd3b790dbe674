import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/tradier/adapter';
import type { BrokerContext, ProtectiveExitRequest } from '../../../src/main/brokers/types';
import type { OrderUpdate } from '../../../src/main/streaming/types';
import { tradierStreamRig, type TradierStreamRig } from '../../support/tradier-stream';
import { arrives } from '../../support/stream-steps';
import { priceAt } from '../../simulators/exchange';
import { canaryForms, failure } from '../support';
import { behaviour } from './suite';
import { cents, elapse, roles, withOrderStream } from './exit-steps';

const exits = adapter.protectiveExits!;

/** A fresh simulator on a manual clock (the price path rises from 15:00 UTC for 2.5 minutes) with the account stream open. */
const withRig = (body: (rig: TradierStreamRig, ctx: BrokerContext, updates: OrderUpdate[]) => Promise<void>) => withOrderStream(tradierStreamRig, body);

function request(rig: TradierStreamRig, overrides: Partial<ProtectiveExitRequest> = {}): ProtectiveExitRequest {
  const price = priceAt('AAPL', rig.clock.now());
  return {
    kind: 'bracket',
    symbol: 'US:AAPL',
    exitSide: 'SELL',
    quantity: 2,
    entry: { type: 'MARKET' },
    targetPrice: cents(price * 1.01),
    stopPrice: cents(price * 0.97),
    clientOrderId: 'exit-tradier-1',
    ...overrides,
  };
}

/** Native exits: Tradier's class=otoco (bracket) and class=oco, against the simulator. */
export const tradierExitCases = [
  behaviour('exits', 'holds bracket (OTOCO) and OCO itself; no trailing stop type', () => {
    expect(exits.kinds).toEqual(['bracket', 'oco']);
  }),
  behaviour('exits', 'an OTOCO: the entry fills, the target’s fill cancels the stop, and the legs arrive on the account stream', () =>
    withRig(async (rig, ctx, updates) => {
      const ack = await exits.place(ctx, request(rig));
      expect(ack.legs.map((l) => l.role)).toEqual(['entry', 'target', 'stop']);
      expect(roles(await exits.status(ctx, ack.groupId))).toEqual([
        ['entry', 'FILLED'],
        ['target', 'OPEN'],
        ['stop', 'OPEN'],
      ]);
      await elapse(rig, 60_000);
      const done = await exits.status(ctx, ack.groupId);
      expect(roles(done)).toEqual([
        ['entry', 'FILLED'],
        ['target', 'FILLED'],
        ['stop', 'CANCELLED'],
      ]);
      expect(done!.active).toBe(false);
      const [, target, stop] = ack.legs.map((l) => l.brokerOrderId);
      await arrives(() => {
        expect(updates.filter((u) => u.brokerOrderId === target).at(-1)).toMatchObject({ state: 'FILLED' });
        expect(updates.filter((u) => u.brokerOrderId === stop).at(-1)).toMatchObject({ state: 'CANCELLED' });
      });
      await expect(exits.cancel(ctx, ack.groupId)).resolves.toBeUndefined();
      // The order book shows the legs, each an order; the trade book the two fills.
      const book = await adapter.orders(ctx);
      expect(book.filter((o) => ack.legs.some((l) => l.brokerOrderId === o.brokerOrderId)).map((o) => o.state)).toEqual(['FILLED', 'FILLED', 'CANCELLED']);
    }),
  ),
  behaviour('exits', 'an OCO on shares held: a retried ticket finds it by its tag; a cancel ends both legs; a second cancel is no error', () =>
    withRig(async (rig, ctx) => {
      await adapter.placeOrder(ctx, { symbol: 'US:AAPL', side: 'BUY', quantity: 3, type: 'MARKET', clientOrderId: 'hold-aapl' });
      const price = priceAt('AAPL', rig.clock.now());
      const oco = request(rig, {
        kind: 'oco',
        entry: undefined,
        quantity: 3,
        targetPrice: cents(price * 1.1),
        stopPrice: cents(price * 0.9),
        stopLimitPrice: cents(price * 0.89),
        timeInForce: 'GTC',
        clientOrderId: 'exit-oco-1',
      });
      const ack = await exits.place(ctx, oco);
      expect(ack.legs.map((l) => [l.role, l.state])).toEqual([
        ['target', 'OPEN'],
        ['stop', 'OPEN'],
      ]);
      expect(await exits.place(ctx, oco)).toEqual(ack);
      expect(rig.sim.exchange.list()).toHaveLength(3);
      const working = await exits.status(ctx, ack.groupId);
      expect(working!.legs.map((l) => [l.type, l.limitPrice, l.side, l.quantity])).toEqual([
        ['LIMIT', cents(price * 1.1), 'SELL', 3],
        ['STOP_LIMIT', cents(price * 0.89), 'SELL', 3],
      ]);
      await exits.cancel(ctx, ack.groupId);
      const cancelled = await exits.status(ctx, ack.groupId);
      expect(roles(cancelled)).toEqual([
        ['target', 'CANCELLED'],
        ['stop', 'CANCELLED'],
      ]);
      expect(cancelled!.active).toBe(false);
      await expect(exits.cancel(ctx, ack.groupId)).resolves.toBeUndefined();
      expect(await exits.status(ctx, '999999')).toBeNull();
    }),
  ),
  behaviour('exits', 'a cancel that races the target’s fill ends quietly: a group that finished meanwhile is not an error', () =>
    withRig(async (rig, ctx) => {
      const ack = await exits.place(ctx, request(rig, { quantity: 1, clientOrderId: 'exit-race' }));
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
  behaviour(['exits', 'errors', 'secrets'], 'Tradier’s refusals are BROKER_REJECTED in its words; a margin failure shows on the entry; no token in them', () =>
    withRig(async (rig, ctx) => {
      const fractional = await failure(exits.place(ctx, request(rig, { quantity: 1.5 })));
      expect([fractional.code, fractional.httpStatus, fractional.message]).toEqual([
        'BROKER_REJECTED',
        400,
        'Tradier rejected the request: OrderQuantity: order quantity must be at least 1',
      ]);
      const trailing = await failure(exits.place(ctx, request(rig, { kind: 'trailing', trail: { percent: 1 } })));
      expect(trailing.code).toBe('NOT_SUPPORTED');
      expect(rig.sim.exchange.list()).toEqual([]);
      // Risk checks come after acceptance (the sheet): the entry shows rejected with Tradier's reason.
      const big = await exits.place(ctx, request(rig, { quantity: 10_000, clientOrderId: 'exit-big' }));
      const refused = await exits.status(ctx, big.groupId);
      expect(refused!.legs[0]).toMatchObject({ role: 'entry', state: 'REJECTED', message: expect.stringContaining('InitialMargin') });
      expect(roles(refused)).toEqual([
        ['entry', 'REJECTED'],
        ['target', 'REJECTED'],
        ['stop', 'REJECTED'],
      ]);
      expect(refused!.active).toBe(false);
      const forms = Object.values(rig.sim.credentials).flatMap(canaryForms);
      const text = JSON.stringify([fractional, trailing].map((e) => [e.message, e.stack, { ...e }]));
      for (const form of forms) expect(text).not.toContain(form);
    }),
  ),
];
