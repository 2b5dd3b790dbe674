import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderTicket, OrderView } from '../../src/shared/schemas';
import { priceAt } from '../simulators/exchange';
import { CASES, type BrokerCase, type RunningSim, type TradeCase } from '../support/brokers-ipc/cases';
import { connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';

/**
 * Every broker TRADES against its simulator through the IPC contract only (router calls and pushed
 * events): connect, validate, go live on that connection, quote, a market order that fills at the
 * simulator's deterministic price, the position it opens, a limit order far from the market that rests
 * and is cancelled, the journal with the broker's order ids, a retried ticket that places nothing new,
 * back to paper, and an intact audit trail.
 */

const TRADED = CASES.filter((c): c is BrokerCase & { trade: TradeCase } => c.trade !== undefined);

it('has trading data for every shipped broker', () => {
  expect(TRADED.map((c) => c.id)).toEqual(CASES.map((c) => c.id));
});

/** A price about half the market's, on the symbol's price step: a BUY there rests. */
function farBelow(last: number, tick: number): number {
  return Number((Math.round((last * 0.5) / tick) * tick).toFixed(8));
}

describe.each(TRADED)('$id trades through IPC', (c) => {
  const t = c.trade;
  let w: World;
  let sim: RunningSim;
  let connectionId: string;
  let market: OrderTicket;
  let marketOrder: OrderView;
  let marketAt: number;
  let limitOrder: OrderView;
  let last: number;

  /** Orders the simulator's own book holds for a ticket (where the handle exposes its exchange). */
  const atBroker = (ticketId: string) => sim.exchange?.list().filter((o) => o.clientOrderId !== null && o.clientOrderId.includes(ticketId.slice(-8)));
  const ticketOf = (kind: string): string => `${c.id.replace(/[^a-z0-9]/g, '')}-${kind}-0001`;

  /** Place a ticket; answer any question the broker asks (IBKR) with yes, as the trader would. */
  async function place(ticket: OrderTicket): Promise<OrderView> {
    let result = await w.g.ok('orders:place', ticket);
    for (let asked = 0; result.status === 'needs-broker-answer'; asked += 1) {
      expect(asked, `${c.id}: too many questions`).toBeLessThan(4);
      expect(result.prompts.length, c.id).toBeGreaterThan(0);
      nextWindow(w);
      result = await w.g.ok('orders:answerPrompt', { orderId: result.order.id, replyId: result.replyId, confirm: true });
    }
    if (result.status !== 'placed') throw new Error(`${c.id}: expected a placed order, got ${JSON.stringify(result)}`);
    return result.order;
  }

  beforeAll(async () => {
    w = await makeWorld();
    sim = await c.start(w.clock);
  });
  afterAll(async () => {
    w.g.close();
    await sim.close();
  });

  it('connects and validates', async () => {
    const { view } = await connect(w, c, sim);
    connectionId = view.id;
    expect(view, c.id).toMatchObject({ broker: c.id, status: 'valid' });
    nextWindow(w);
    expect(await w.g.ok('connections:validate', { id: connectionId }), c.id).toMatchObject({ status: 'valid', lastError: null });
  });

  it('goes live on that connection', async () => {
    const request = await w.g.ok('mode:requestLive', { connectionId });
    expect(request.connection, c.id).toMatchObject({ id: connectionId, broker: c.id });
    const status = await w.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase });
    expect(status, c.id).toMatchObject({ mode: 'live', live: { connectionId, broker: c.id } });
  });

  it('quotes the symbol from the broker', async () => {
    nextWindow(w);
    const quoted = await w.g.ok('quotes:get', { symbols: [t.symbol] });
    expect(quoted.simulated, c.id).toBe(false);
    expect(quoted.quotes.map((q) => q.symbol), c.id).toEqual([t.symbol]);
    last = quoted.quotes[0]!.last;
    expect(last, c.id).toBe(priceAt(t.simSymbol, w.clock.now()));
  });

  it('a market order fills at the simulator’s price', async () => {
    nextWindow(w);
    market = { ticketId: ticketOf('mkt'), symbol: t.symbol, side: 'BUY', quantity: t.quantity, type: 'MARKET', ...(t.product ? { product: t.product } : {}) };
    marketAt = w.clock.now();
    const placed = await place(market);
    expect(placed, c.id).toMatchObject({ mode: 'live', connectionId, broker: c.id, symbol: t.symbol, clientOrderId: `bv-${market.ticketId}` });
    expect(placed.brokerOrderId, c.id).toEqual(expect.any(String));
    nextWindow(w);
    const refreshed = (await w.g.ok('orders:refresh')).find((o) => o.id === placed.id)!;
    expect(refreshed, c.id).toMatchObject({ state: 'FILLED', filledQuantity: t.quantity, brokerOrderId: placed.brokerOrderId });
    marketOrder = refreshed;
    const held = atBroker(market.ticketId);
    if (held) {
      expect(held.length, c.id).toBe(1);
      expect(held[0], c.id).toMatchObject({ status: 'FILLED', quantity: t.quantity });
      expect(refreshed.averagePrice, c.id).toBe(held[0]!.averagePrice);
    }
    // Filled when placed (or when IBKR's questions were answered), at the price path's price then.
    const fills = [marketAt, ...Array.from({ length: 4 }, (_, i) => marketAt + (i + 1) * 5_100)].map((at) => priceAt(t.simSymbol, at));
    expect(fills, c.id).toContain(refreshed.averagePrice);
  });

  it('shows the position', async () => {
    nextWindow(w);
    const positions = await w.g.ok('positions:list');
    expect(positions, c.id).toMatchObject({ mode: 'live', connectionId });
    const position = positions.positions.find((p) => p.symbol === t.symbol);
    expect(position, `${c.id}: ${JSON.stringify(positions.positions)}`).toBeDefined();
    expect(position, c.id).toMatchObject({ quantity: t.quantity, averagePrice: marketOrder.averagePrice });
  });

  it('a limit order far from the market rests OPEN, and cancels', async () => {
    nextWindow(w);
    const limit: OrderTicket = { ticketId: ticketOf('lmt'), symbol: t.symbol, side: 'BUY', quantity: t.quantity, type: 'LIMIT', limitPrice: farBelow(last, t.tick), ...(t.product ? { product: t.product } : {}) };
    const placed = await place(limit);
    expect(placed, c.id).toMatchObject({ state: 'OPEN', limitPrice: limit.limitPrice, brokerOrderId: expect.any(String) });
    nextWindow(w);
    expect((await w.g.ok('orders:refresh')).find((o) => o.id === placed.id), c.id).toMatchObject({ state: 'OPEN' });
    nextWindow(w);
    const cancelled = await w.g.ok('orders:cancel', { orderId: placed.id });
    expect(cancelled, c.id).toMatchObject({ id: placed.id, state: 'CANCELLED', filledQuantity: 0 });
    limitOrder = cancelled;
    const held = atBroker(limit.ticketId);
    if (held) expect(held.map((o) => o.status), c.id).toEqual(['CANCELLED']);
  });

  it('lists both orders with the broker’s order ids', async () => {
    const list = await w.g.ok('orders:list', { limit: 100 });
    expect(list.map((o) => o.id).sort(), c.id).toEqual([marketOrder.id, limitOrder.id].sort());
    expect(list.find((o) => o.id === marketOrder.id), c.id).toMatchObject({ state: 'FILLED', brokerOrderId: marketOrder.brokerOrderId });
    expect(list.find((o) => o.id === limitOrder.id), c.id).toMatchObject({ state: 'CANCELLED', brokerOrderId: limitOrder.brokerOrderId });
    expect(marketOrder.brokerOrderId, c.id).not.toBe(limitOrder.brokerOrderId);
    if (sim.exchange) {
      const ids = sim.exchange.list().map((o) => o.id);
      expect(ids.length, c.id).toBe(2);
    }
  });

  it('a retried market ticket places nothing new at the broker', async () => {
    nextWindow(w);
    const before = sim.exchange?.list().length;
    const again = await w.g.ok('orders:place', market);
    expect(again, c.id).toEqual({ status: 'placed', order: expect.objectContaining({ id: marketOrder.id, state: 'FILLED', brokerOrderId: marketOrder.brokerOrderId }) });
    if (sim.exchange) expect(sim.exchange.list().length, c.id).toBe(before);
    expect((await w.g.ok('orders:list', { limit: 100 })).filter((o) => o.clientOrderId === `bv-${market.ticketId}`), c.id).toHaveLength(1);
  });

  it('goes back to paper; the audit trail holds the orders and verifies', async () => {
    expect(await w.g.ok('mode:goPaper'), c.id).toMatchObject({ mode: 'paper', live: null });
    const entries = (await w.g.ok('audit:list', { connectionId, limit: 200 })).entries;
    const submitted = entries.filter((e) => e.action === 'order.submit').map((e) => e.detail.orderId);
    expect(submitted.sort(), c.id).toEqual([marketOrder.id, limitOrder.id].sort());
    const updates = (id: string) => entries.filter((e) => e.action === 'order.update' && e.detail.orderId === id).map((e) => e.detail.state);
    expect(updates(marketOrder.id), c.id).toContain('FILLED');
    expect(updates(limitOrder.id), c.id).toContain('CANCELLED');
    expect(entries.filter((e) => e.action === 'order.cancel').map((e) => e.detail.orderId), c.id).toEqual([limitOrder.id]);
    expect(entries.filter((e) => e.action === 'mode.switch').map((e) => e.detail.to), c.id).toEqual(['paper', 'live']);
    expect(await w.g.ok('audit:verify'), c.id).toMatchObject({ ok: true, brokenAt: null });
  });
});
