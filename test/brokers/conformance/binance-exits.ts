import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/binance/adapter';
import type { BrokerContext, ProtectiveExitRequest } from '../../../src/main/brokers/types';
import type { OrderUpdate } from '../../../src/main/streaming/types';
import { binanceStreamRig, type BinanceStreamRig } from '../../support/binance-stream';
import { arrives } from '../../support/stream-steps';
import { priceAt } from '../../simulators/exchange';
import { BinanceSpec } from '../../simulators/binance/spec';
import { canaryForms, failure } from '../support';
import { behaviour } from './suite';
import { type Seen, cents, elapse, recordingFetch, roles } from './exit-steps';

const exits = adapter.protectiveExits!;

/**
 * A fresh simulator on a manual clock (the price path rises from 12:00:00 for 2.5 minutes) holding 1 BTC, with the
 * user data stream open; `seen` records every answer for the spec check.
 */
async function withRig(
  body: (rig: BinanceStreamRig, ctx: BrokerContext, updates: OrderUpdate[], seen: Seen[], credentials: Record<string, string>) => Promise<void>,
  credentials?: (rig: BinanceStreamRig) => Record<string, string>,
): Promise<void> {
  const rig = await binanceStreamRig();
  const { fetch: recording, seen } = recordingFetch();
  const keys = credentials?.(rig) ?? rig.sim.credentials;
  const ctx = { ...rig.ctx(keys), fetch: recording };
  const orders = rig.openOrders(ctx);
  try {
    await arrives(() => expect(orders.statuses).toContainEqual({ state: 'open' }));
    await adapter.placeOrder(ctx, { symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'hold-btc' });
    await body(rig, ctx, orders.orders, seen, keys);
  } finally {
    await rig.close();
  }
}

function oco(rig: BinanceStreamRig, overrides: Partial<ProtectiveExitRequest> = {}): ProtectiveExitRequest {
  const price = priceAt('BTCUSDT', rig.clock.now());
  return {
    kind: 'oco',
    symbol: 'CRYPTO:BTCUSDT',
    exitSide: 'SELL',
    quantity: 1,
    targetPrice: cents(price * 1.01),
    stopPrice: cents(price * 0.97),
    clientOrderId: 'exit-oco-1',
    ...overrides,
  };
}

