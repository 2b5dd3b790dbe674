import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priceAt } from '../simulators/exchange';
import { CASES, type RunningSim } from '../support/brokers-ipc/cases';
import { connect, makeWorld, nextWindow, type World } from '../support/brokers-ipc/journey';
import { ALL_VERBS } from '../../src/main/local-api/verbs';
import { runVerb } from '../../src/main/local-api/verbs/run';
import type { ApiCaller, VerbContext, VerbReply } from '../../src/main/local-api/verb';
import { PAPER_ACCOUNT_ID } from '../../src/main/local-api/keys';

/**
 * Every local API verb end to end, through a VerbContext on the real service graph (the composition root with a
 * manual clock) and the Zerodha simulator: in paper mode (orders to the paper engine, prices from the connection),
 * then live on that connection (orders at the simulator through the one order path, source 'api').
 */

const zerodha = CASES.find((c) => c.id === 'zerodha')!;
const VERB_NAMES = [
  'placeorder',
  'placesmartorder',
  'basketorder',
  'splitorder',
  'modifyorder',
  'cancelorder',
  'cancelallorder',
  'closeposition',
  'orderstatus',
  'openposition',
  'orderbook',
  'tradebook',
  'positionbook',
  'holdings',
  'funds',
  'quotes',
  'depth',
  'history',
  'intervals',
  'search',
  'symbol',
  'expiry',
  'ping',
  'analyzer',
  'analyzer/toggle',
];

let w: World;
let sim: RunningSim;
let connectionId: string;
const called = new Set<string>();

function context(caller: Partial<ApiCaller> = {}): VerbContext {
  return { caller: { keyId: 'key-1', connectionIds: [PAPER_ACCOUNT_ID, connectionId], permission: 'trade', ...caller }, services: w.g.services };
}

async function call(name: string, body: Record<string, unknown> = {}, caller: Partial<ApiCaller> = {}): Promise<VerbReply> {
  const verb = ALL_VERBS.find((v) => v.name === name);
  if (!verb) throw new Error(`no verb ${name}`);
  called.add(name);
  nextWindow(w);
  return w.run(runVerb(verb, context(caller), { apikey: 'not-checked-here', ...body }));
}

/** A verb that must succeed: its `{ status: 'success', … }` body. */
async function ok(name: string, body: Record<string, unknown> = {}): Promise<Record<string, unknown> & { data?: any }> {
  const reply = await call(name, body);
  expect(reply.body, `${name} ${JSON.stringify(reply.body)}`).toMatchObject({ status: 'success' });
  expect(reply.httpStatus).toBe(200);
  return reply.body as Record<string, unknown> & { data?: any };
}

const INFY = { symbol: 'INFY', exchange: 'NSE', product: 'CNC' };
const journal = () => w.g.services.trading.orders.list({ limit: 500 });

beforeAll(async () => {
  w = await makeWorld();
  sim = await zerodha.start(w.clock);
  connectionId = (await connect(w, zerodha, sim)).view.id;
  nextWindow(w);
  await w.g.ok('connections:validate', { id: connectionId });
}, 60_000);

afterAll(async () => {
  w?.g.close();
  await sim?.close();
});

it('offers exactly OpenAlgo’s verbs', () => {
  expect(ALL_VERBS.map((v) => v.name).sort()).toEqual([...VERB_NAMES].sort());
  const reads = ALL_VERBS.filter((v) => v.permission === 'read').map((v) => v.name);
  expect(reads.sort()).toEqual(
    [
      'orderstatus',
      'openposition',
      'orderbook',
      'tradebook',
      'positionbook',
      'holdings',
      'funds',
      'quotes',
      'depth',
      'history',
      'intervals',
      'search',
      'symbol',
      'expiry',
      'ping',
      'analyzer',
    ].sort(),
  );
});

