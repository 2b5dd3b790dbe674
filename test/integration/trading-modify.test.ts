import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModifyOrderRequest } from '../../src/shared/schemas';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import {
  auditOf,
  connectSim,
  goLive,
  journal,
  makeTradingWorld,
  MINUTE,
  nextWindow,
  placeOk,
  startSim,
  ticket,
  ticketId,
  type TradingSim,
  type TradingWorld,
} from '../support/trading/world';

/**
 * Order modify through the IPC contract on the paper engine: the new terms go through the place path's checks
 * (limits, kill switch), one change at a time per order, a fill that happened meanwhile wins with a clear message,
 * and a retried request changes nothing twice.
 */

let w: TradingWorld;
beforeAll(async () => {
  w = await makeTradingWorld();
});
afterAll(() => w.g.close());
beforeEach(async () => {
  w.clock.advance(2 * MINUTE);
  await w.g.ok('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
});

const SYMBOL = 'NSE:INFY';
const now = () => simulatedPriceAt(SYMBOL, w.clock.now());
const round2 = (n: number) => Math.round(n * 100) / 100;

/** A buy limit well below the market: it rests. */
async function restingBuy(quantity = 10) {
  const limit = round2(now() * 0.5);
  const order = await placeOk(w.g, ticket({ symbol: SYMBOL, side: 'BUY', quantity, type: 'LIMIT', limitPrice: limit }));
  expect(order.state).toBe('OPEN');
  return order;
}

const request = (orderId: string, change: ModifyOrderRequest['change'], more: Partial<ModifyOrderRequest> = {}): ModifyOrderRequest => ({
  orderId,
  requestId: ticketId('mod'),
  change,
  ...more,
});

async function modifyOk(r: ModifyOrderRequest) {
  const result = await w.g.ok('orders:modify', r);
  if (result.status !== 'modified') throw new Error(`expected a modified order, got ${JSON.stringify(result)}`);
  return result.order;
}

async function refusal(r: ModifyOrderRequest) {
  const result = await w.g.call('orders:modify', r);
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('paper: modify a resting order', () => {
  it('changes price and quantity in the journal and the paper book, audited once', async () => {
    const order = await restingBuy(10);
    const newLimit = round2(order.limitPrice! * 0.9);
    const modified = await modifyOk(request(order.id, { quantity: 5, limitPrice: newLimit }));
    expect(modified).toMatchObject({ id: order.id, state: 'OPEN', quantity: 5, limitPrice: newLimit, brokerOrderId: order.brokerOrderId });
    const account = await w.g.ok('paper:account');
    expect(account.cash).toBe(1_000_000);
    const audit = (await auditOf(w.g, 'order.modify')).filter((e) => e.detail.orderId === order.id);
    expect(audit).toEqual([
      expect.objectContaining({
        connectionId: null,
        detail: expect.objectContaining({ mode: 'paper', change: `quantity 10 → 5, limit ${order.limitPrice} → ${newLimit}` }),
      }),
    ]);
    // The paper engine holds the new terms: the order fills at the new limit once the price gets there, not at the old.
    expect((await journal(w.g)).find((o) => o.id === order.id)).toMatchObject({ quantity: 5, limitPrice: newLimit });
  });

  it('a limit moved through the market fills at once', async () => {
    const order = await restingBuy(2);
    const modified = await modifyOk(request(order.id, { limitPrice: round2(now() * 1.5) }));
    expect(modified).toMatchObject({ state: 'FILLED', filledQuantity: 2, quantity: 2 });
  });

  it('changes the type: a limit becomes a stop limit with its trigger', async () => {
    const order = await restingBuy(3);
    const stop = round2(now() * 2);
    const modified = await modifyOk(request(order.id, { type: 'STOP_LIMIT', stopPrice: stop, limitPrice: round2(stop * 1.01) }));
    expect(modified).toMatchObject({ state: 'OPEN', type: 'STOP_LIMIT', stopPrice: stop, limitPrice: round2(stop * 1.01) });
  });

  it('refuses a change that changes nothing, a missing trigger, or a paper buy it cannot afford, and changes nothing', async () => {
    const order = await restingBuy(4);
    expect(await refusal(request(order.id, { limitPrice: order.limitPrice! }))).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/leaves the order as it is/),
    });
    expect(await refusal(request(order.id, { type: 'STOP' }))).toMatchObject({ code: 'INVALID_INPUT', message: 'A STOP order needs a stop price.' });
    expect(await refusal(request(order.id, { quantity: 1_000_000 }))).toMatchObject({
      code: 'BROKER_REJECTED',
      message: expect.stringMatching(/Insufficient cash.*not changed/),
    });
    expect((await journal(w.g)).find((o) => o.id === order.id)).toMatchObject({ quantity: 4, limitPrice: order.limitPrice, state: 'OPEN' });
    expect((await auditOf(w.g, 'order.modify')).filter((e) => e.detail.orderId === order.id)).toEqual([]);
  });

  it('refuses a settled order', async () => {
    const filled = await placeOk(w.g, ticket({ symbol: SYMBOL, side: 'BUY', quantity: 1, type: 'MARKET' }));
    expect(await refusal(request(filled.id, { quantity: 2 }))).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already filled/) });
  });
});