/** Native exits: Binance's OCO order lists (POST/GET/DELETE /api/v3/orderList…), against the simulator. */
export const binanceExitCases = [
  behaviour('exits', 'holds OCO itself and leaves bracket and trailing to BrokerVault', () => {
    expect(exits.kinds).toEqual(['oco']);
  }),
  behaviour('exits', 'an OCO: the limit maker fills on the rising path, the stop expires, and both arrive as executionReports', () =>
    withRig(async (rig, ctx, updates, seen) => {
      const request = oco(rig);
      const ack = await exits.place(ctx, request);
      expect(ack.groupId).toMatch(/^BTCUSDT:list:\d+$/);
      expect(ack.legs.map((l) => [l.role, l.state])).toEqual([
        ['stop', 'OPEN'],
        ['target', 'OPEN'],
      ]);
      const working = await exits.status(ctx, ack.groupId);
      expect(working!.active).toBe(true);
      expect(working!.legs.map((l) => [l.role, l.type, l.limitPrice, l.side, l.quantity])).toEqual([
        ['stop', 'STOP', null, 'SELL', 1],
        ['target', 'LIMIT', request.targetPrice, 'SELL', 1],
      ]);
      await elapse(rig, 60_000);
      const done = await exits.status(ctx, ack.groupId);
      expect(roles(done)).toEqual([
        ['stop', 'EXPIRED'],
        ['target', 'FILLED'],
      ]);
      expect(done!.active).toBe(false);
      expect(done!.legs[1]!.averagePrice).toBe(request.targetPrice);
      const [stop, target] = ack.legs.map((l) => l.brokerOrderId);
      await arrives(() => {
        expect(updates.filter((u) => u.brokerOrderId === target).at(-1)).toMatchObject({ state: 'FILLED', filledQuantity: 1 });
        expect(updates.filter((u) => u.brokerOrderId === stop).at(-1)).toMatchObject({ state: 'EXPIRED' });
      });
      // Cancelling a list that ended is not an error (Binance answers -2011).
      await expect(exits.cancel(ctx, ack.groupId)).resolves.toBeUndefined();
      const spec = new BinanceSpec();
      expect(seen.flatMap((x) => spec.check(x.method, x.path, x.status, x.body))).toEqual([]);
      expect(seen.map((x) => `${x.method} ${x.path} ${x.status}`)).toEqual(
        expect.arrayContaining(['POST /api/v3/orderList/oco 200', 'GET /api/v3/orderList 200', 'DELETE /api/v3/orderList 400']),
      );
    }),
  ),
  behaviour('exits', 'a retried OCO ticket finds the working list; a cancel ends both legs; a second cancel is no error', () =>
    withRig(async (rig, ctx, _updates, seen) => {
      const request = oco(rig, {
        stopPrice: cents(priceAt('BTCUSDT', rig.clock.now()) * 0.9),
        stopLimitPrice: cents(priceAt('BTCUSDT', rig.clock.now()) * 0.89),
      });
      const ack = await exits.place(ctx, request);
      const again = await exits.place(ctx, request);
      expect(again).toEqual(ack);
      expect(rig.sim.orderLists.lists.size).toBe(1);
      await exits.cancel(ctx, ack.groupId);
      const cancelled = await exits.status(ctx, ack.groupId);
      expect(roles(cancelled)).toEqual([
        ['stop', 'CANCELLED'],
        ['target', 'CANCELLED'],
      ]);
      expect(cancelled!.active).toBe(false);
      await expect(exits.cancel(ctx, ack.groupId)).resolves.toBeUndefined();
      expect(await exits.status(ctx, 'BTCUSDT:list:999')).toBeNull();
      const spec = new BinanceSpec();
      expect(seen.flatMap((x) => spec.check(x.method, x.path, x.status, x.body))).toEqual([]);
    }),
  ),
  behaviour(['exits', 'errors', 'secrets'], 'Binance’s refusals are BROKER_REJECTED in its words (-2010), with no key in them', () =>
    withRig(async (rig, ctx, _updates, _seen, keys) => {
      const price = priceAt('BTCUSDT', rig.clock.now());
      // SELL: limit price > last price > stop price; a target under the market breaks it.
      const wrongSide = await failure(exits.place(ctx, oco(rig, { targetPrice: cents(price * 0.99) })));
      expect([wrongSide.code, wrongSide.httpStatus, wrongSide.message]).toEqual([
        'BROKER_REJECTED',
        400,
        'Binance rejected the OCO: The relationship of the prices for the orders is not correct.',
      ]);
      const tooMuch = await failure(exits.place(ctx, oco(rig, { quantity: 2 })));
      expect(tooMuch.message).toBe('Binance rejected the OCO: Account has insufficient balance for requested action.');
      const bracket = await failure(exits.place(ctx, oco(rig, { kind: 'bracket', entry: { type: 'MARKET' } })));
      expect(bracket.code).toBe('NOT_SUPPORTED');
      expect(rig.sim.orderLists.lists.size).toBe(0);
      const forms = Object.values(keys).flatMap((v) => [...canaryForms(v), ...v.split('\n').filter((l) => l.length > 20)]);
      const text = JSON.stringify([wrongSide, tooMuch, bracket].map((e) => [e.message, e.stack, { ...e }]));
      for (const form of forms) expect(text).not.toContain(form);
    }),
  ),
  behaviour('exits', 'the Ed25519 connection shares the OCO lists, signed with its own key', () =>
    withRig(
      async (rig, ctx) => {
        const ack = await exits.place(ctx, oco(rig, { clientOrderId: 'exit-ed25519' }));
        expect(roles(await exits.status(ctx, ack.groupId))).toEqual([
          ['stop', 'OPEN'],
          ['target', 'OPEN'],
        ]);
        await exits.cancel(ctx, ack.groupId);
        expect((await exits.status(ctx, ack.groupId))!.active).toBe(false);
      },
      (rig) => rig.sim.ed25519Credentials,
    ),
  ),
];
