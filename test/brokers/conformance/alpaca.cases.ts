import { expect } from 'vitest';
import { ManualClock } from '../../../src/main/clock';
import { adapter } from '../../../src/main/brokers/alpaca/adapter';
import { dataBaseUrl } from '../../../src/main/brokers/alpaca/client';
import { descriptor } from '../../../src/main/brokers/alpaca/descriptor';
import { type BrokerContext, type Instrument } from '../../../src/main/brokers/types';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { startAlpaca, type AlpacaSimHandle } from '../../simulators/alpaca';
import { AlpacaSpec } from '../../simulators/alpaca/spec';
import { priceAt } from '../../simulators/exchange';
import { brokerContext, canaryForms, failure, answer } from '../support';
import { ALPACA_ERRORS, alpacaError } from '../../../src/main/brokers/alpaca/errors';
import { alpacaStreamingCases } from './alpaca-streaming';
import { alpacaExitCases } from './alpaca-exits';
import { behaviour, type BrokerConformance } from './suite';

interface Exchange {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** Every response the adapter consumed, so each can be checked against Alpaca's OpenAPI spec. */
const seen: Exchange[] = [];
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const text = await res.clone().text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : '';
  } catch {
    /* keep text */
  }
  seen.push({ method: init?.method ?? 'GET', path: new URL(String(input)).pathname, status: res.status, body });
  return res;
};

const clock = new ManualClock(Date.UTC(2026, 0, 5, 15, 0, 0));
let sim: AlpacaSimHandle;
let instruments: Instrument[] = [];

function ctx(overrides: Partial<BrokerContext> = {}): BrokerContext {
  const base = brokerContext({ baseUrl: sim.baseUrl, environment: 'paper', credentials: sim.credentials, fetch: recordingFetch, clock, instruments });
  return { ...base, ...overrides };
}

/** The spec is parsed and compiled once per file: building it takes seconds on a busy machine. */
let parsedSpec: AlpacaSpec | undefined;
function loadedSpec(): AlpacaSpec {
  parsedSpec ??= new AlpacaSpec();
  return parsedSpec;
}