describe('retries', () => {
  it('the same request id twice changes once and answers the same; reused for another change it is refused', async () => {
    const order = await restingBuy(10);
    const r = request(order.id, { quantity: 6 });
    const [a, b] = await Promise.all([w.g.ok('orders:modify', r), w.g.ok('orders:modify', r)]);
    expect(a).toEqual(b);
    const again = await w.g.ok('orders:modify', r);
    expect(again).toEqual(a);
    expect((await auditOf(w.g, 'order.modify')).filter((e) => e.detail.orderId === order.id).length).toBe(1);
    expect(await refusal({ ...r, change: { quantity: 7 } })).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already used/) });
  });

  it('two different changes to one order run one after the other: the last one holds', async () => {
    const order = await restingBuy(10);
    await Promise.all([modifyOk(request(order.id, { quantity: 8 })), modifyOk(request(order.id, { quantity: 9 }))]);
    expect((await journal(w.g)).find((o) => o.id === order.id)!.quantity).toBe(9);
    expect((await auditOf(w.g, 'order.modify')).filter((e) => e.detail.orderId === order.id).map((e) => e.detail.change)).toEqual([
      'quantity 8 → 9',
      'quantity 10 → 8',
    ]);
  });
});

describe('limits and the kill switch', () => {
  it('new terms above a limit are held for a confirmation bound to that change', async () => {
    const order = await restingBuy(10);
    await w.g.ok('limits:set', { maxQuantity: 20, maxOrderValue: null, maxOrdersPerMinute: null });
    const r = request(order.id, { quantity: 30 });
    const held = await w.g.ok('orders:modify', r);
    expect(held).toMatchObject({ status: 'needs-confirmation', reasons: ['Quantity 30 is above your limit of 20.'] });
    expect((await journal(w.g)).find((o) => o.id === order.id)!.quantity).toBe(10);
    if (held.status !== 'needs-confirmation') return;
    // The confirmation does not carry over to another change.
    const other = await w.g.ok('orders:modify', { ...request(order.id, { quantity: 40 }), confirmationId: held.confirmationId });
    expect(other.status).toBe('needs-confirmation');
    const fresh = await w.g.ok('orders:modify', r);
    if (fresh.status !== 'needs-confirmation') throw new Error('expected a hold');
    expect(await modifyOk({ ...r, confirmationId: fresh.confirmationId })).toMatchObject({ quantity: 30 });
  });

  it('after the kill switch the order is cancelled and a change is refused', async () => {
    const order = await restingBuy(10);
    await w.g.ok('killswitch:engage', { closePositions: false });
    await w.g.ok('mode:unlock').catch(() => undefined);
    const after = (await journal(w.g)).find((o) => o.id === order.id)!;
    expect(after.state).toBe('CANCELLED');
    expect(await refusal(request(order.id, { quantity: 5 }))).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already cancelled/) });
  });
});

describe('a fill racing the change', () => {
  it('a fill at the last look wins: a clear message, the journal shows the fill, nothing changed', async () => {
    // A buy limit just under the market, then time moves until the market reaches it.
    const level = round2(now() * 0.999);
    const order = await placeOk(w.g, ticket({ symbol: SYMBOL, side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: level }));
    expect(order.state).toBe('OPEN');
    let t = w.clock.now();
    while (simulatedPriceAt(SYMBOL, t) > level) t += MINUTE;
    w.clock.set(t);
    const error = await refusal(request(order.id, { quantity: 2 }));
    expect(error).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/was filled before the change/) });
    expect((await journal(w.g)).find((o) => o.id === order.id)).toMatchObject({ state: 'FILLED', quantity: 1 });
  });
});

