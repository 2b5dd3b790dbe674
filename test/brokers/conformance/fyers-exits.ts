import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/fyers/adapter';
import type { ProtectiveExitRequest } from '../../../src/main/brokers/types';
import { priceAt } from '../../simulators/exchange';
import { fyersStreamRig, type FyersStreamRig } from '../../support/fyers-stream';
import { brokerContext, canaryForms, expectNoCanary, failure } from '../support';
import { behaviour } from './suite';
import { tick } from './exit-steps';

const exits = adapter.protectiveExits!;

/** A fresh simulator on its own manual clock (09:30 IST; NSE:INFY rises 1.4 % in 75 s and is 2 % down at 7.5 min). */
async function withRig(body: (rig: FyersStreamRig) => Promise<void>): Promise<void> {
  const rig = await fyersStreamRig();
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

/** A long bracket whose LIMIT entry fills at once (a buy limit just above the price). */
function bracket(rig: FyersStreamRig, overrides: Partial<ProtectiveExitRequest> = {}) {
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

/** The exits section for FYERS: brackets as BO orders (entry, then `<id>-BO-1` stop and `<id>-BO-2` target). */
export const fyersExitCases = [
  behaviour('exits', 'declares bracket only; OCO, trailing, a market entry and a wrong-side target are refused before anything is sent', () =>
    withRig(async (rig) => {
      expect(exits.kinds).toEqual(['bracket']);
      const { request, last } = bracket(rig);
      for (const r of [
        { ...request, kind: 'oco' as const },
        { ...request, entry: { type: 'MARKET' as const } },
        { ...request, trail: { amount: 1 } },
      ]) {
        expect((await failure(exits.place(rig.ctx(), r))).code).toBe('NOT_SUPPORTED');
      }
      const wrong = await failure(exits.place(rig.ctx(), { ...request, stopPrice: tick(last * 1.02) }));
      expect([wrong.code, wrong.message]).toEqual(['BROKER_REJECTED', 'For a long bracket the target must be above and the stop below the entry price.']);
      expect(rig.sim.exchange.list()).toEqual([]);
    }),
  ),
  behaviour('exits', 'a bracket is one BO order: the entry fills, the -BO- legs arm with the distances sent, the target fills and the stop is cancelled', () =>
    withRig(async (rig) => {
      const { entryPrice, targetPrice, stopPrice, request } = bracket(rig);
      const ack = await exits.place(rig.ctx(), request);
      expect(ack).toEqual({ groupId: expect.any(String), legs: [{ role: 'entry', brokerOrderId: ack.groupId, state: 'OPEN' }] });
      expect(rig.sim.brackets.brackets.get(ack.groupId)).toMatchObject({
        takeProfit: Math.round((targetPrice - entryPrice) * 100) / 100,
        stopLoss: Math.round((entryPrice - stopPrice) * 100) / 100,
      });
      expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({
        active: true,
        legs: [
          { role: 'entry', side: 'BUY', state: 'FILLED', averagePrice: entryPrice },
          { role: 'stop', brokerOrderId: `${ack.groupId}-BO-1`, side: 'SELL', state: 'OPEN', type: 'STOP' },
          { role: 'target', brokerOrderId: `${ack.groupId}-BO-2`, side: 'SELL', state: 'OPEN', type: 'LIMIT', limitPrice: targetPrice },
        ],
      });
      rig.clock.advance(75_000);
      expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({
        active: false,
        legs: [
          { role: 'entry', state: 'FILLED' },
          { role: 'stop', state: 'CANCELLED' },
          { role: 'target', state: 'FILLED', averagePrice: targetPrice },
        ],
      });
      await exits.cancel(rig.ctx(), ack.groupId);
    }),
  ),
  behaviour('exits', 'the stop leg fills when the price falls and the target is cancelled', () =>
    withRig(async (rig) => {
      const ack = await exits.place(rig.ctx(), bracket(rig).request);
      rig.clock.advance(450_000);
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
  behaviour('exits', 'cancelling a waiting entry cancels it (no legs arm); cancelling an armed bracket cancels both legs; again, or unknown, is no error', () =>
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
          { role: 'stop', state: 'CANCELLED' },
          { role: 'target', state: 'CANCELLED' },
        ],
      });
      await exits.cancel(rig.ctx(), armed.groupId);
      expect(await exits.status(rig.ctx(), '999999')).toBeNull();
      await exits.cancel(rig.ctx(), '999999');
    }),
  ),
  behaviour('exits', 'interleaving: the entry fills while it is being cancelled; the second pass cancels the legs it armed', () =>
    withRig(async (rig) => {
      const { last, request } = bracket(rig);
      const ack = await exits.place(rig.ctx(), { ...request, entry: { type: 'LIMIT', limitPrice: tick(last * 0.985) }, stopPrice: tick(last * 0.95) });
      let raced = false;
      const racing = brokerContext({
        baseUrl: rig.sim.baseUrl,
        environment: 'live',
        credentials: { ...rig.sim.credentials, ...rig.sim.session },
        clock: rig.clock,
        scheduler: rig.scheduler,
        fetch: (input, init) => {
          // The price path falls 1.9 % by 7 minutes: the entry fills just as its cancel arrives.
          if (!raced && init?.method === 'DELETE') {
            raced = true;
            rig.clock.advance(420_000);
          }
          return fetch(input, init);
        },
      });
      await exits.cancel(racing, ack.groupId);
      expect(raced).toBe(true);
      expect(await exits.status(rig.ctx(), ack.groupId)).toMatchObject({
        active: false,
        legs: [
          { role: 'entry', state: 'FILLED' },
          { role: 'stop', state: 'CANCELLED' },
          { role: 'target', state: 'CANCELLED' },
        ],
      });
    }),
  ),
  behaviour(['exits', 'errors', 'secrets'], "FYERS's own refusal comes back as BROKER_REJECTED in our words, nothing placed, no secret", () =>
    withRig(async (rig) => {
      const error = await failure(exits.place(rig.ctx(), { ...bracket(rig).request, quantity: 0 }));
      expect([error.code, error.message]).toEqual(['BROKER_REJECTED', 'FYERS rejected the request: Invalid qty']);
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
  behaviour(['exits', 'streaming'], "a bracket's legs arrive on the order socket: entry and target traded, stop cancelled, without a REST call", () =>
    withRig(async (rig) => {
      const socket = rig.openOrders();
      await rig.stepUntil(3_000, () => expect(socket.statuses).toEqual([{ state: 'open' }]));
      const ack = await exits.place(rig.ctx(), bracket(rig).request);
      await rig.tickUntil(75_000, () => {
        const last = new Map(socket.updates.map((u) => [u.brokerOrderId, u.state]));
        expect([last.get(ack.groupId), last.get(`${ack.groupId}-BO-1`), last.get(`${ack.groupId}-BO-2`)]).toEqual(['FILLED', 'CANCELLED', 'FILLED']);
      });
    }),
  ),
];
