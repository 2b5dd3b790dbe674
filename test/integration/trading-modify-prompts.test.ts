import { afterAll, beforeAll, expect, it } from 'vitest';
import { CASES, type RunningSim } from '../support/brokers-ipc/cases';
import { connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';
import { priceAt } from '../simulators/exchange';

/**
 * A broker's question about a change (IBKR asks before modifying as before placing): an informational notice is
 * confirmed (the trader already confirmed the change), any other question is declined at the gateway and the change
 * refused in words, with nothing changed at the broker or in the journal.
 */

let w: World;
let sim: RunningSim;
/** Answers to the gateway's questions the app sent: `true`/`false` per POST /iserver/reply/{id}. */
const replies: boolean[] = [];
const recording: typeof fetch = async (input, init) => {
  if (init?.method === 'POST' && new URL(String(input)).pathname.includes('/iserver/reply/')) {
    replies.push((JSON.parse(String(init.body)) as { confirmed: boolean }).confirmed);
  }
  return fetch(input, init);
};

beforeAll(async () => {
  w = await makeWorld(undefined, recording);
  const c = CASES.find((x) => x.id === 'ibkr')!;
  sim = await c.start(w.clock);
  const { view } = await connect(w, c, sim);
  nextWindow(w);
  expect((await w.g.ok('connections:validate', { id: view.id })).status).toBe('valid');
  const request = await w.g.ok('mode:requestLive', { connectionId: view.id });
  await w.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase });
});
afterAll(async () => {
  w.g.close();
  await sim.close();
});

it('a risky question about a change is declined and shown in the refusal; the order keeps its terms in the journal and at IBKR', async () => {
  const low = Math.round(priceAt('US:AAPL', w.clock.now()) * 0.5);
  nextWindow(w);
  let result = await w.g.ok('orders:place', { ticketId: 'ibkr-mod-0001', symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: low });
  // The trader answers IBKR's questions about the placement (outside regular hours, at this simulated time).
  while (result.status === 'needs-broker-answer') {
    nextWindow(w);
    result = await w.g.ok('orders:answerPrompt', { orderId: result.order.id, replyId: result.replyId, confirm: true });
  }
  if (result.status !== 'placed') throw new Error(`expected a placed order, got ${result.status}`);
  const order = result.order;
  expect(order.state).toBe('OPEN');

  const big = Math.ceil(30_000 / low);
  const request = { orderId: order.id, requestId: 'ibkr-modify-0001', change: { quantity: big } };
  nextWindow(w);
  const held = await w.g.ok('orders:modify', request);
  if (held.status !== 'needs-confirmation') throw new Error('a live change needs the trader’s confirmation first');
  nextWindow(w);
  replies.length = 0;
  const refused = await w.g.call('orders:modify', { ...request, confirmationId: held.confirmationId });
  // Declined at the gateway, so no change waits there for an answer.
  expect(replies).toEqual([false]);
  expect(refused.ok ? null : refused.error).toMatchObject({
    code: 'BROKER_REJECTED',
    message: expect.stringMatching(/^IBKR asks before changing this order: .*exceeds the Total Value Limit.* so nothing was changed\. Make a smaller change/),
  });
  expect((await w.g.ok('orders:list', {})).find((o) => o.id === order.id)).toMatchObject({ quantity: 1, state: 'OPEN' });
  expect(sim.exchange!.get(order.brokerOrderId!)).toMatchObject({ quantity: 1, status: 'OPEN' });
});

it('an informational notice about a change (held until the open) is confirmed: the change is made, journaled and audited', async () => {
  const low = Math.round(priceAt('US:AAPL', w.clock.now()) * 0.5);
  nextWindow(w);
  let result = await w.g.ok('orders:place', { ticketId: 'ibkr-mod-0002', symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: low });
  while (result.status === 'needs-broker-answer') {
    nextWindow(w);
    result = await w.g.ok('orders:answerPrompt', { orderId: result.order.id, replyId: result.replyId, confirm: true });
  }
  if (result.status !== 'placed') throw new Error(`expected a placed order, got ${result.status}`);
  const order = result.order;
  // Outside regular hours at this simulated time: a market order is held until the open, and IBKR says so.
  const request = { orderId: order.id, requestId: 'ibkr-modify-0002', change: { type: 'MARKET' as const } };
  nextWindow(w);
  const held = await w.g.ok('orders:modify', request);
  if (held.status !== 'needs-confirmation') throw new Error('a live change needs the trader’s confirmation first');
  nextWindow(w);
  replies.length = 0;
  const done = await w.g.ok('orders:modify', { ...request, confirmationId: held.confirmationId });
  expect(replies).toEqual([true]);
  expect(done).toMatchObject({ status: 'modified', order: { id: order.id, type: 'MARKET', limitPrice: null } });
  expect(sim.exchange!.get(order.brokerOrderId!)).toMatchObject({ type: 'MARKET' });
  const audit = (await w.g.ok('audit:list', { limit: 50, action: 'order.modify' })).entries.filter((e) => e.detail.orderId === order.id);
  expect(audit).toHaveLength(1);
});