describe('paper mode (analyzer)', () => {
  it('ping, analyzer and the refused switch to live', async () => {
    expect((await ok('ping')).data).toEqual({ broker: 'paper', message: 'pong' });
    expect((await ok('analyzer')).data).toMatchObject({ analyze_mode: true, mode: 'analyze' });
    const off = await call('analyzer/toggle', { mode: false });
    expect(off).toMatchObject({ httpStatus: 403, body: { status: 'error', message: expect.stringContaining('only in the BrokerVault app') } });
    expect(w.g.services.trading.mode.status().mode).toBe('paper');
    expect((await ok('analyzer/toggle', { mode: true })).data).toMatchObject({ analyze_mode: true });
  });

  it('market data and instruments come from the bound connection, in OpenAlgo’s symbols', async () => {
    const quote = (await ok('quotes', { symbol: 'INFY', exchange: 'NSE' })).data;
    expect(quote.ltp).toBeCloseTo(priceAt('NSE:INFY', w.clock.now()), 0);
    const depth = (await ok('depth', { symbol: 'INFY', exchange: 'NSE' })).data;
    expect(depth.bids).toHaveLength(5);
    expect(depth.asks).toHaveLength(5);
    expect((await ok('intervals')).data).toMatchObject({ minutes: ['1m', '5m', '15m', '30m'], days: ['D'] });
    const search = await ok('search', { query: 'NIFTY', exchange: 'NFO' });
    expect(search.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ symbol: 'NIFTY27JAN26FUT', exchange: 'NFO', brsymbol: 'NIFTY26JANFUT', lotsize: 75, expiry: '27-JAN-26' }),
      ]),
    );
    expect((await ok('symbol', { symbol: 'NIFTY27JAN26FUT', exchange: 'NFO' })).data).toMatchObject({ brsymbol: 'NIFTY26JANFUT', instrumenttype: 'FUT' });
    expect((await ok('expiry', { symbol: 'NIFTY', exchange: 'NFO', instrumenttype: 'futures' })).data).toEqual(['27-JAN-26']);
    expect(await call('symbol', { symbol: 'NOSUCH', exchange: 'NSE' })).toMatchObject({ httpStatus: 404, body: { status: 'error' } });
    const day = new Date(w.clock.now()).toISOString().slice(0, 10);
    const bars = (await ok('history', { symbol: 'INFY', exchange: 'NSE', interval: '5m', start_date: day, end_date: day })).data;
    const start = Date.parse(`${day}T00:00:00Z`) / 1000;
    expect(bars.length).toBeGreaterThan(0);
    expect(bars[0]).toMatchObject({ timestamp: start, open: expect.any(Number), close: expect.any(Number), volume: expect.any(Number) });
    expect(bars.every((b: { timestamp: number }) => b.timestamp >= start && b.timestamp < start + 86_400 && b.timestamp % 300 === 0)).toBe(true);
  });

  it('orders go to the paper engine through the one order path', async () => {
    const before = journal().length;
    const placed = await ok('placeorder', { strategy: 'test', ...INFY, action: 'BUY', quantity: '2', pricetype: 'MARKET' });
    expect(placed.orderid).toEqual(expect.any(String));
    expect(journal().length).toBe(before + 1);
    expect(journal().find((o) => o.id === placed.orderid)).toMatchObject({ mode: 'paper', source: 'api', symbol: 'NSE:INFY', side: 'BUY', quantity: 2 });
    expect((await ok('orderstatus', { orderid: placed.orderid })).data).toMatchObject({
      orderid: placed.orderid,
      symbol: 'INFY',
      exchange: 'NSE',
      action: 'BUY',
      order_status: 'complete',
      pricetype: 'MARKET',
    });
    expect(await ok('openposition', INFY)).toMatchObject({ quantity: '2' });
    expect((await ok('positionbook')).data).toEqual(expect.arrayContaining([expect.objectContaining({ symbol: 'INFY', exchange: 'NSE', quantity: 2 })]));
    expect((await ok('tradebook')).data).toEqual(
      expect.arrayContaining([expect.objectContaining({ symbol: 'INFY', action: 'BUY', quantity: 2, orderid: placed.orderid })]),
    );
    const book = (await ok('orderbook')).data;
    expect(book.orders).toEqual(expect.arrayContaining([expect.objectContaining({ orderid: placed.orderid, order_status: 'complete' })]));
    expect(book.statistics.total_completed_orders).toBeGreaterThanOrEqual(1);
    expect((await ok('funds')).data).toMatchObject({ availablecash: expect.stringMatching(/^\d+\.\d{2}$/) });
    expect((await ok('holdings')).data).toMatchObject({ holdings: expect.any(Array), statistics: expect.any(Object) });

    // Smart order: to a net position of 5 (BUY 3), then nothing more to do.
    const smart = await ok('placesmartorder', { ...INFY, action: 'BUY', quantity: 1, pricetype: 'MARKET', position_size: 5 });
    expect(journal().find((o) => o.id === smart.orderid)).toMatchObject({ side: 'BUY', quantity: 3, source: 'api' });
    expect(await ok('openposition', INFY)).toMatchObject({ quantity: '5' });
    const same = await ok('placesmartorder', { ...INFY, action: 'BUY', quantity: 1, pricetype: 'MARKET', position_size: 5 });
    expect(same.orderid).toBeUndefined();
    expect(same.message).toContain('already 5');

    // Basket and split.
    const basket = await ok('basketorder', {
      orders: [
        { ...INFY, action: 'SELL', quantity: 1, pricetype: 'MARKET' },
        { symbol: 'SBIN', exchange: 'NSE', product: 'MIS', action: 'BUY', quantity: 1, pricetype: 'MARKET' },
      ],
    });
    expect(basket.results).toMatchObject([
      { symbol: 'INFY', status: 'success', orderid: expect.any(String) },
      { symbol: 'SBIN', status: 'success', orderid: expect.any(String) },
    ]);
    const split = await ok('splitorder', { ...INFY, action: 'BUY', quantity: 5, splitsize: 2, pricetype: 'MARKET' });
    expect(split).toMatchObject({ split_size: 2, total_quantity: 5 });
    expect((split.results as { quantity: number; status: string }[]).map((r) => [r.quantity, r.status])).toEqual([
      [2, 'success'],
      [2, 'success'],
      [1, 'success'],
    ]);
    expect(await ok('openposition', INFY)).toMatchObject({ quantity: '9' });
  });

  it('two smart orders for one symbol at once trade the difference once', async () => {
    const TCS = { symbol: 'TCS', exchange: 'NSE', product: 'CNC', action: 'BUY', quantity: 1, pricetype: 'MARKET', position_size: 4 };
    const before = journal().length;
    const [a, b] = await Promise.all([call('placesmartorder', TCS), call('placesmartorder', TCS)]);
    expect([a.httpStatus, b.httpStatus]).toEqual([200, 200]);
    expect(journal().length).toBe(before + 1);
    expect(journal().filter((o) => o.symbol === 'NSE:TCS')).toMatchObject([{ side: 'BUY', quantity: 4 }]);
    expect(await ok('openposition', { symbol: 'TCS', exchange: 'NSE', product: 'CNC' })).toMatchObject({ quantity: '4' });
  });

  it('a resting limit order is modified and cancelled; cancelallorder and closeposition sweep the rest', async () => {
    const last = priceAt('NSE:INFY', w.clock.now());
    const low = Number((Math.round((last * 0.5) / 0.05) * 0.05).toFixed(2));
    const rest = await ok('placeorder', { ...INFY, action: 'BUY', quantity: 1, pricetype: 'LIMIT', price: String(low) });
    expect((await ok('orderstatus', { orderid: rest.orderid })).data).toMatchObject({ order_status: 'open', price: low });
    // The order book reuses mapped rows between calls: each change must show in the very next book.
    const inBook = async () => ((await ok('orderbook')).data.orders as { orderid: string }[]).find((o) => o.orderid === rest.orderid);
    expect(await inBook()).toMatchObject({ order_status: 'open', price: low, quantity: 1 });
    const lower = Number((low - 1).toFixed(2));
    await ok('modifyorder', { orderid: rest.orderid, ...INFY, action: 'BUY', pricetype: 'LIMIT', quantity: 2, price: lower });
    expect((await ok('orderstatus', { orderid: rest.orderid })).data).toMatchObject({ order_status: 'open', price: lower, quantity: 2 });
    expect(await inBook()).toMatchObject({ order_status: 'open', price: lower, quantity: 2 });
    expect(await ok('cancelorder', { orderid: rest.orderid })).toMatchObject({ orderid: rest.orderid });
    expect((await ok('orderstatus', { orderid: rest.orderid })).data).toMatchObject({ order_status: 'cancelled' });
    expect(await inBook()).toMatchObject({ order_status: 'cancelled', quantity: 2 });

    const a = await ok('placeorder', { ...INFY, action: 'BUY', quantity: 1, pricetype: 'LIMIT', price: low });
    const b = await ok('placeorder', { ...INFY, action: 'BUY', quantity: 1, pricetype: 'SL', price: low, trigger_price: low });
    const all = await ok('cancelallorder');
    expect((all.canceled_orders as string[]).sort()).toEqual([a.orderid, b.orderid].sort());
    expect(all.failed_cancellations).toEqual([]);

    expect(await ok('closeposition')).toMatchObject({ message: expect.stringContaining('squared off') });
    expect(await ok('openposition', INFY)).toMatchObject({ quantity: '0' });
  });

  it('refuses bad input in OpenAlgo’s shape, naming the field, and changes nothing', async () => {
    const before = journal().length;
    const cases: [Record<string, unknown>, string][] = [
      [{ exchange: 'NSE', action: 'BUY', quantity: 1 }, 'symbol'],
      [{ ...INFY, action: 'HOLD', quantity: 1 }, 'action'],
      [{ ...INFY, action: 'BUY', quantity: -1 }, 'quantity'],
      [{ ...INFY, action: 'BUY', quantity: 'ten' }, 'quantity'],
      [{ ...INFY, action: 'BUY', quantity: 1, pricetype: 'STOP' }, 'pricetype'],
      [{ ...INFY, exchange: 'LSE', action: 'BUY', quantity: 1 }, 'exchange'],
      [{ ...INFY, action: 'BUY', quantity: 1, colour: 'red' }, 'colour'],
      [{ ...INFY, action: 'BUY', quantity: 1, pricetype: 'LIMIT' }, 'price'],
      [{ ...INFY, action: 'BUY', quantity: 1.5 }, 'quantity'],
      [{ symbol: 'NIFTY24MARFUT', exchange: 'NFO', action: 'BUY', quantity: 75 }, 'OpenAlgo'],
    ];
    for (const [body, field] of cases) {
      const reply = await call('placeorder', body);
      expect(reply.httpStatus, JSON.stringify(body)).toBe(400);
      expect(reply.body.status).toBe('error');
      expect(reply.body.message, JSON.stringify(body)).toContain(field);
    }
    expect(
      (await call('history', { symbol: 'INFY', exchange: 'NSE', interval: '2m', start_date: '2026-01-01', end_date: '2026-01-02' })).body.message,
    ).toContain('interval');
    expect(journal().length).toBe(before);
  });

  it('a key bound to no connection trades the paper account in OpenAlgo’s own symbols', async () => {
    const reply = await call('placeorder', { ...INFY, action: 'BUY', quantity: 1 }, { connectionIds: [PAPER_ACCOUNT_ID] });
    expect(reply.body).toMatchObject({ status: 'success', orderid: expect.any(String) });
    expect(journal().find((o) => o.id === reply.body.orderid)).toMatchObject({ mode: 'paper', symbol: 'NSE:INFY', source: 'api' });
    const search = await call('search', { query: 'INFY' }, { connectionIds: [PAPER_ACCOUNT_ID] });
    expect(search).toMatchObject({ httpStatus: 400, body: { message: expect.stringContaining('bind this API key to an active connection') } });
    await ok('closeposition');
  });

  it('a key not bound to the paper account reaches nothing of it: no orders, no books, no paper order by id', async () => {
    const placed = await ok('placeorder', { ...INFY, action: 'BUY', quantity: 1, pricetype: 'LIMIT', price: 1 });
    const before = journal().length;
    const unbound = { connectionIds: [connectionId] };
    const bodies: [string, Record<string, unknown>][] = [
      ['ping', {}],
      ['placeorder', { ...INFY, action: 'BUY', quantity: 1 }],
      ['orderbook', {}],
      ['positionbook', {}],
      ['orderstatus', { orderid: placed.orderid, strategy: 'x' }],
      ['cancelorder', { orderid: placed.orderid }],
      ['cancelallorder', {}],
      ['closeposition', {}],
    ];
    for (const [name, body] of bodies) {
      const reply = await call(name, body, unbound);
      expect(reply.httpStatus, name).toBe(403);
      expect(reply.body.message, name).toContain('not bound to the paper account');
    }
    expect(journal().length).toBe(before);
    expect(journal().find((o) => o.id === placed.orderid)?.state).toBe('OPEN');
    await ok('cancelorder', { orderid: placed.orderid });
  });

  it('a read-only key cannot trade; an order above a limit is refused, not confirmed', async () => {
    const before = journal().length;
    const read = await call('placeorder', { ...INFY, action: 'BUY', quantity: 1 }, { permission: 'read' });
    expect(read).toMatchObject({ httpStatus: 403, body: { status: 'error', message: expect.stringContaining('read-only') } });
    expect((await call('ping', {}, { permission: 'read' })).httpStatus).toBe(200);

    await w.g.ok('limits:set', { maxQuantity: 10, maxOrderValue: null, maxOrdersPerMinute: null });
    const over = await call('placeorder', { ...INFY, action: 'BUY', quantity: 11 });
    expect(over).toMatchObject({ httpStatus: 400, body: { message: expect.stringContaining('pre-trade limits') } });
    expect(journal().length).toBe(before);
    await w.g.ok('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });
  });
});

