import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/zerodha/adapter';
import type { BrokerContext, ProtectiveExitRequest } from '../../../src/main/brokers/types';
import type { ManualClock } from '../../../src/main/clock';
import { priceAt } from '../../simulators/exchange';
import type { ZerodhaSimHandle } from '../../simulators/zerodha';
import { zerodhaStreamRig } from '../../support/zerodha-stream';
import { canaryForms, expectNoCanary, failure } from '../support';
import { behaviour } from './suite';
import { tick } from './exit-steps';

/** What the exit cases need from the broker's cases file: its simulator, clock and a context on it. */
export interface KiteExitRig {
  sim: () => ZerodhaSimHandle;
  clock: () => ManualClock;
  ctx: () => BrokerContext;
  /** A context whose requests first pass through `before` (a test moves the market at a chosen request). */
  ctxWith: (before: (url: string, method: string) => void) => BrokerContext;
}

const exits = adapter.protectiveExits!;
/** On the 0.05 tick grid. */

function oco(overrides: Partial<ProtectiveExitRequest> = {}): ProtectiveExitRequest {
  return { kind: 'oco', symbol: 'NSE:INFY', exitSide: 'SELL', quantity: 2, clientOrderId: 'bv-exit-0001', ...overrides };
}

/**
 * The exits section for Zerodha: an OCO is a two-leg GTT, a lone stop or target a single GTT, fired by the
 * simulator's LTP (the shared price path: +1.4 % after 75 s, −2 % at 7.5 min from the 09:30 start).
 */
