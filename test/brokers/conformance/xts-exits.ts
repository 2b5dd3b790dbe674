import { expect } from 'vitest';
import type { BrokerAdapter, ProtectiveExitRequest } from '../../../src/main/brokers/types';
import { priceAt } from '../../simulators/exchange';
import { xtsStreamRig, type XtsStreamRig } from '../../support/xts-stream';
import { canaryForms, expectNoCanary, failure } from '../support';
import { behaviour, type ConformanceCase } from './suite';
import { tick } from './exit-steps';

/** The exits section for an XTS deployment: brackets as XTS bracket orders (`/interactive/orders/bracket`). */
export function xtsExitCases(adapter: BrokerAdapter): ConformanceCase[] {
  const exits = adapter.protectiveExits!;

  /** A fresh simulator at 10:30 IST (NSE:INFY rises 1.4 % in 75 s and is 2 % down at 7.5 min), logged in, master loaded. */
  async function withRig(body: (rig: XtsStreamRig) => Promise<void>): Promise<void> {
    const rig = await xtsStreamRig(adapter);
    try {
      rig.instruments = await adapter.fetchInstruments!(rig.ctx());
      await body(rig);
    } finally {
      await rig.close();
    }
  }

  /** A long bracket whose LIMIT entry fills at once (a buy limit just above the price). */
  function bracket(rig: XtsStreamRig, overrides: Partial<ProtectiveExitRequest> = {}) {
    const last = priceAt('NSE:INFY', rig.clock.now());
    const entryPrice = tick(last + 0.5);
    const request: ProtectiveExitRequest = {
      kind: 'bracket',
      symbol: 'NSE:INFY',
      exitSide: 'SELL',
      quantity: 2,
      entry: { type: 'LIMIT', limitPrice: entryPrice },
      targetPrice: tick(last * 1.01),
      stopPrice: tick(last * 0.99),
      clientOrderId: 'bv-exit-0001',
      ...overrides,
    };
    return { last, entryPrice, request };
  }

  return [
    behaviour('exits', 'declares bracket only; OCO, a market entry, a percentage trail and a wrong-side stop are refused before anything is sent', () =>
      withRig(async (rig) => {
        expect(exits.kinds).toEqual(['bracket']);
        const { request, last } = bracket(rig);
        for (const r of [
          { ...request, kind: 'oco' as const },
          { ...request, entry: { type: 'MARKET' as const } },
          { ...request, trail: { percent: 1 } },
        ]) {
          expect((await failure(exits.place(rig.ctx(), r))).code).toBe('NOT_SUPPORTED');
        }
        const wrong = await failure(exits.place(rig.ctx(), { ...request, stopPrice: tick(last * 1.02) }));
        expect([wrong.code, wrong.message]).toEqual(['BROKER_REJECTED', 'For a long bracket the target must be above and the stop below the entry price.']);
        expect(rig.sim.exchange.list()).toEqual([]);
      }),
    ),
    behaviour('exits', 'a bracket order: the entry fills, target and stop legs work (BO, same identifier), the target fills and the stop is cancelled', () =>
      withRig(async (rig) => {
        const { entryPrice, request } = bracket(rig);
        const ack = await exits.place(rig.ctx(), request);
        expect(ack).toEqual({ groupId: expect.stringMatching(/^\d+$/), legs: [{ role: 'entry', brokerOrderId: ack.groupId, state: 'PENDING' }] });
        expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({
          active: true,
          legs: [
            { role: 'entry', side: 'BUY', state: 'FILLED', averagePrice: entryPrice, clientOrderId: 'bv-exit-0001' },
            { role: 'target', side: 'SELL', state: 'OPEN', type: 'LIMIT', limitPrice: request.targetPrice },
            { role: 'stop', side: 'SELL', state: 'OPEN' },
          ],
        });
        rig.clock.advance(75_000);
        expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({
          active: false,
          legs: [
            { role: 'entry', state: 'FILLED' },
            { role: 'target', state: 'FILLED' },
            { role: 'stop', state: 'CANCELLED' },
          ],
        });
        await exits.cancel(rig.ctx(), ack.groupId);
      }),
    ),
    behaviour('exits', 'a trailing stop-loss follows the rising price by whole steps; then the stop fills and the target is cancelled', () =>
      withRig(async (rig) => {
        const { entryPrice, request } = bracket(rig);
        const ack = await exits.place(rig.ctx(), { ...request, targetPrice: tick(entryPrice * 1.06), trail: { amount: 1 } });
        rig.clock.advance(60_000);
        const steps = Math.floor(priceAt('NSE:INFY', rig.clock.now()) - entryPrice);
        expect(steps).toBeGreaterThan(0);
        await exits.status(rig.ctx(), ack.groupId);
        const stop = rig.sim.exchange.list().find((o) => o.type === 'STOP')!;
        expect(stop.stopPrice).toBeCloseTo(request.stopPrice! + steps, 2);
        rig.clock.advance(390_000);
        expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({
          active: false,
          legs: [
            { role: 'entry', state: 'FILLED' },
            { role: 'target', state: 'CANCELLED' },
            { role: 'stop', state: 'FILLED' },
          ],
        });
      }),
    ),
    behaviour('exits', 'cancel: a waiting entry is cancelled (no legs arm), an armed bracket loses both legs; again, or unknown, is no error', () =>
      withRig(async (rig) => {
        const { last, request } = bracket(rig);
        const waiting = await exits.place(rig.ctx(), { ...request, entry: { type: 'LIMIT', limitPrice: tick(last * 0.95) }, stopPrice: tick(last * 0.9) });
        await exits.cancel(rig.ctx(), waiting.groupId);
        expect(await exits.status(rig.ctx(), waiting.groupId)).toMatchObject({ active: false, legs: [{ role: 'entry', state: 'CANCELLED' }] });
        const armed = await exits.place(rig.ctx(), { ...request, clientOrderId: 'bv-exit-0002' });
        await exits.cancel(rig.ctx(), armed.groupId);
        expect(await exits.status(rig.ctx(), armed.groupId)).toMatchObject({
          active: false,
          legs: [
            { role: 'entry', state: 'FILLED' },
            { role: 'target', state: 'CANCELLED' },
            { role: 'stop', state: 'CANCELLED' },
          ],
        });
        await exits.cancel(rig.ctx(), armed.groupId);
        expect(await exits.status(rig.ctx(), '1299999999')).toBeNull();
        await exits.cancel(rig.ctx(), '1299999999');
      }),
    ),
    behaviour(['exits', 'errors', 'secrets'], "the broker's own refusal is BROKER_REJECTED in our words, nothing placed, no secret", () =>
      withRig(async (rig) => {
        const error = await failure(exits.place(rig.ctx(), { ...bracket(rig).request, quantity: 1.5 }));
        expect(error.code).toBe('BROKER_REJECTED');
        expect(error.message).toContain('orderQuantity');
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
    behaviour(['exits', 'streaming'], "a bracket's legs arrive on the order stream: entry and target filled, stop cancelled, without a REST call", () =>
      withRig(async (rig) => {
        const socket = rig.openOrders();
        await rig.stepUntil(3_000, () => expect(socket.statuses).toEqual([{ state: 'open' }]));
        const ack = await exits.place(rig.ctx(), bracket(rig).request);
        await rig.tickUntil(75_000, () => {
          const last = new Map(socket.orders.map((o) => [o.brokerOrderId, o.state]));
          expect(last.get(ack.groupId)).toBe('FILLED');
          expect([...last.values()].sort()).toEqual(['CANCELLED', 'FILLED', 'FILLED']);
        });
      }),
    ),
  ];
}
