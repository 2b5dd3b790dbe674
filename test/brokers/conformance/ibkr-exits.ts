import { expect } from 'vitest';
import { adapter, IbkrConfirmationRequired } from '../../../src/main/brokers/ibkr/adapter';
import type { ProtectiveExitRequest } from '../../../src/main/brokers/types';
import { ibkrStreamRig, type IbkrStreamRig } from '../../support/ibkr-stream';
import { arrives } from '../../support/stream-steps';
import { priceAt } from '../../simulators/exchange';
import { canaryForms, failure } from '../support';
import { behaviour } from './suite';
import { cents, elapse, roles } from './exit-steps';

const exits = adapter.protectiveExits!;

/** A fresh gateway on a manual clock at 10:00 New York, the price path rising for 2.5 minutes. */
async function withRig(body: (rig: IbkrStreamRig) => Promise<void>): Promise<void> {
  const rig = await ibkrStreamRig();
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

function bracket(rig: IbkrStreamRig, overrides: Partial<ProtectiveExitRequest> = {}): ProtectiveExitRequest {
  const price = priceAt('US:AAPL', rig.clock.now());
  return {
    kind: 'bracket',
    symbol: 'US:AAPL',
    exitSide: 'SELL',
    quantity: 2,
    entry: { type: 'MARKET' },
    targetPrice: cents(price * 1.01),
    stopPrice: cents(price * 0.97),
    timeInForce: 'GTC',
    clientOrderId: 'exit-ibkr-1',
    ...overrides,
  };
}

/** Native exits: IBKR Client Portal brackets (parent + children with cOID/parentId in one POST), against the gateway simulator. */
export const ibkrExitCases = [
  behaviour('exits', 'holds brackets itself and leaves OCO and trailing to BrokerVault', () => {
    expect(exits.kinds).toEqual(['bracket']);
  }),
  behaviour('exits', 'a bracket: the parent fills, the children work, the target’s fill cancels the stop, and the legs arrive on the order socket', () =>
    withRig(async (rig) => {
      const orders = rig.openOrders();
      await arrives(() => expect(orders.statuses).toContainEqual({ state: 'open' }));
      const request = bracket(rig);
      const ack = await exits.place(rig.ctx, request);
      expect(ack.legs.map((l) => l.role)).toEqual(['entry', 'target', 'stop']);
      expect(ack.groupId).toBe(ack.legs[0]!.brokerOrderId);
      const working = await exits.status(rig.ctx, ack.groupId);
      expect(roles(working)).toEqual([
        ['entry', 'FILLED'],
        ['target', 'OPEN'],
        ['stop', 'OPEN'],
      ]);
      expect(working!.legs.map((l) => [l.side, l.type, l.quantity])).toEqual([
        ['BUY', 'MARKET', 2],
        ['SELL', 'LIMIT', 2],
        ['SELL', 'STOP', 2],
      ]);
      await elapse(rig, 60_000);
      const done = await exits.status(rig.ctx, ack.groupId);
      expect(roles(done)).toEqual([
        ['entry', 'FILLED'],
        ['target', 'FILLED'],
        ['stop', 'CANCELLED'],
      ]);
      expect(done!.active).toBe(false);
      const [, target, stop] = ack.legs.map((l) => l.brokerOrderId);
      await arrives(() => {
        expect(orders.orders.filter((u) => u.brokerOrderId === target).at(-1)).toMatchObject({ state: 'FILLED' });
        expect(orders.orders.filter((u) => u.brokerOrderId === stop).at(-1)).toMatchObject({ state: 'CANCELLED' });
      });
      await expect(exits.cancel(rig.ctx, ack.groupId)).resolves.toBeUndefined();
      // After a restart (a fresh memo) the children are found by their parent in the live orders; a retried ticket
      // (its cOID already registered) answers with the same bracket.
      await rig.scheduler.advance(5_000);
      const fresh = rig.freshCtx();
      expect(roles(await exits.status(fresh, ack.groupId))).toEqual(roles(done));
      await rig.scheduler.advance(5_000);
      const again = await exits.place(rig.freshCtx(), request);
      expect(again.groupId).toBe(ack.groupId);
      expect(rig.sim.exchange.list()).toHaveLength(3);
    }),
  ),
  behaviour('exits', 'a bracket over the value limit waits for the trader’s answer; cancelling it takes the held children with it', () =>
    withRig(async (rig) => {
      const price = priceAt('US:AAPL', rig.clock.now());
      const quantity = Math.ceil(30_000 / price);
      const request = bracket(rig, {
        quantity,
        entry: { type: 'LIMIT', limitPrice: cents(price * 0.9) },
        targetPrice: cents(price),
        stopPrice: cents(price * 0.8),
      });
      const asked = await exits.place(rig.ctx, request).catch((e: unknown) => e);
      expect(asked).toBeInstanceOf(IbkrConfirmationRequired);
      expect((asked as IbkrConfirmationRequired).prompts[0]).toContain('exceeds the Total Value Limit');
      expect(rig.sim.exchange.orders.size).toBe(0);
      const parent = await adapter.answerPrompt!(rig.ctx, (asked as IbkrConfirmationRequired).replyId, true);
      const working = await exits.status(rig.ctx, parent!.brokerOrderId);
      expect(roles(working)).toEqual([
        ['entry', 'OPEN'],
        ['target', 'OPEN'],
        ['stop', 'OPEN'],
      ]);
      expect(rig.sim.exchange.list().map((o) => o.extra.held)).toEqual(['0', '1', '1']);
      await exits.cancel(rig.ctx, parent!.brokerOrderId);
      const cancelled = await exits.status(rig.ctx, parent!.brokerOrderId);
      expect(roles(cancelled)).toEqual([
        ['entry', 'CANCELLED'],
        ['target', 'CANCELLED'],
        ['stop', 'CANCELLED'],
      ]);
      expect(cancelled!.active).toBe(false);
      await expect(exits.cancel(rig.ctx, parent!.brokerOrderId)).resolves.toBeUndefined();
      expect(await exits.status(rig.ctx, '1999999')).toBeNull();
    }),
  ),
  behaviour('exits', 'a cancel that races the target’s fill ends quietly; a cancel of a working child takes its sibling', () =>
    withRig(async (rig) => {
      const ack = await exits.place(rig.ctx, bracket(rig, { clientOrderId: 'exit-ibkr-race' }));
      let moved = false;
      const racing: typeof fetch = async (input, init) => {
        if (init?.method === 'DELETE' && !moved) {
          moved = true;
          rig.clock.advance(60_000);
        }
        return rig.ctx.fetch(input, init);
      };
      await exits.cancel({ ...rig.ctx, fetch: racing }, ack.groupId);
      expect(moved).toBe(true);
      expect(roles(await exits.status(rig.ctx, ack.groupId))).toEqual([
        ['entry', 'FILLED'],
        ['target', 'FILLED'],
        ['stop', 'CANCELLED'],
      ]);
      // A fresh bracket, its entry filled: cancelling the group cancels the target, which takes the stop with it.
      const second = await exits.place(rig.ctx, bracket(rig, { clientOrderId: 'exit-ibkr-2', targetPrice: cents(priceAt('US:AAPL', rig.clock.now()) * 1.2) }));
      await exits.cancel(rig.ctx, second.groupId);
      expect(roles(await exits.status(rig.ctx, second.groupId))).toEqual([
        ['entry', 'FILLED'],
        ['target', 'CANCELLED'],
        ['stop', 'CANCELLED'],
      ]);
    }),
  ),
  behaviour(['exits', 'errors', 'secrets'], 'the gateway’s refusal is BROKER_REJECTED in its words, with no session in it', () =>
    withRig(async (rig) => {
      const price = priceAt('US:AAPL', rig.clock.now());
      const quantity = Math.ceil(150_000 / price); // more than the account's equity can carry
      const asked = (await exits.place(rig.ctx, bracket(rig, { quantity })).catch((e: unknown) => e)) as IbkrConfirmationRequired;
      expect(asked).toBeInstanceOf(IbkrConfirmationRequired);
      const refused = await failure(adapter.answerPrompt!(rig.ctx, asked.replyId, true));
      expect(refused.code).toBe('BROKER_REJECTED');
      expect(refused.message).toContain('EQUITY WITH LOAN VALUE MUST EXCEED THE INITIAL MARGIN');
      const noEntry = await failure(exits.place(rig.ctx, bracket(rig, { entry: undefined })));
      expect(noEntry.message).toBe('A bracket needs an entry order.');
      const oco = await failure(exits.place(rig.ctx, bracket(rig, { kind: 'oco' })));
      expect(oco.code).toBe('NOT_SUPPORTED');
      expect(rig.sim.exchange.orders.size).toBe(0);
      const secrets = Object.values({ ...rig.sim.credentials, ...rig.sim.session }).filter((v) => v.length >= 8);
      const text = JSON.stringify([refused, noEntry, oco].map((e) => [e.message, e.stack, { ...e }]));
      for (const form of secrets.flatMap(canaryForms)) expect(text).not.toContain(form);
    }),
  ),
];