export function zerodhaExitCases(rig: KiteExitRig) {
  const sellOco = () => {
    const last = priceAt('NSE:INFY', rig.clock().now());
    const stopPrice = tick(last * 0.99);
    const targetPrice = tick(last * 1.01);
    return { last, stopPrice, targetPrice, request: oco({ stopPrice, targetPrice, stopLimitPrice: stopPrice - 1 }) };
  };

  return [
    behaviour('exits', 'declares OCO only (a GTT); Kite has no bracket order and no trailing GTT, which stay with BrokerVault', async () => {
      expect(exits.kinds).toEqual(['oco']);
      const error = await failure(exits.place(rig.ctx(), oco({ kind: 'bracket', entry: { type: 'MARKET' }, stopPrice: 200, targetPrice: 300 })));
      expect(error.code).toBe('NOT_SUPPORTED');
      expect(rig.sim().gtt.triggers.size).toBe(0);
    }),
    behaviour('exits', 'an OCO is one two-leg GTT: stop below and target above the LTP it sends, LIMIT orders in that order, no legs yet', async () => {
      const { last, stopPrice, targetPrice, request } = sellOco();
      const ack = await exits.place(rig.ctx(), request);
      expect(ack.groupId).toMatch(/^\d+$/);
      expect(ack.legs).toEqual([]);
      const trigger = rig.sim().gtt.triggers.get(Number(ack.groupId))!;
      expect(trigger).toMatchObject({ type: 'two-leg', status: 'active' });
      expect(trigger.condition).toMatchObject({ exchange: 'NSE', tradingsymbol: 'INFY', trigger_values: [stopPrice, targetPrice] });
      expect(trigger.condition.last_price).toBeCloseTo(last, 0);
      expect(trigger.orders.map((o) => [o.transaction_type, o.order_type, o.product, o.quantity, o.price])).toEqual([
        ['SELL', 'LIMIT', 'CNC', 2, stopPrice - 1],
        ['SELL', 'LIMIT', 'CNC', 2, targetPrice],
      ]);
      expect(await exits.status(rig.ctx(), ack.groupId)).toEqual({ active: true, legs: [] });
      expect(rig.sim().exchange.list()).toEqual([]);
    }),
    behaviour('exits', 'the target trigger places and fills the target leg; the stop leg is never placed (the GTT is spent)', async () => {
      const { targetPrice, request } = sellOco();
      const ack = await exits.place(rig.ctx(), request);
      rig.clock().advance(75_000);
      const status = await exits.status(rig.ctx(), ack.groupId);
      expect(status).toMatchObject({ active: false, legs: [{ role: 'target', side: 'SELL', quantity: 2, state: 'FILLED', averagePrice: targetPrice }] });
      expect(status!.legs).toHaveLength(1);
      expect(
        rig
          .sim()
          .exchange.list()
          .map((o) => [o.side, o.limitPrice]),
      ).toEqual([['SELL', targetPrice]]);
      expect(rig.sim().gtt.triggers.get(Number(ack.groupId))!.status).toBe('triggered');
      // Cancelling a finished group is not an error, and changes nothing.
      await exits.cancel(rig.ctx(), ack.groupId);
      expect((await exits.status(rig.ctx(), ack.groupId))!.legs[0]!.state).toBe('FILLED');
    }),
    behaviour('exits', 'the stop trigger places the stop leg (working below the market); cancelling the group cancels that leg', async () => {
      const { stopPrice, request } = sellOco();
      const ack = await exits.place(rig.ctx(), request);
      rig.clock().advance(450_000);
      const triggered = await exits.status(rig.ctx(), ack.groupId);
      expect(triggered).toMatchObject({ active: true, legs: [{ role: 'stop', side: 'SELL', state: 'OPEN', limitPrice: stopPrice - 1 }] });
      await exits.cancel(rig.ctx(), ack.groupId);
      expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({ active: false, legs: [{ role: 'stop', state: 'CANCELLED' }] });
      expect(
        rig
          .sim()
          .exchange.list()
          .filter((o) => o.status === 'OPEN'),
      ).toEqual([]);
    }),
    behaviour('exits', 'cancelling a waiting GTT deletes it; a second cancel and an unknown id are no error; status of an unknown id is null', async () => {
      const ack = await exits.place(rig.ctx(), sellOco().request);
      await exits.cancel(rig.ctx(), ack.groupId);
      expect(rig.sim().gtt.triggers.get(Number(ack.groupId))!.status).toBe('deleted');
      expect(await exits.status(rig.ctx(), ack.groupId)).toEqual({ active: false, legs: [] });
      await exits.cancel(rig.ctx(), ack.groupId);
      // Deleted before its price came: nothing is placed later.
      rig.clock().advance(75_000);
      expect(await exits.status(rig.ctx(), ack.groupId)).toEqual({ active: false, legs: [] });
      expect(rig.sim().exchange.list()).toEqual([]);
      await exits.cancel(rig.ctx(), '999999');
      expect(await exits.status(rig.ctx(), '999999')).toBeNull();
    }),
    behaviour(
      'exits',
      'interleaving: the target triggers and fills while the GTT is being deleted; Kite refuses the delete and cancel still succeeds',
      async () => {
        const { request } = sellOco();
        const ack = await exits.place(rig.ctx(), request);
        const racing = rig.ctxWith((url, method) => {
          if (method === 'DELETE' && url.includes('/gtt/triggers/')) rig.clock().advance(75_000);
        });
        await exits.cancel(racing, ack.groupId);
        expect(rig.sim().gtt.triggers.get(Number(ack.groupId))!.status).toBe('triggered');
        expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({ active: false, legs: [{ role: 'target', state: 'FILLED' }] });
      },
    ),
    behaviour('exits', 'interleaving: the stop triggers while the GTT is being deleted; cancel then cancels the stop leg it placed', async () => {
      const { request } = sellOco();
      const ack = await exits.place(rig.ctx(), request);
      const racing = rig.ctxWith((url, method) => {
        if (method === 'DELETE' && url.includes('/gtt/triggers/')) rig.clock().advance(450_000);
      });
      await exits.cancel(racing, ack.groupId);
      expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({ active: false, legs: [{ role: 'stop', state: 'CANCELLED' }] });
      expect(
        rig
          .sim()
          .exchange.list()
          .map((o) => o.status),
      ).toEqual(['CANCELLED']);
    }),
    behaviour('exits', 'a lone stop covering a short is a single GTT above the LTP; its BUY leg fills when the price rises to it', async () => {
      const last = priceAt('NSE:INFY', rig.clock().now());
      const stopPrice = tick(last * 1.01);
      const ack = await exits.place(rig.ctx(), oco({ exitSide: 'BUY', stopPrice, stopLimitPrice: tick(last * 1.05) }));
      expect(rig.sim().gtt.triggers.get(Number(ack.groupId))).toMatchObject({ type: 'single', condition: { trigger_values: [stopPrice] } });
      rig.clock().advance(75_000);
      expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({ active: false, legs: [{ role: 'stop', side: 'BUY', state: 'FILLED' }] });
    }),
    behaviour(
      ['exits', 'errors', 'secrets'],
      'a target on the wrong side is refused by Kite: BROKER_REJECTED in our words with its reason, nothing placed, no secret',
      async () => {
        const last = priceAt('NSE:INFY', rig.clock().now());
        const error = await failure(exits.place(rig.ctx(), oco({ stopPrice: tick(last * 0.97), targetPrice: tick(last * 0.98) })));
        expect(error.code).toBe('BROKER_REJECTED');
        expect(error.message).toMatch(/^Zerodha rejected the request: Invalid trigger data/);
        expect(rig.sim().gtt.triggers.size).toBe(0);
        const secrets = { ...rig.sim().credentials, ...rig.sim().session };
        expectNoCanary([error], [secrets.api_key!, secrets.api_secret!, secrets.access_token!].flatMap(canaryForms));
        expect((await failure(exits.place(rig.ctx(), oco()))).code).toBe('BROKER_REJECTED');
      },
    ),
    behaviour(['exits', 'streaming'], 'the leg a GTT places arrives on the order stream when the ticker beat fires it, without a REST call', async () => {
      const stream = await zerodhaStreamRig();
      try {
        const orders = stream.openOrders();
        await stream.stepUntil(2_000, () => expect(orders.statuses).toEqual([{ state: 'open' }]));
        const last = priceAt('NSE:INFY', stream.clock.now());
        const targetPrice = tick(last * 1.01);
        await exits.place(stream.ctx(), oco({ stopPrice: tick(last * 0.99), targetPrice }));
        await stream.tickUntil(75_000, () =>
          expect(orders.updates).toEqual([expect.objectContaining({ state: 'FILLED', filledQuantity: 2, averagePrice: targetPrice })]),
        );
        expect(stream.sim.exchange.list().map((o) => o.id)).toEqual([orders.updates[0]!.brokerOrderId]);
      } finally {
        await stream.close();
      }
    }),
  ];
}
