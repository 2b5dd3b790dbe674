import { describe, expect, it } from 'vitest';
import type { OrderTicket, OrderView, PlaceResultSchema } from '../../src/shared/schemas';
import type { z } from 'zod';
import { priceAt, type SimOrder } from '../simulators/exchange';
import { CASES, type BrokerCase, type TradeCase } from '../support/brokers-ipc/cases';
import { connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';
import { FlakyNet } from '../support/trading/world';

/**
 * Every broker TRADES against its simulator through the IPC contract only (router calls and pushed
 * events): connect (OAuth brokers through the browser), validate, go live on that connection, quote, a
 * market order that fills at the simulator's deterministic price, the position it opens, a limit order
 * far from the market that rests and is cancelled, the journal with the broker's order ids, a retried
 * ticket that places nothing new at the broker (also when the broker's answer to the order was lost),
 * back to paper, and an intact audit trail.
 *
 * Each broker has its own world (graph, manual clock, simulator), so the journeys run side by side: the
 * client-side rate limits of Angel One and XTS (one read per real second) are the only real waits.
 */

type Traded = BrokerCase & { trade: TradeCase };
type PlaceResult = z.infer<typeof PlaceResultSchema>;
const TRADED = CASES.filter((c): c is Traded => c.trade !== undefined);

it('has trading data for every shipped broker', () => {
  expect(TRADED.map((c) => c.id)).toEqual(CASES.map((c) => c.id));
});

/**
 * A ticket id as the order ticket makes one (crypto.randomUUID(): 36 characters, so the client order id
 * "bv-…" is 39), fixed per broker and order so runs repeat exactly.
 */
function uuidTicket(c: Traded, order: number): string {
  const n = TRADED.indexOf(c) * 10 + order;
  return `5b0e7c1a-9d3f-4e2b-8a6c-${n.toString(16).padStart(12, '0')}`;
}

/** A price about half the market's, on the symbol's price step: a BUY there rests. */
function farBelow(last: number, tick: number): number {
  return Number((Math.round((last * 0.5) / tick) * tick).toFixed(8));
}

/** Place a ticket; answer every question the broker asks (IBKR) with yes, as the trader would. */
async function place(w: World, c: Traded, ticket: OrderTicket): Promise<{ order: OrderView; prompts: string[] }> {
  const prompts: string[] = [];
  let result: PlaceResult = await w.g.ok('orders:place', ticket);
  while (result.status === 'needs-broker-answer') {
    expect(prompts.length, `${c.id}: too many questions`).toBeLessThan(4);
    expect(result.order, c.id).toMatchObject({ state: 'PENDING', brokerOrderId: null });
    prompts.push(...result.prompts);
    nextWindow(w);
    result = await w.g.ok('orders:answerPrompt', { orderId: result.order.id, replyId: result.replyId, confirm: true });
  }
  if (result.status !== 'placed') throw new Error(`${c.id}: expected a placed order, got ${JSON.stringify(result)}`);
  return { order: result.order, prompts };
}

async function journey(c: Traded): Promise<void> {
  const t = c.trade;
  const net = new FlakyNet();
  const w = await makeWorld(undefined, net.fetch);
  const sim = await c.start(w.clock);
  const product = t.product ? { product: t.product } : {};
  /** Order placements that went out to the broker (whatever became of their answers). */
  const posts = () => net.sent.filter((r) => r.method === 'POST' && t.orderPost.test(r.url)).length;
  const toBrokerId = t.brokerOrderId ?? ((id: string) => id);
  /** The simulator's own record of a journaled order (null where the simulator's handle exposes no exchange). */
  const held = (o: OrderView): SimOrder[] | null => sim.exchange?.list().filter((s) => toBrokerId(s.id) === o.brokerOrderId) ?? null;
  try {
    // Connect (OAuth brokers sign in through the fake browser), then validate.
    const { view } = await connect(w, c, sim);
    const connectionId = view.id;
    expect(view, c.id).toMatchObject({ broker: c.id, status: 'valid' });
    nextWindow(w);
    expect(await w.g.ok('connections:validate', { id: connectionId }), c.id).toMatchObject({ status: 'valid', lastError: null });

    // Live on that connection.
    const request = await w.g.ok('mode:requestLive', { connectionId });
    expect(request.connection, c.id).toMatchObject({ id: connectionId, broker: c.id });
    expect(await w.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase }), c.id).toMatchObject({
      mode: 'live',
      live: { connectionId, broker: c.id },
    });

    // A quote from the broker: the simulator's price path now.
    nextWindow(w);
    const quoted = await w.g.ok('quotes:get', { symbols: [t.symbol] });
    expect(quoted, c.id).toMatchObject({ simulated: false, quotes: [{ symbol: t.symbol, last: priceAt(t.simSymbol, w.clock.now()) }] });
    const last = quoted.quotes[0]!.last;

    // A market order fills at the price path's price when the broker takes it.
    nextWindow(w);
    const market: OrderTicket = { ticketId: uuidTicket(c, 1), symbol: t.symbol, side: 'BUY', quantity: t.quantity, type: 'MARKET', ...product };
    const placedAt = w.clock.now();
    const { order: placed, prompts } = await place(w, c, market);
    // IBKR asks before it takes an order (here: Sunday night in New York, outside regular hours).
    if (c.id === 'ibkr') expect(prompts.join(' '), c.id).toContain('outside regular trading hours');
    else expect(prompts, c.id).toEqual([]);
    const takenAt = w.clock.now();
    expect(posts(), `${c.id}: order placements sent`).toBe(1);
    expect(placed, c.id).toMatchObject({
      mode: 'live',
      connectionId,
      broker: c.id,
      symbol: t.symbol,
      clientOrderId: `bv-${market.ticketId}`,
      brokerOrderId: expect.any(String),
    });
    nextWindow(w);
    const marketOrder = (await w.g.ok('orders:refresh')).find((o) => o.id === placed.id)!;
    expect(marketOrder, c.id).toMatchObject({
      state: 'FILLED',
      filledQuantity: t.quantity,
      brokerOrderId: placed.brokerOrderId,
      averagePrice: expect.closeTo(priceAt(t.simSymbol, takenAt), 6),
    });
    if (takenAt === placedAt) expect(marketOrder.averagePrice, c.id).toBeCloseTo(priceAt(t.simSymbol, placedAt), 6);
    const marketAtBroker = held(marketOrder);
    if (marketAtBroker)
      expect(marketAtBroker, c.id).toMatchObject([{ status: 'FILLED', quantity: t.quantity, averagePrice: expect.closeTo(marketOrder.averagePrice!, 6) }]);

    // The position it opened.
    nextWindow(w);
    const positions = await w.g.ok('positions:list');
    expect(positions, c.id).toMatchObject({ mode: 'live', connectionId });
    expect(
      positions.positions.filter((p) => p.symbol === t.symbol),
      `${c.id}: ${JSON.stringify(positions.positions)}`,
    ).toMatchObject([{ quantity: t.quantity, averagePrice: expect.closeTo(marketOrder.averagePrice!, 6) }]);

    // A limit order far below the market rests OPEN, through a refresh, until cancelled.
    nextWindow(w);
    const limit: OrderTicket = {
      ticketId: uuidTicket(c, 2),
      symbol: t.symbol,
      side: 'BUY',
      quantity: t.quantity,
      type: 'LIMIT',
      limitPrice: farBelow(last, t.tick),
      ...product,
    };
    const { order: resting } = await place(w, c, limit);
    expect(resting, c.id).toMatchObject({ state: 'OPEN', limitPrice: limit.limitPrice, filledQuantity: 0, brokerOrderId: expect.any(String) });
    expect(posts(), `${c.id}: order placements sent`).toBe(2);
    nextWindow(w);
    expect(
      (await w.g.ok('orders:refresh')).find((o) => o.id === resting.id),
      c.id,
    ).toMatchObject({ state: 'OPEN' });
    const restingAtBroker = held(resting);
    if (restingAtBroker) expect(restingAtBroker, c.id).toMatchObject([{ status: 'OPEN', limitPrice: limit.limitPrice }]);
    nextWindow(w);
    const limitOrder = await w.g.ok('orders:cancel', { orderId: resting.id });
    expect(limitOrder, c.id).toMatchObject({ id: resting.id, state: 'CANCELLED', filledQuantity: 0, brokerOrderId: resting.brokerOrderId });
    if (restingAtBroker) expect(held(resting), c.id).toMatchObject([{ status: 'CANCELLED', filledQuantity: 0 }]);

    // The journal: both orders, each with its own broker order id.
    const journal = await w.g.ok('orders:list', { limit: 100 });
    expect(journal.map((o) => o.id).sort(), c.id).toEqual([marketOrder.id, limitOrder.id].sort());
    expect(
      journal.find((o) => o.id === marketOrder.id),
      c.id,
    ).toMatchObject({ state: 'FILLED', brokerOrderId: marketOrder.brokerOrderId });
    expect(
      journal.find((o) => o.id === limitOrder.id),
      c.id,
    ).toMatchObject({ state: 'CANCELLED', brokerOrderId: limitOrder.brokerOrderId });
    expect(marketOrder.brokerOrderId, c.id).not.toBe(limitOrder.brokerOrderId);
    if (sim.exchange) expect(sim.exchange.list().length, c.id).toBe(2);

    // Place pressed again on the market ticket: the same order, nothing new at the broker.
    nextWindow(w);
    const postsBeforeRetry = posts();
    const again = await w.g.ok('orders:place', market);
    expect(again, c.id).toEqual({
      status: 'placed',
      order: expect.objectContaining({ id: marketOrder.id, state: 'FILLED', brokerOrderId: marketOrder.brokerOrderId }),
    });
    expect(posts(), c.id).toBe(postsBeforeRetry);
    if (sim.exchange) expect(sim.exchange.list().length, c.id).toBe(2);
    expect((await w.g.ok('orders:list', { limit: 100 })).length, c.id).toBe(2);

    // The broker's answer to an order is lost: BrokerVault looks it up by its client order id (never
    // resends), and pressing Place again on that ticket still makes one order at the broker.
    nextWindow(w);
    const postsBefore = posts();
    net.loseAnswerOnce((r) => r.method === 'POST' && t.orderPost.test(r.url.pathname));
    const lost: OrderTicket = { ...limit, ticketId: uuidTicket(c, 3) };
    const { order: found } = await place(w, c, lost);
    expect(found, c.id).toMatchObject({ state: 'OPEN', clientOrderId: `bv-${lost.ticketId}`, brokerOrderId: expect.any(String) });
    expect(posts() - postsBefore, c.id).toBe(1);
    nextWindow(w);
    expect(await w.g.ok('orders:place', lost), c.id).toEqual({
      status: 'placed',
      order: expect.objectContaining({ id: found.id, state: 'OPEN', brokerOrderId: found.brokerOrderId }),
    });
    expect(posts() - postsBefore, c.id).toBe(1);
    if (sim.exchange) expect(held(found), c.id).toMatchObject([{ status: 'OPEN', limitPrice: lost.limitPrice }]);
    if (sim.exchange) expect(sim.exchange.list().length, c.id).toBe(3);
    nextWindow(w);
    expect(await w.g.ok('orders:cancel', { orderId: found.id }), c.id).toMatchObject({ state: 'CANCELLED' });
    const states = (await w.g.ok('audit:list', { action: 'order.update', limit: 200 })).entries
      .filter((e) => e.detail.orderId === found.id)
      .map((e) => e.detail.state);
    // Newest first: UNKNOWN when the answer was lost, OPEN once found, then the cancel.
    expect(states, c.id).toEqual(['CANCELLED', 'OPEN', 'UNKNOWN']);

    // Back to paper.
    expect(await w.g.ok('mode:goPaper'), c.id).toMatchObject({ mode: 'paper', live: null });

    // The audit trail: submit and updates for both orders, the cancel, both mode switches; the chain holds.
    const entries = (await w.g.ok('audit:list', { connectionId, limit: 200 })).entries;
    const of = (action: string) => entries.filter((e) => e.action === action);
    expect(
      of('order.submit')
        .map((e) => e.detail.orderId)
        .sort(),
      c.id,
    ).toEqual([marketOrder.id, limitOrder.id, found.id].sort());
    const updates = (id: string) =>
      of('order.update')
        .filter((e) => e.detail.orderId === id)
        .map((e) => e.detail.state);
    expect(updates(marketOrder.id), c.id).toContain('FILLED');
    expect(updates(limitOrder.id), c.id).toEqual(['CANCELLED', 'OPEN']);
    expect(
      of('order.cancel').map((e) => e.detail.orderId),
      c.id,
    ).toEqual([found.id, limitOrder.id]);
    expect(
      of('mode.switch').map((e) => e.detail.to),
      c.id,
    ).toEqual(['paper', 'live']);
    expect(await w.g.ok('audit:verify'), c.id).toMatchObject({ ok: true, brokenAt: null });
  } finally {
    w.g.close();
    await sim.close();
  }
}

describe('every broker trades against its simulator through IPC', () => {
  it.concurrent.for(TRADED)('$id: connect, validate, live, quote, market fill, position, limit rest + cancel, journal, retry, paper, audit', async (c) => {
    await journey(c);
  });
});