describe('live mode on the bound connection', () => {
  beforeAll(async () => {
    nextWindow(w);
    const request = await w.g.ok('mode:requestLive', { connectionId });
    await w.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase });
  });

  it('a key not bound to the live connection reaches nothing', async () => {
    const before = journal().length;
    const bodies: [string, Record<string, unknown>][] = [
      ['ping', {}],
      ['orderbook', {}],
      ['funds', {}],
      ['quotes', { symbol: 'INFY', exchange: 'NSE' }],
      ['placeorder', { ...INFY, action: 'BUY', quantity: 1 }],
    ];
    for (const [name, body] of bodies) {
      const verb = ALL_VERBS.find((v) => v.name === name)!;
      const reply = await w.run(runVerb(verb, { ...context(), caller: { keyId: 'k2', connectionIds: [], permission: 'trade' } }, body));
      expect(reply.httpStatus, name).toBe(403);
      expect(reply.body.message, name).toContain('not bound');
    }
    expect(journal().length).toBe(before);
    // A key bound to the live connection alone does not see the paper account's orders either.
    const paperOrder = journal().find((o) => o.mode === 'paper')!;
    const status = await call('orderstatus', { orderid: paperOrder.id, strategy: 'x' }, { connectionIds: [connectionId] });
    expect(status.httpStatus).toBe(404);
    expect((await call('orderstatus', { orderid: paperOrder.id, strategy: 'x' })).httpStatus).toBe(200);
  });

  it('orders reach the broker through the one order path, and every book reads the broker', async () => {
    expect((await ok('ping')).data).toEqual({ broker: 'zerodha', message: 'pong' });
    expect((await ok('analyzer')).data).toMatchObject({ analyze_mode: false, mode: 'live' });
    expect((await ok('analyzer/toggle', { mode: false })).data).toMatchObject({ mode: 'live' });

    const quote = (await ok('quotes', { symbol: 'INFY', exchange: 'NSE' })).data;
    expect(quote.ltp).toBeCloseTo(priceAt('NSE:INFY', w.clock.now()), 0);

    const sent = sim.exchange!.list().length;
    const placed = await ok('placeorder', { strategy: 'live', ...INFY, action: 'BUY', quantity: 1, pricetype: 'MARKET' });
    expect(sim.exchange!.list().length).toBe(sent + 1);
    const order = journal().find((o) => o.id === placed.orderid)!;
    expect(order).toMatchObject({ mode: 'live', connectionId, broker: 'zerodha', source: 'api', brokerOrderId: expect.any(String) });
    await w.run(w.g.services.trading.orders.refresh(async () => undefined));
    expect((await ok('orderstatus', { orderid: placed.orderid })).data).toMatchObject({ order_status: 'complete', broker_orderid: order.brokerOrderId });
    expect(await ok('openposition', INFY)).toMatchObject({ quantity: '1' });
    expect((await ok('positionbook')).data).toEqual(expect.arrayContaining([expect.objectContaining({ symbol: 'INFY', quantity: 1 })]));
    expect((await ok('tradebook')).data).toEqual(expect.arrayContaining([expect.objectContaining({ symbol: 'INFY', orderid: placed.orderid })]));
    expect((await ok('orderbook')).data.orders).toEqual(expect.arrayContaining([expect.objectContaining({ orderid: placed.orderid })]));
    expect((await ok('funds')).data.availablecash).toMatch(/^\d+\.\d{2}$/);
    expect((await ok('holdings')).data).toMatchObject({ holdings: expect.any(Array) });
    expect((await ok('depth', { symbol: 'INFY', exchange: 'NSE' })).data.ltp).toBeGreaterThan(0);
    expect((await ok('search', { query: 'INFY' })).data).toEqual(expect.arrayContaining([expect.objectContaining({ symbol: 'INFY', exchange: 'NSE' })]));
    expect((await ok('symbol', { symbol: 'INFY', exchange: 'NSE' })).data).toMatchObject({ symbol: 'INFY', brsymbol: 'INFY' });
    expect((await ok('expiry', { symbol: 'NIFTY', exchange: 'NFO', instrumenttype: 'futures' })).data).toEqual(['27-JAN-26']);
    expect((await ok('intervals')).data.days).toEqual(['D']);
    const day = new Date(w.clock.now()).toISOString().slice(0, 10);
    const history = await call('history', { symbol: 'INFY', exchange: 'NSE', interval: '5m', start_date: day, end_date: day });
    expect(history.httpStatus).toBe(200);
    const liveBars = history.body.data as { timestamp: number; close: number }[];
    expect(liveBars.length).toBeGreaterThan(0);
    expect(liveBars[0]!.timestamp).toBe(Date.parse(`${day}T00:00:00Z`) / 1000);

    const smart = await ok('placesmartorder', { ...INFY, action: 'BUY', quantity: 1, pricetype: 'MARKET', position_size: 2 });
    expect(journal().find((o) => o.id === smart.orderid)).toMatchObject({ mode: 'live', side: 'BUY', quantity: 1 });
    const basket = await ok('basketorder', { orders: [{ ...INFY, action: 'BUY', quantity: 1, pricetype: 'MARKET' }] });
    expect(basket.results).toMatchObject([{ status: 'success' }]);
    const split = await ok('splitorder', { ...INFY, action: 'BUY', quantity: 2, splitsize: 1, pricetype: 'MARKET' });
    expect((split.results as unknown[]).length).toBe(2);
    expect(sim.exchange!.list().length).toBe(sent + 5);
  });

  it('an order the broker refuses outright is an error with the broker’s reason, journaled as rejected', async () => {
    const before = journal().length;
    const sent = sim.exchange!.list().length;
    const reply = await call('placeorder', { symbol: 'NOTLISTED', exchange: 'NSE', action: 'BUY', quantity: 1, product: 'CNC' });
    expect(reply).toMatchObject({ httpStatus: 400, body: { status: 'error', message: expect.stringMatching(/NOTLISTED|instrument/i) } });
    expect(journal().length).toBe(before + 1);
    expect(journal()[0]).toMatchObject({ state: 'REJECTED', source: 'api', brokerOrderId: null });
    expect(sim.exchange!.list().length).toBe(sent);
  });

  it('a live order is modified (within limits) and cancelled at the broker; cancelallorder and closeposition', async () => {
    const last = priceAt('NSE:INFY', w.clock.now());
    const low = Number((Math.round((last * 0.5) / 0.05) * 0.05).toFixed(2));
    const rest = await ok('placeorder', { ...INFY, action: 'BUY', quantity: 1, pricetype: 'LIMIT', price: low });
    const brokerId = journal().find((o) => o.id === rest.orderid)!.brokerOrderId;
    const lower = Number((low - 1).toFixed(2));
    await ok('modifyorder', { orderid: rest.orderid, ...INFY, action: 'BUY', pricetype: 'LIMIT', quantity: 1, price: lower });
    expect(sim.exchange!.list().find((o) => o.id === brokerId)).toMatchObject({ status: 'OPEN', limitPrice: lower });

    await w.g.ok('limits:set', { maxQuantity: 5, maxOrderValue: null, maxOrdersPerMinute: null });
    const over = await call('modifyorder', { orderid: rest.orderid, ...INFY, action: 'BUY', pricetype: 'LIMIT', quantity: 6, price: lower });
    expect(over).toMatchObject({ httpStatus: 400, body: { message: expect.stringContaining('pre-trade limits') } });
    expect(sim.exchange!.list().find((o) => o.id === brokerId)).toMatchObject({ quantity: 1 });
    await w.g.ok('limits:set', { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null });

    await ok('cancelorder', { orderid: rest.orderid });
    expect(sim.exchange!.list().find((o) => o.id === brokerId)).toMatchObject({ status: 'CANCELLED' });

    const other = await ok('placeorder', { ...INFY, action: 'BUY', quantity: 1, pricetype: 'LIMIT', price: low });
    expect((await ok('cancelallorder')).canceled_orders).toEqual([other.orderid]);

    await ok('closeposition');
    await w.run(w.g.services.trading.orders.refresh(async () => undefined));
    expect(await ok('openposition', INFY)).toMatchObject({ quantity: '0' });
  });

  it('the kill switch stops API trading until the trader turns trading back on; analyzer/toggle only goes to paper', async () => {
    expect((await ok('analyzer/toggle', { mode: true })).data).toMatchObject({ analyze_mode: true });
    expect(w.g.services.trading.mode.status().mode).toBe('paper');
    expect((await call('analyzer/toggle', { mode: false })).httpStatus).toBe(403);
    expect(w.g.services.trading.mode.status().mode).toBe('paper');

    await w.run(w.g.services.trading.killSwitch.engage(false));
    const before = journal().length;
    const refused = await call('placeorder', { ...INFY, action: 'BUY', quantity: 1 });
    expect(refused).toMatchObject({ httpStatus: 403, body: { message: expect.stringContaining('kill switch') } });
    expect(journal().length).toBe(before);
    await w.g.ok('mode:unlock');
    await ok('placeorder', { ...INFY, action: 'BUY', quantity: 1 });
    expect(journal().length).toBe(before + 1);
  });
});