export const conformance: BrokerConformance = {
  id: 'alpaca',
  adapter: adapter,
  hooks: {
    beforeAll: async () => {
      sim = await startAlpaca({ clock });
    },
    afterAll: async () => {
      await sim.close();
    },
  },
  unreachable: () => adapter.validate(ctx({ baseUrl: 'http://127.0.0.1:9' })),
  errorTables: [
    {
      name: 'ALPACA_ERRORS',
      table: ALPACA_ERRORS,
      map: ({ status }) => alpacaError(answer(status ?? 400, { code: 40010000, message: 'refused' }), 'trading', clock.now()),
    },
  ],
  cases: [
    behaviour('descriptor', 'parses and points paper and live at their real hosts', () => {
      expect(BrokerDescriptorSchema.parse(descriptor)).toEqual(descriptor);
      expect(descriptor.environments.map((e) => [e.id, e.baseUrl])).toEqual([
        ['paper', 'https://paper-api.alpaca.markets'],
        ['live', 'https://api.alpaca.markets'],
      ]);
      for (const f of descriptor.fields) expect(new RegExp(f.pattern!).test(sim.credentials[f.name]!)).toBe(true);
    }),
    behaviour('quotes', 'uses data.alpaca.markets for quotes unless the base URL is overridden', () => {
      expect(dataBaseUrl(ctx({ baseUrl: 'https://api.alpaca.markets' }))).toBe('https://data.alpaca.markets');
      expect(dataBaseUrl(ctx({ baseUrl: 'https://paper-api.alpaca.markets/' }))).toBe('https://data.alpaca.markets');
      expect(dataBaseUrl(ctx())).toBe(sim.baseUrl);
    }),
    behaviour('instruments', 'fetches and parses the asset list as the instrument master', async () => {
      instruments = await adapter.fetchInstruments!(ctx());
      const aapl = instruments.find((i) => i.symbol === 'US:AAPL');
      expect(aapl).toMatchObject({ exchange: 'US', brokerSymbol: 'AAPL', token: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415', tickSize: 0.01 });
      expect(instruments.map((i) => i.symbol)).toContain('US:SPY');
    }),
    behaviour(['signIn', 'validate'], 'validates keys and reports account type and buying power', async () => {
      const summary = await adapter.validate(ctx());
      expect(summary).toEqual({ accountMasked: '••••Q7XZ', accountType: 'Cash', buyingPower: 100_000, currency: 'USD' });
      sim.setAccountStatus('ACCOUNT_UPDATED');
      expect((await adapter.validate(ctx())).accountType).toContain('ACCOUNT_UPDATED');
      sim.setAccountStatus('ACTIVE');
    }),
    behaviour(['orders', 'positions'], 'places a market order, finds it by id and by client order id, and shows the position', async () => {
      const ack = await adapter.placeOrder(ctx(), { symbol: 'US:AAPL', side: 'BUY', quantity: 3, type: 'MARKET', clientOrderId: 'ticket-mkt-1' });
      expect(ack.state).toBe('PENDING'); // Alpaca answers "accepted" before routing
      const byId = await adapter.getOrder(ctx(), { brokerOrderId: ack.brokerOrderId });
      const byClient = await adapter.getOrder(ctx(), { clientOrderId: 'ticket-mkt-1' });
      expect(byId).toMatchObject({ state: 'FILLED', filledQuantity: 3, symbol: 'US:AAPL', side: 'BUY', clientOrderId: 'ticket-mkt-1' });
      expect(byClient?.brokerOrderId).toBe(ack.brokerOrderId);
      const price = sim.exchange.price('AAPL');
      expect(byId?.averagePrice).toBe(price);
      const [position] = await adapter.positions(ctx());
      expect(position).toMatchObject({ symbol: 'US:AAPL', quantity: 3, averagePrice: price, lastPrice: price, unrealizedPnl: 0 });
      const funds = await adapter.funds(ctx());
      expect(funds.available).toBeCloseTo(100_000 - 3 * price, 6);
      expect(funds.total).toBeCloseTo(100_000, 6);
    }),
    behaviour('orders', 'treats a retried client order id as the same order instead of failing', async () => {
      const order = { symbol: 'US:MSFT', side: 'BUY' as const, quantity: 1, type: 'LIMIT' as const, limitPrice: 1, clientOrderId: 'ticket-retry' };
      const first = await adapter.placeOrder(ctx(), order);
      const again = await adapter.placeOrder(ctx(), order);
      expect(again.brokerOrderId).toBe(first.brokerOrderId);
      expect(sim.exchange.list().filter((o) => o.clientOrderId === 'ticket-retry')).toHaveLength(1);
    }),
    behaviour('orders', 'cancels an open limit order and lists the order book', async () => {
      const ack = await adapter.placeOrder(ctx(), {
        symbol: 'US:SPY',
        side: 'BUY',
        quantity: 2,
        type: 'LIMIT',
        limitPrice: 1.5,
        timeInForce: 'GTC',
        clientOrderId: 'ticket-cancel',
      });
      expect((await adapter.getOrder(ctx(), { brokerOrderId: ack.brokerOrderId }))?.state).toBe('OPEN');
      await adapter.cancelOrder(ctx(), ack.brokerOrderId);
      const book = await adapter.orders(ctx());
      expect(book.find((o) => o.brokerOrderId === ack.brokerOrderId)).toMatchObject({ state: 'CANCELLED', limitPrice: 1.5, type: 'LIMIT' });
      expect(book.map((o) => o.clientOrderId)).toEqual(expect.arrayContaining(['ticket-mkt-1', 'ticket-retry', 'ticket-cancel']));
      // A second cancel hits Alpaca's 422 "not cancelable".
      const error = await failure(adapter.cancelOrder(ctx(), ack.brokerOrderId));
      expect(error.code).toBe('BROKER_REJECTED');
      expect(error.message).toContain('order is not cancelable');
    }),
    behaviour('modify', 'replaces an open order: a new id with the new quantity and limit, the old one followed to it', async () => {
      const terms = { symbol: 'US:SPY', side: 'BUY' as const, quantity: 3, type: 'LIMIT' as const, limitPrice: 1.25, clientOrderId: 'ticket-modify' };
      const placed = await adapter.placeOrder(ctx(), { ...terms, timeInForce: 'GTC' });
      const ack = await adapter.modifyOrder!(ctx(), placed.brokerOrderId, { quantity: 4, limitPrice: 1.3 }, { ...terms, quantity: 4, limitPrice: 1.3 });
      expect(ack!.brokerOrderId).not.toBe(placed.brokerOrderId);
      expect(await adapter.getOrder(ctx(), { brokerOrderId: ack!.brokerOrderId })).toMatchObject({ state: 'OPEN', quantity: 4, limitPrice: 1.3 });
      // The replaced order's id leads to the order that carries it on (a lookup after a lost answer finds the change).
      expect(await adapter.getOrder(ctx(), { brokerOrderId: placed.brokerOrderId })).toMatchObject({ brokerOrderId: ack!.brokerOrderId, quantity: 4 });
      const old = sim.exchange.get(placed.brokerOrderId)!;
      expect(old.extra.replacedBy).toBe(ack!.brokerOrderId);
    }),
    behaviour(['modify', 'errors'], 'refuses a type change, and a change to a filled order in Alpaca’s words', async () => {
      const terms = { symbol: 'US:SPY', side: 'BUY' as const, quantity: 1, type: 'LIMIT' as const, limitPrice: 1.1, clientOrderId: 'ticket-modify-2' };
      const placed = await adapter.placeOrder(ctx(), terms);
      const typeChange = await failure(adapter.modifyOrder!(ctx(), placed.brokerOrderId, { type: 'MARKET' }, { ...terms, type: 'MARKET' }));
      expect(typeChange).toMatchObject({ code: 'NOT_SUPPORTED', message: expect.stringMatching(/cannot change the type/) });
      await adapter.cancelOrder(ctx(), placed.brokerOrderId);
      const closed = await failure(adapter.modifyOrder!(ctx(), placed.brokerOrderId, { limitPrice: 1.2 }, { ...terms, limitPrice: 1.2 }));
      expect(closed).toMatchObject({ code: 'BROKER_REJECTED', message: 'Alpaca refused the change: order is not replaceable' });
    }),
    behaviour('orders', 'returns null for unknown orders', async () => {
      expect(await adapter.getOrder(ctx(), { brokerOrderId: '4e8a1c2d-7b3f-4c1e-9a2d-000000999999' })).toBeNull();
      expect(await adapter.getOrder(ctx(), { brokerOrderId: 'not-a-uuid' })).toBeNull();
      expect(await adapter.getOrder(ctx(), { clientOrderId: 'never-sent' })).toBeNull();
    }),
    behaviour('quotes', 'quotes several symbols from the market-data paths', async () => {
      const quotes = await adapter.quotes(ctx(), ['US:AAPL', 'US:MSFT', 'US:JPM', 'US:NOPE']);
      expect(quotes.map((q) => q.symbol)).toEqual(['US:AAPL', 'US:MSFT', 'US:JPM']);
      for (const q of quotes) {
        const last = sim.exchange.price(q.symbol.slice(3));
        expect(q).toEqual({ symbol: q.symbol, last, bid: Math.round((last - 0.01) * 100) / 100, ask: Math.round((last + 0.01) * 100) / 100, at: clock.now() });
      }
    }),
    behaviour(['orders', 'errors'], 'rejects orders with Alpaca’s own message', async () => {
      const tooBig = await failure(adapter.placeOrder(ctx(), { symbol: 'US:SPY', side: 'BUY', quantity: 1e6, type: 'MARKET', clientOrderId: 'big' }));
      expect([tooBig.code, tooBig.httpStatus, tooBig.message]).toEqual(['BROKER_REJECTED', 403, 'Alpaca rejected the request: insufficient buying power']);
      const unknown = await failure(adapter.placeOrder(ctx(), { symbol: 'US:NOPE', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'nope' }));
      expect(unknown.message).toContain('asset "NOPE" not found');
      const short = await failure(adapter.placeOrder(ctx(), { symbol: 'US:JPM', side: 'SELL', quantity: 1, type: 'MARKET', clientOrderId: 'short' }));
      expect(short.message).toContain('insufficient qty available');
    }),
    behaviour(['signIn', 'errors', 'rateLimits'], 'maps bad keys, wrong-environment keys, rate limits, SIP denial and a closed port', async () => {
      const wrongSecret = await failure(adapter.validate(ctx({ credentials: { ...sim.credentials, apiSecretKey: 'x'.repeat(40) } })));
      expect(wrongSecret.code).toBe('INVALID_CREDENTIALS');
      const liveKeys = await failure(adapter.funds(ctx({ credentials: sim.otherEnvironmentCredentials })));
      expect(liveKeys.code).toBe('INVALID_CREDENTIALS');
      expect(liveKeys.message).toContain('paper keys work only with Paper');

      clock.advance(60_000); // fresh rate window
      sim.setRateLimit(2);
      await adapter.positions(ctx());
      await adapter.positions(ctx());
      const limited = await failure(adapter.positions(ctx()));
      expect(limited.code).toBe('RATE_LIMITED');
      expect(limited.message).toMatch(/200 requests per minute.*\d+ s/);
      clock.advance(60_000);
      sim.setRateLimit(200);
      await expect(adapter.positions(ctx())).resolves.toBeDefined();

      const closed = await failure(adapter.validate(ctx({ baseUrl: 'http://127.0.0.1:9' })));
      expect(closed.code).toBe('NETWORK');
    }),
    behaviour('books', 'lists today’s fills from the FILL activities, newest first; offers no holdings (its positions are the held shares)', async () => {
      expect(adapter.holdings).toBeUndefined();
      const bought = sim.exchange.list().find((o) => o.clientOrderId === 'ticket-mkt-1')!;
      const sell = await adapter.placeOrder(ctx(), { symbol: 'US:AAPL', side: 'SELL', quantity: 1, type: 'MARKET', clientOrderId: 'ticket-book-sell' });
      const trades = await adapter.trades!(ctx());
      expect(trades.map((t) => [t.brokerOrderId, t.symbol, t.side, t.quantity, t.price, t.executedAt])).toEqual([
        [sell.brokerOrderId, 'US:AAPL', 'SELL', 1, sim.exchange.get(sell.brokerOrderId)!.averagePrice, clock.now()],
        [bought.id, 'US:AAPL', 'BUY', 3, bought.averagePrice, bought.updatedAt],
      ]);
      expect(new Set(trades.map((t) => t.tradeId)).size).toBe(trades.length);
      // Another New York day has no fills yet.
      const nextDay = await adapter.trades!(ctx({ clock: new ManualClock(clock.now() + 24 * 3_600_000) }));
      expect(nextDay).toEqual([]);
    }),
    behaviour('history', 'bars from GET /v2/stocks/{symbol}/bars agree with the latest trade, in every interval it declares', async () => {
      expect(adapter.historyIntervals).toEqual(['1m', '5m', '15m', '30m', '1h', '1d']);
      const now = clock.now();
      for (const [interval, length] of [
        ['1m', 60_000],
        ['1h', 3_600_000],
        ['1d', 86_400_000],
      ] as const) {
        const bars = await adapter.history!(ctx(), 'US:AAPL', interval, now - 20 * length, now + 1);
        expect(bars.length, interval).toBeGreaterThanOrEqual(20);
        expect(bars.every((b) => b.time % length === 0 && b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close))).toBe(true);
        expect(bars[0]!.open).toBe(priceAt('AAPL', bars[0]!.time));
        expect(bars.at(-1)!.close).toBe(priceAt('AAPL', now));
      }
      const [latest] = await adapter.quotes(ctx(), ['US:AAPL']);
      const [bar] = (await adapter.history!(ctx(), 'US:AAPL', '1m', now - 60_000, now + 1)).slice(-1);
      expect(bar!.close).toBe(latest!.last);
    }),
    behaviour('history', 'follows next_page_token: 25,000 minute bars arrive in three pages, none twice', async () => {
      const now = clock.now();
      const before = seen.length;
      const bars = await adapter.history!(ctx(), 'US:MSFT', '1m', now - 25_000 * 60_000, now);
      expect(bars).toHaveLength(25_000);
      expect(new Set(bars.map((b) => b.time)).size).toBe(25_000);
      expect(seen.slice(before).filter((x) => x.path === '/v2/stocks/MSFT/bars')).toHaveLength(3);
    }),
    behaviour('history', 'crypto charts are refused in our words', async () => {
      const error = await failure(adapter.history!(ctx(), 'CRYPTO:BTCUSD', '1m', clock.now() - 60_000, clock.now()));
      expect(error.code).toBe('NOT_SUPPORTED');
    }),
    behaviour('specific', 'every simulator response the adapter consumed matches Alpaca’s OpenAPI spec', () => {
      const spec = loadedSpec();
      const problems = seen.flatMap((x) => spec.check(x.method, x.path, x.status, x.body));
      expect(problems).toEqual([]);
      const covered = new Set(seen.map((x) => `${x.method} ${x.path.replace(/[0-9a-f-]{36}/, '{id}')} ${x.status}`));
      for (const op of [
        'GET /v2/account 200',
        'GET /v2/account 401',
        'GET /v2/assets 200',
        'POST /v2/orders 200',
        'POST /v2/orders 403',
        'POST /v2/orders 422',
        'GET /v2/account/activities/FILL 200',
        'GET /v2/orders/{id} 200',
        'GET /v2/orders/{id} 404',
        'GET /v2/orders:by_client_order_id 200',
        'GET /v2/orders:by_client_order_id 404',
        'DELETE /v2/orders/{id} 204',
        'DELETE /v2/orders/{id} 422',
        'GET /v2/orders 200',
        'GET /v2/positions 200',
        'GET /v2/positions 429',
        'GET /v2/stocks/trades/latest 200',
        'GET /v2/stocks/quotes/latest 200',
        'GET /v2/stocks/AAPL/bars 200',
      ]) {
        expect(covered).toContain(op);
      }
    }),
    behaviour('specific', 'the spec check catches a malformed response', () => {
      const spec = loadedSpec();
      expect(spec.check('GET', '/v2/account', 200, { id: 'not-a-uuid', status: 'ACTIVE' })).not.toEqual([]);
      expect(spec.check('GET', '/v2/stocks/trades/latest', 200, { trades: { AAPL: { p: '1' } } })).not.toEqual([]);
      expect(spec.check('DELETE', '/v2/orders/4e8a1c2d-7b3f-4c1e-9a2d-000000000001', 422, { message: 'x' })).not.toEqual([]);
    }),
    behaviour('specific', 'answers SIP requests on the free plan with a 403 the adapter would show', async () => {
      const res = await fetch(`${sim.baseUrl}/v2/stocks/AAPL/trades/latest?feed=sip`, {
        headers: { 'APCA-API-KEY-ID': sim.credentials.apiKeyId!, 'APCA-API-SECRET-KEY': sim.credentials.apiSecretKey! },
      });
      expect(res.status).toBe(403);
      const spec = loadedSpec();
      expect(spec.check('GET', '/v2/stocks/AAPL/trades/latest', 403, await res.json())).toEqual([]);
    }),
    behaviour('secrets', 'never leaks the key id or secret in results or errors', async () => {
      const canary = 'CANARY7731ALPACA';
      const bad = { apiKeyId: `PK${canary}`, apiSecretKey: `sec${canary}xxxxxxxxxxxxxxxxxxxx` };
      const forms = [...canaryForms(canary), bad.apiSecretKey, bad.apiKeyId];
      const outputs: unknown[] = [];
      const collect = async (p: Promise<unknown>) =>
        p.then(
          (r) => outputs.push(r),
          (e: Error) => outputs.push(e.message, e.stack, JSON.stringify(e), String(e)),
        );
      await collect(adapter.validate(ctx({ credentials: bad })));
      await collect(adapter.placeOrder(ctx({ credentials: bad }), { symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'c1' }));
      await collect(adapter.quotes(ctx({ credentials: bad }), ['US:AAPL']));
      await collect(adapter.validate(ctx({ credentials: bad, baseUrl: 'http://127.0.0.1:9' })));
      // Successful calls with the canary in a client order id the user chose do not echo credentials either.
      await collect(adapter.validate(ctx()));
      await collect(adapter.quotes(ctx(), ['US:AAPL']));
      expect(outputs.length).toBeGreaterThanOrEqual(6);
      const text = outputs.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n');
      for (const form of forms) expect(text).not.toContain(form);
    }),
    ...alpacaStreamingCases,
    ...alpacaExitCases,
  ],
};
