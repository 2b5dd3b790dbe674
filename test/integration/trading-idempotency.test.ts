import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  auditOf,
  connectSim,
  goLive,
  makeTradingWorld,
  MINUTE,
  nextWindow,
  placeOk,
  startSim,
  ticket,
  type TradingSim,
  type TradingWorld,
} from '../support/trading/world';

/**
 * Live orders against real broker simulators when the network misbehaves: an answer lost after the order
 * reached the broker is looked up by its client order id, never resent, and retrying the same ticket never
 * places a second order. Definitive rejections carry the broker's own words.
 */

let w: TradingWorld;
let alpaca: TradingSim;
let tradier: TradingSim;
const ids: Record<string, string> = {};

const isOrderPost = (path: RegExp) => (r: { method: string; url: URL }) => r.method === 'POST' && path.test(r.url.pathname);
const ALPACA_POST = isOrderPost(/\/v2\/orders$/);
const TRADIER_POST = isOrderPost(/\/v1\/accounts\/[^/]+\/orders$/);
/** Every order lookup or order-book read (GET …/orders…). */
const ORDER_READS = (r: { method: string; url: URL }) => r.method === 'GET' && /\/orders/.test(r.url.pathname);

beforeAll(async () => {
  w = await makeTradingWorld();
  [alpaca, tradier] = await Promise.all([startSim('alpaca', w.clock), startSim('tradier', w.clock)]);
  ids.alpaca = (await connectSim(w, alpaca)).id;
  ids.tradier = (await connectSim(w, tradier)).id;
});
afterAll(async () => {
  w.g.close();
  await Promise.all([alpaca.close(), tradier.close()]);
});
beforeEach(() => {
  w.net.clear();
  nextWindow(w);
});

/** Orders the simulator holds for a ticket (its client order id / Tradier tag). */
const atBroker = (sim: TradingSim, ticketId: string) => sim.exchange.list().filter((o) => o.clientOrderId === `bv-${ticketId}`);

describe.each([
  { broker: 'alpaca', post: ALPACA_POST, symbol: 'US:AAPL' },
  { broker: 'tradier', post: TRADIER_POST, symbol: 'US:MSFT' },
] as const)('$broker: an answer lost after the order reached the broker', ({ broker, post, symbol }) => {
  const sim = () => (broker === 'alpaca' ? alpaca : tradier);

  beforeAll(async () => {
    await w.g.ok('mode:goPaper');
    nextWindow(w);
    await w.g.ok('connections:validate', { id: ids[broker]! });
    await goLive(w, ids[broker]!);
  });

  it('is looked up by client order id: one order at the broker, the journal shows its real state', async () => {
    w.net.loseAnswerOnce(post);
    const posts = () => w.net.sent.filter((r) => post({ method: r.method, url: new URL(r.url, 'http://x') })).length;
    const postsBefore = posts();
    const t = ticket({ symbol, side: 'BUY', quantity: 2, type: 'MARKET' });
    const order = await placeOk(w.g, t);
    const [held, ...more] = atBroker(sim(), t.ticketId);
    expect(more).toEqual([]);
    expect(held).toMatchObject({ status: 'FILLED', quantity: 2 });
    expect(order).toMatchObject({ mode: 'live', connectionId: ids[broker], broker, state: 'FILLED', filledQuantity: 2, averagePrice: held!.averagePrice });
    expect(Number(order.brokerOrderId)).toBe(Number(held!.id));
    // Exactly one POST was sent: the lookup did not resend.
    expect(posts() - postsBefore).toBe(1);
    const states = (await auditOf(w.g, 'order.update')).filter((e) => e.detail.orderId === order.id).map((e) => e.detail.state);
    expect(states).toEqual(['FILLED', 'UNKNOWN']);

    // The trader presses Place again on the same ticket: the same order, nothing new at the broker.
    nextWindow(w);
    const again = await w.g.ok('orders:place', t);
    expect(again).toEqual({ status: 'placed', order: expect.objectContaining({ id: order.id, state: 'FILLED' }) });
    expect(atBroker(sim(), t.ticketId).length).toBe(1);
    expect(posts() - postsBefore).toBe(1);
  });

  it('two submissions of one ticket at once make one order', async () => {
    const t = ticket({ symbol, side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 });
    const [a, b] = await Promise.all([w.g.ok('orders:place', t), w.g.ok('orders:place', t)]);
    expect(a.status === 'placed' && b.status === 'placed' && a.order.id === b.order.id).toBe(true);
    expect(atBroker(sim(), t.ticketId).length).toBe(1);
  });

  it('stays UNKNOWN while the lookup fails too, and a retry of the ticket settles it without a second order', async () => {
    w.net.loseAnswerOnce(post);
    w.net.add((r) => (ORDER_READS(r) ? 'before' : null));
    const t = ticket({ symbol, side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1 });
    const order = await placeOk(w.g, t);
    expect(order).toMatchObject({ state: 'UNKNOWN', brokerOrderId: null, message: expect.stringMatching(/No clear answer/) });
    expect(atBroker(sim(), t.ticketId).length).toBe(1);

    w.net.clear();
    nextWindow(w);
    const again = await w.g.ok('orders:place', t);
    expect(again).toEqual({ status: 'placed', order: expect.objectContaining({ id: order.id, state: 'OPEN' }) });
    expect(atBroker(sim(), t.ticketId).length).toBe(1);
    const journaled = (await w.g.ok('orders:list', { limit: 500 })).filter((o) => o.clientOrderId === `bv-${t.ticketId}`);
    expect(journaled.length).toBe(1);

    // Cancel through the journal: audited, and the broker's state recorded.
    nextWindow(w);
    expect(await w.g.ok('orders:cancel', { orderId: order.id })).toMatchObject({ state: 'CANCELLED' });
    expect(atBroker(sim(), t.ticketId)[0]!.status).toBe('CANCELLED');
    expect((await auditOf(w.g, 'order.cancel'))[0]).toMatchObject({ connectionId: ids[broker], detail: { orderId: order.id, mode: 'live' } });
  });

  it('an order that never reached the broker is called not placed after the grace period', async () => {
    w.net.add((r) => (post(r) ? 'before' : null));
    const t = ticket({ symbol, side: 'BUY', quantity: 1, type: 'MARKET' });
    const order = await placeOk(w.g, t);
    expect(order.state).toBe('UNKNOWN');
    w.net.clear();
    w.clock.advance(3 * MINUTE);
    const settled = (await w.g.ok('orders:refresh')).find((o) => o.id === order.id);
    expect(settled).toMatchObject({ state: 'REJECTED', message: expect.stringMatching(/no record/) });
    expect(atBroker(sim(), t.ticketId)).toEqual([]);
  });
});

