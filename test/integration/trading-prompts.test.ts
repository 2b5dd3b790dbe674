import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, type RunningSim } from '../support/brokers-ipc/cases';
import { connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';
import { priceAt } from '../simulators/exchange';

/**
 * Broker-side checks surfaced to the trader through the order path: IBKR's order questions are shown and
 * answered by the trader (never by BrokerVault), and tastytrade's dry run stops an order before anything
 * is journaled or sent.
 */

let w: World;
const sims: RunningSim[] = [];

async function live(broker: 'ibkr' | 'tastytrade'): Promise<string> {
  const c = CASES.find((x) => x.id === broker)!;
  const sim = await c.start(w.clock);
  sims.push(sim);
  const { view } = await connect(w, c, sim);
  nextWindow(w);
  const checked = await w.g.ok('connections:validate', { id: view.id });
  if (checked.status !== 'valid') throw new Error(`${broker}: ${checked.status} ${checked.lastError}`);
  const request = await w.g.ok('mode:requestLive', { connectionId: view.id });
  await w.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase });
  return view.id;
}

beforeAll(async () => {
  w = await makeWorld();
});
afterAll(async () => {
  w.g.close();
  await Promise.all(sims.map((s) => s.close()));
});

describe('IBKR order questions', () => {
  let big: number;
  beforeAll(async () => {
    await live('ibkr');
    big = Math.ceil(30_000 / priceAt('US:AAPL', w.clock.now()));
  });

  it('are shown to the trader; confirming places exactly one order', async () => {
    nextWindow(w);
    const asked = await w.g.ok('orders:place', { ticketId: 'ibkr-big-0001', symbol: 'US:AAPL', side: 'BUY', quantity: big, type: 'MARKET' });
    if (asked.status !== 'needs-broker-answer') throw new Error(`expected a question, got ${asked.status}`);
    expect(asked.prompts[0]).toContain('exceeds the Total Value Limit');
    expect(asked.order).toMatchObject({ state: 'PENDING', brokerOrderId: null, message: expect.stringContaining('Waiting for your answer') });
    // Nothing was placed, and a refresh does not give up on an order waiting for its answer.
    await w.g.ok('orders:refresh');
    expect((await w.g.ok('orders:list', {})).find((o) => o.id === asked.order.id)!.state).toBe('PENDING');

    // Sunday night in New York: after the value question IBKR asks about trading outside regular hours.
    nextWindow(w);
    const second = await w.g.ok('orders:answerPrompt', { orderId: asked.order.id, replyId: asked.replyId, confirm: true });
    if (second.status !== 'needs-broker-answer') throw new Error(`expected a second question, got ${second.status}`);
    expect(second.prompts[0]).toContain('outside regular trading hours');
    expect(second.replyId).not.toBe(asked.replyId);
    nextWindow(w);
    const answered = await w.g.ok('orders:answerPrompt', { orderId: asked.order.id, replyId: second.replyId, confirm: true });
    if (answered.status !== 'placed') throw new Error(`expected placed, got ${answered.status}`);
    expect(answered.order).toMatchObject({ state: 'FILLED', quantity: big });
    expect(answered.order.brokerOrderId).not.toBeNull();
    // The same answer twice is refused: the question is closed.
    const again = await w.g.call('orders:answerPrompt', { orderId: asked.order.id, replyId: asked.replyId, confirm: true });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const audit = await w.g.ok('audit:list', { action: 'order.update', limit: 50 });
    expect(audit.entries.some((e) => e.detail.orderId === asked.order.id && e.detail.answer === 'confirmed')).toBe(true);
  });

  it('declined: nothing is placed and the order says why', async () => {
    nextWindow(w);
    const asked = await w.g.ok('orders:place', { ticketId: 'ibkr-big-0002', symbol: 'US:AAPL', side: 'BUY', quantity: big, type: 'MARKET' });
    if (asked.status !== 'needs-broker-answer') throw new Error(`expected a question, got ${asked.status}`);
    nextWindow(w);
    const declined = await w.g.ok('orders:answerPrompt', { orderId: asked.order.id, replyId: asked.replyId, confirm: false });
    expect(declined).toMatchObject({ status: 'placed', order: { state: 'CANCELLED', brokerOrderId: null, message: expect.stringContaining('declined') } });
  });

  it('a wrong reply id is refused and changes nothing', async () => {
    nextWindow(w);
    const asked = await w.g.ok('orders:place', { ticketId: 'ibkr-big-0003', symbol: 'US:AAPL', side: 'BUY', quantity: big, type: 'MARKET' });
    if (asked.status !== 'needs-broker-answer') throw new Error(`expected a question, got ${asked.status}`);
    const wrong = await w.g.call('orders:answerPrompt', { orderId: asked.order.id, replyId: 'not-the-reply', confirm: true });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await w.g.ok('orders:list', {})).find((o) => o.id === asked.order.id)!.state).toBe('PENDING');
  });
});

describe('tastytrade dry run', () => {
  beforeAll(async () => {
    await w.g.ok('mode:goPaper');
    nextWindow(w);
    await live('tastytrade');
  });

  it('stops an order the broker would refuse before it is journaled or sent', async () => {
    const before = (await w.g.ok('orders:list', {})).length;
    const refused = await w.g.call('orders:place', { ticketId: 'tt-huge-0001', symbol: 'US:AAPL', side: 'BUY', quantity: 1_000_000, type: 'MARKET' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BROKER_REJECTED', message: expect.stringContaining('buying power') } });
    expect((await w.g.ok('orders:list', {})).length).toBe(before);
  });

  it('lets an acceptable order through', async () => {
    nextWindow(w);
    const placed = await w.g.ok('orders:place', { ticketId: 'tt-small-0001', symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET' });
    expect(placed).toMatchObject({ status: 'placed', order: { mode: 'live', broker: 'tastytrade' } });
    if (placed.status === 'placed') expect(placed.order.state).not.toBe('REJECTED');
  });
});
