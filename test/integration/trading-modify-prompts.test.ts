import { afterAll, beforeAll, expect, it } from 'vitest';
import { CASES, type RunningSim } from '../support/brokers-ipc/cases';
import { connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';
import { priceAt } from '../simulators/exchange';

/**
 * A broker's question about a change (IBKR asks before modifying as before placing): BrokerVault never answers it
 * for the trader and has no answer path for changes yet, so the trader is told and nothing changes at the broker.
 */

let w: World;
let sim: RunningSim;

beforeAll(async () => {
  w = await makeWorld();
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

it('a question about a change is shown in the refusal; the order keeps its terms in the journal and at IBKR', async () => {
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
  const refused = await w.g.call('orders:modify', { ...request, confirmationId: held.confirmationId });
  expect(refused.ok ? null : refused.error).toMatchObject({
    code: 'BROKER_REJECTED',
    message: expect.stringMatching(/^The broker asks before changing this order: .*exceeds the Total Value Limit.*nothing was changed\.$/),
  });
  expect((await w.g.ok('orders:list', {})).find((o) => o.id === order.id)).toMatchObject({ quantity: 1, state: 'OPEN' });
  expect(sim.exchange!.get(order.brokerOrderId!)).toMatchObject({ quantity: 1, status: 'OPEN' });
});