it('called every verb', () => {
  expect([...called].sort()).toEqual([...VERB_NAMES].sort());
});

it('a kill switch engaged while a live split is being sent stops the slices not yet sent', async () => {
  // A world of its own whose network engages the kill switch as the first slice leaves for the broker.
  let engaged: Promise<unknown> | null = null;
  const box: { world?: World } = {};
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (!engaged && init?.method === 'POST' && url.pathname === '/orders/regular') engaged = box.world!.g.services.trading.killSwitch.engage(false);
    return globalThis.fetch(input, init);
  };
  const world = (box.world = await makeWorld(undefined, fetch));
  const simulator = await zerodha.start(world.clock);
  try {
    const id = (await connect(world, zerodha, simulator)).view.id;
    nextWindow(world);
    await world.g.ok('connections:validate', { id });
    nextWindow(world);
    const request = await world.g.ok('mode:requestLive', { connectionId: id });
    await world.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase });
    const split = ALL_VERBS.find((v) => v.name === 'splitorder')!;
    nextWindow(world);
    const reply = await world.run(
      runVerb(
        split,
        { caller: { keyId: 'k', connectionIds: [id], permission: 'trade' }, services: world.g.services },
        { ...INFY, action: 'BUY', quantity: 3, splitsize: 1 },
      ),
    );
    await world.run(engaged!);
    expect(reply.httpStatus).toBe(200);
    const results = reply.body.results as { status: string; message?: string }[];
    expect(results.map((r) => r.status)).toEqual(['success', 'error', 'error']);
    expect(results[1]!.message).toMatch(/kill switch|live/i);
    expect(simulator.exchange!.list()).toHaveLength(1);
    expect(world.g.services.trading.orders.list({ limit: 10 })).toHaveLength(1);
  } finally {
    world.g.close();
    await simulator.close();
  }
}, 60_000);