describe('live (Alpaca simulator): a change needs a confirmation and follows Alpaca’s replace', () => {
  let alpaca: TradingSim;
  let connectionId: string;
  const isPatch = (r: { method: string; url: URL }) => r.method === 'PATCH' && /\/v2\/orders\//.test(r.url.pathname);

  beforeAll(async () => {
    alpaca = await startSim('alpaca', w.clock);
    connectionId = (await connectSim(w, alpaca)).id;
    nextWindow(w);
    await goLive(w, connectionId);
  });
  afterAll(async () => {
    w.net.clear();
    await w.g.ok('mode:goPaper');
    await alpaca.close();
  });
  beforeEach(() => {
    w.net.clear();
    nextWindow(w);
  });

  async function restingLive(quantity = 2) {
    const order = await placeOk(w.g, ticket({ symbol: 'US:AAPL', side: 'BUY', quantity, type: 'LIMIT', limitPrice: 1 }));
    expect(order).toMatchObject({ mode: 'live', state: 'OPEN' });
    return order;
  }
  const patches = () => w.net.sent.filter((r) => r.method === 'PATCH').length;

  it('is held for the trader’s confirmation, then replaced at Alpaca: the journal follows the new order id', async () => {
    const order = await restingLive(2);
    const before = patches();
    const r = request(order.id, { quantity: 3, limitPrice: 1.5 });
    const held = await w.g.ok('orders:modify', r);
    expect(held).toMatchObject({ status: 'needs-confirmation', reasons: ['This changes a live order at alpaca: quantity 2 → 3, limit 1 → 1.5.'] });
    expect(patches()).toBe(before);
    if (held.status !== 'needs-confirmation') return;
    const modified = await modifyOk({ ...r, confirmationId: held.confirmationId });
    expect(modified).toMatchObject({ id: order.id, state: 'OPEN', quantity: 3, limitPrice: 1.5 });
    expect(modified.brokerOrderId).not.toBe(order.brokerOrderId);
    expect(alpaca.exchange.get(order.brokerOrderId!)!.extra.replacedBy).toBe(modified.brokerOrderId);
    expect(alpaca.exchange.get(modified.brokerOrderId!)).toMatchObject({ status: 'OPEN', quantity: 3, limitPrice: 1.5 });
    const [entry] = (await auditOf(w.g, 'order.modify')).filter((e) => e.detail.orderId === order.id);
    expect(entry).toMatchObject({ connectionId, detail: { mode: 'live', replacedBy: modified.brokerOrderId } });
    // A retry of the confirmed request sends nothing again.
    expect(await w.g.ok('orders:modify', { ...r, confirmationId: held.confirmationId })).toEqual({ status: 'modified', order: modified });
    expect(patches()).toBe(before + 1);
  });

  it('a fill at Alpaca while the change is on its way: Alpaca refuses, the journal shows the fill, the trader is told', async () => {
    const order = await restingLive(1);
    // The order fills at the broker just as the change is sent.
    w.net.add((req) => (isPatch(req) ? (alpaca.exchange.modify(order.brokerOrderId!, { type: 'MARKET', limitPrice: null }), null) : null));
    const r = request(order.id, { limitPrice: 1.1 });
    const held = await w.g.ok('orders:modify', r);
    if (held.status !== 'needs-confirmation') throw new Error('expected a confirmation');
    const error = await refusal({ ...r, confirmationId: held.confirmationId });
    expect(error).toMatchObject({ code: 'CONFLICT', message: 'The order was filled before the change reached the broker, so nothing was changed.' });
    expect((await journal(w.g)).find((o) => o.id === order.id)).toMatchObject({ state: 'FILLED', limitPrice: 1 });
    expect((await auditOf(w.g, 'order.modify')).filter((e) => e.detail.orderId === order.id)).toEqual([]);
  });

  it('an answer lost on the way back: the lookup follows Alpaca’s replacement, so the journal holds the new order', async () => {
    const order = await restingLive(1);
    w.net.loseAnswerOnce(isPatch);
    const r = request(order.id, { limitPrice: 1.2 });
    const held = await w.g.ok('orders:modify', r);
    if (held.status !== 'needs-confirmation') throw new Error('expected a confirmation');
    expect(await refusal({ ...r, confirmationId: held.confirmationId })).toMatchObject({ code: 'NETWORK', message: expect.stringMatching(/No clear answer/) });
    // The lookup followed Alpaca's replacement: the journal holds the new order, still open.
    const after = (await journal(w.g)).find((o) => o.id === order.id)!;
    expect(after.state).toBe('OPEN');
    expect(after.brokerOrderId).toBe(alpaca.exchange.get(order.brokerOrderId!)!.extra.replacedBy);
  });

  it('after leaving live mode a live order is not changed', async () => {
    const order = await restingLive(1);
    const before = patches();
    await w.g.ok('mode:goPaper');
    const error = await refusal(request(order.id, { quantity: 2 }));
    expect(error).toMatchObject({ code: 'LIVE_NOT_ALLOWED' });
    expect(patches()).toBe(before);
    nextWindow(w);
    await goLive(w, connectionId);
  });
});