describe('definitive answers', () => {
  beforeAll(async () => {
    await w.g.ok('mode:goPaper');
    nextWindow(w);
    await w.g.ok('connections:validate', { id: ids.tradier! });
    await goLive(w, ids.tradier!);
  });

  it('an unknown symbol is REJECTED with the broker’s message, nothing at the broker', async () => {
    const t = ticket({ symbol: 'US:ZZZZ', side: 'BUY', quantity: 1, type: 'MARKET' });
    const order = await placeOk(w.g, t);
    expect(order).toMatchObject({ state: 'REJECTED', brokerOrderId: null, message: expect.stringMatching(/SecurityUndefined|unknown security/i) });
    expect(atBroker(tradier, t.ticketId)).toEqual([]);
  });

  it('an accepted order the broker’s risk check rejects afterwards shows as rejected after orders:refresh', async () => {
    // The acknowledgement arrives; the follow-up lookup does not, so the journal first holds the acknowledgement.
    w.net.add((r) => (ORDER_READS(r) ? 'before' : null));
    const t = ticket({ symbol: 'US:AMZN', side: 'BUY', quantity: 100_000, type: 'MARKET' });
    const order = await placeOk(w.g, t);
    expect(order).toMatchObject({ state: expect.stringMatching(/^(PENDING|OPEN)$/), brokerOrderId: expect.any(String), message: null });
    w.net.clear();
    nextWindow(w);
    const refreshed = (await w.g.ok('orders:refresh')).find((o) => o.id === order.id);
    expect(refreshed).toMatchObject({ state: 'REJECTED', message: expect.stringMatching(/InitialMargin: not enough buying power/) });
    expect(atBroker(tradier, t.ticketId).map((o) => o.status)).toEqual(['REJECTED']);
  });

  it('alpaca: insufficient buying power is REJECTED with Alpaca’s message', async () => {
    await w.g.ok('mode:goPaper');
    nextWindow(w);
    await w.g.ok('connections:validate', { id: ids.alpaca! });
    await goLive(w, ids.alpaca!);
    const t = ticket({ symbol: 'US:AAPL', side: 'BUY', quantity: 1_000_000, type: 'MARKET' });
    const order = await placeOk(w.g, t);
    expect(order.state).toBe('REJECTED');
    expect(order.message).toMatch(/buying power|insufficient/i);
  });

  it('keeps an intact audit chain', async () => {
    expect(await w.g.ok('audit:verify')).toMatchObject({ ok: true });
  });
});