describe.each([
  { id: 'alpaca', order: { symbol: 'AAPL', exchange: 'NASDAQ', quantity: 1 }, common: 'US:AAPL', back: { symbol: 'AAPL', exchange: 'US' } },
  {
    id: 'binance',
    order: { symbol: 'BTCUSDT', exchange: 'CRYPTO', quantity: 0.01 },
    common: 'CRYPTO:BTCUSDT',
    back: { symbol: 'BTCUSDT', exchange: 'CRYPTO' },
  },
])('live on $id: US and crypto symbols', ({ id, order, common, back }) => {
  it('places, reads back and refuses an Indian exchange', async () => {
    const c = CASES.find((x) => x.id === id)!;
    const world = await makeWorld();
    const simulator = await c.start(world.clock);
    try {
      const conn = (await connect(world, c, simulator)).view.id;
      nextWindow(world);
      await world.g.ok('connections:validate', { id: conn });
      nextWindow(world);
      const request = await world.g.ok('mode:requestLive', { connectionId: conn });
      await world.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase });
      const run = (name: string, body: Record<string, unknown>) => {
        nextWindow(world);
        const verb = ALL_VERBS.find((v) => v.name === name)!;
        return world.run(runVerb(verb, { caller: { keyId: 'k', connectionIds: [conn], permission: 'trade' }, services: world.g.services }, body));
      };
      const placed = await run('placeorder', { ...order, action: 'BUY', pricetype: 'MARKET', product: 'CNC' });
      expect(placed.body, JSON.stringify(placed.body)).toMatchObject({ status: 'success', orderid: expect.any(String) });
      const journaled = world.g.services.trading.orders.list({ limit: 10 });
      expect(journaled).toMatchObject([{ mode: 'live', broker: id, symbol: common, source: 'api', product: null }]);
      expect(simulator.exchange!.list()).toHaveLength(1);
      expect((await run('orderstatus', { orderid: placed.body.orderid })).body.data).toMatchObject({ ...back, action: 'BUY' });
      expect((await run('quotes', { symbol: order.symbol, exchange: order.exchange })).body).toMatchObject({
        status: 'success',
        data: { ltp: expect.any(Number) },
      });
      const refused = await run('placeorder', { symbol: 'SBIN', exchange: 'NSE', action: 'BUY', quantity: 1 });
      expect(refused).toMatchObject({ httpStatus: 400, body: { message: expect.stringContaining('does not trade on NSE') } });
      expect(simulator.exchange!.list()).toHaveLength(1);
    } finally {
      world.g.close();
      await simulator.close();
    }
  }, 60_000);
});
