import { expect } from 'vitest';
import { priceAt } from '../../simulators/exchange';
import { ManualClock, type Clock } from '../../../src/main/clock';
import { adapter } from '../../../src/main/brokers/binance/adapter';
import { descriptor } from '../../../src/main/brokers/binance/descriptor';
import { binanceClientId } from '../../../src/main/brokers/binance/mapping';
import { encodeParams, sign } from '../../../src/main/brokers/binance/signing';
import { type BrokerContext, type Instrument } from '../../../src/main/brokers/types';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { startBinance, type BinanceSimHandle } from '../../simulators/binance';
import { BinanceSpec } from '../../simulators/binance/spec';
import { brokerContext, canaryForms, failure, answer } from '../support';
import { BINANCE_ERRORS, binanceError } from '../../../src/main/brokers/binance/errors';
import { binanceStreamingCases } from './binance-streaming';
import { binanceExitCases } from './binance-exits';
import { behaviour, type BrokerConformance } from './suite';

interface Exchange {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** Every response the adapter consumed, so each can be checked against Binance's OpenAPI spec. */
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

const simClock = new ManualClock(Date.UTC(2026, 0, 5, 12, 0, 0));
/** The user's computer runs 45 s late: without server-time sync every signed call would fail with -1021. */
const driftingClock: Clock = { now: () => simClock.now() - 45_000 };
let sim: BinanceSimHandle;
let instruments: Instrument[] = [];

function ctx(overrides: Partial<BrokerContext> = {}): BrokerContext {
  const base = brokerContext({
    baseUrl: sim.baseUrl,
    environment: 'live',
    credentials: sim.credentials,
    fetch: recordingFetch,
    clock: driftingClock,
    instruments,
  });
  return { ...base, ...overrides };
}
/** One connection's context, shared across calls like the app does. */
let conn: BrokerContext;

/** A hand-signed request, to exercise the simulator the way other clients (e.g. @binance/spot) call it. */
async function rawSigned(
  method: string,
  path: string,
  params: [string, string][],
  options: {
    where?: 'query' | 'body';
    secret?: string;
    timestamp?: number;
    recvWindow?: string;
    /** Re-encode the parameters on the wire (same values, other bytes); the signature is over the standard encoding… */
    wire?: (payload: string) => string;
    /** …or, with this, over the re-encoded bytes actually sent. */
    signWire?: boolean;
  } = {},
): Promise<{ status: number; body: { code?: number; msg?: string } & Record<string, unknown> }> {
  const all: [string, string][] = [...params, ['timestamp', String(options.timestamp ?? simClock.now())]];
  if (options.recvWindow) all.push(['recvWindow', options.recvWindow]);
  const payload = encodeParams(all);
  const sent = options.wire ? options.wire(payload) : payload;
  const signed = `${sent}&signature=${sign(options.secret ?? sim.credentials.secretKey!, options.signWire ? sent : payload)}`;
  const inBody = options.where === 'body';
  const res = await fetch(`${sim.baseUrl}${path}${inBody ? '' : `?${signed}`}`, {
    method,
    headers: { 'X-MBX-APIKEY': sim.credentials.apiKey!, 'content-type': inBody ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: inBody ? signed : method === 'POST' ? '' : undefined,
  });
  return { status: res.status, body: (await res.json()) as { code?: number; msg?: string } };
}

/** The spec is parsed and compiled once per file: building it takes seconds on a busy machine. */
let parsedSpec: BinanceSpec | undefined;
function loadedSpec(): BinanceSpec {
  parsedSpec ??= new BinanceSpec();
  return parsedSpec;
}

export const conformance: BrokerConformance = {
  id: 'binance',
  adapter: adapter,
  hooks: {
    beforeAll: async () => {
      sim = await startBinance({ clock: simClock });
      conn = ctx();
    },
    afterAll: async () => {
      await sim.close();
    },
  },
  unreachable: () => adapter.validate(ctx({ baseUrl: 'http://127.0.0.1:9' })),
  errorTables: [
    {
      name: 'BINANCE_ERRORS',
      table: BINANCE_ERRORS,
      map: ({ code }) => binanceError(answer(400, { code: Number(code), msg: 'refused' }), false, undefined),
    },
  ],
  cases: [
    behaviour('descriptor', 'parses, with mainnet and testnet hosts', () => {
      expect(BrokerDescriptorSchema.parse(descriptor)).toEqual(descriptor);
      expect(descriptor.environments.map((e) => e.baseUrl)).toEqual(['https://api.binance.com', 'https://testnet.binance.vision']);
      for (const f of descriptor.fields) expect(new RegExp(f.pattern!).test(sim.credentials[f.name]!)).toBe(true);
    }),
    behaviour('modify', 'has no modify: Binance spot cannot change an order, and cancelReplace is a new order, not a change', () => {
      // POST /api/v3/order/cancelReplace cancels and places a new order (new id, new queue place, may half-succeed);
      // BrokerVault does not present that as a modify: the trader cancels and places again, and the app says so.
      expect(adapter.modifyOrder).toBeUndefined();
    }),
    behaviour('orders', 'keeps valid client order ids and maps others to a stable valid id', () => {
      expect(binanceClientId('ticket-1')).toBe('ticket-1');
      const long = binanceClientId('a client id with spaces that is far too long for Binance');
      expect(long).toMatch(/^[.A-Z:/a-z0-9_-]{1,36}$/);
      expect(binanceClientId('a client id with spaces that is far too long for Binance')).toBe(long);
    }),
    behaviour('instruments', 'fetches exchangeInfo as the instrument master', async () => {
      instruments = await adapter.fetchInstruments!(conn);
      expect(instruments.find((i) => i.symbol === 'CRYPTO:BTCUSDT')).toEqual({
        symbol: 'CRYPTO:BTCUSDT',
        exchange: 'CRYPTO',
        brokerSymbol: 'BTCUSDT',
        token: '',
        name: 'BTC/USDT',
        lotSize: 0.0001,
        tickSize: 0.01,
        segment: 'SPOT',
      });
      conn = ctx();
    }),
    behaviour(['signIn', 'specific'], 'syncs with server time (in ctx.memo) so a drifting clock does not fail', async () => {
      const summary = await adapter.validate(conn);
      expect(summary).toEqual({
        accountMasked: '••••7868',
        accountType: 'Spot, trading enabled, IP-restricted',
        buyingPower: 10_000,
        currency: 'USDT',
      });
      expect(conn.memo.get('binance:serverTimeOffsetMs')).toBe(45_000);
    }),
    behaviour(['signIn', 'specific'], 're-syncs once when a stored offset has gone stale', async () => {
      const c = ctx();
      c.memo.set('binance:serverTimeOffsetMs', 120_000);
      const before = sim.requests.length;
      await adapter.funds(c);
      expect(sim.requests.slice(before).map((r) => `${r.path} ${r.code ?? ''}`.trim())).toEqual(['/api/v3/account -1021', '/api/v3/time', '/api/v3/account']);
    }),
    behaviour('validate', 'surfaces key permissions and IP restriction on mainnet, and skips /sapi on testnet', async () => {
      const readOnly = ctx({ credentials: sim.readOnlyCredentials });
      expect((await adapter.validate(readOnly)).accountType).toContain('read-only key');
      const noTrade = await failure(
        adapter.placeOrder(readOnly, { symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 0.1, type: 'MARKET', clientOrderId: 'ro-1' }),
      );
      expect([noTrade.code, noTrade.message]).toEqual(['INVALID_CREDENTIALS', expect.stringContaining('Enable Spot & Margin Trading')]);
      const open = await adapter.validate(ctx({ credentials: sim.unrestrictedCredentials }));
      expect(open.accountType).toMatch(/trading enabled until 2026-01-\d\d, not IP-restricted/);
      const before = sim.requests.length;
      expect((await adapter.validate(ctx({ environment: 'sandbox' }))).accountType).toBe('Spot testnet');
      expect(sim.requests.slice(before).some((r) => r.path.startsWith('/sapi'))).toBe(false);
    }),
    behaviour(['orders', 'positions'], 'places a market order (signature in a form body) and finds it by id and by client order id', async () => {
      const price = sim.exchange.price('BTCUSDT');
      const ack = await adapter.placeOrder(conn, { symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 0.5, type: 'MARKET', clientOrderId: 'ticket-mkt' });
      expect(ack).toEqual({ brokerOrderId: 'BTCUSDT:1', state: 'FILLED' });
      expect(sim.requests.filter((r) => r.path === '/api/v3/order').pop()?.signatureIn).toBe('body');
      const byId = await adapter.getOrder(conn, { brokerOrderId: ack.brokerOrderId });
      expect(byId).toMatchObject({ symbol: 'CRYPTO:BTCUSDT', state: 'FILLED', quantity: 0.5, filledQuantity: 0.5, clientOrderId: 'ticket-mkt' });
      expect(byId?.averagePrice).toBeCloseTo(price, 8);
      expect((await adapter.getOrder(conn, { clientOrderId: 'ticket-mkt' }))?.brokerOrderId).toBe('BTCUSDT:1');
      // A new connection does not know the symbol: only open orders can be searched.
      expect(await adapter.getOrder(ctx(), { clientOrderId: 'ticket-mkt' })).toBeNull();
      expect(await adapter.getOrder(conn, { brokerOrderId: 'BTCUSDT:999' })).toBeNull();

      const [position] = await adapter.positions(conn);
      expect(position).toMatchObject({ symbol: 'CRYPTO:BTCUSDT', quantity: 0.5, lastPrice: price, realizedPnl: 0 });
      expect(position?.averagePrice).toBeCloseTo(price, 8);
      const funds = await adapter.funds(conn);
      expect(funds.available).toBeCloseTo(10_000 - 0.5 * price, 6);
      expect(funds.used).toBe(0);
    }),
    behaviour('books', 'lists today’s fills from /api/v3/myTrades for the pairs held and traded; offers no holdings', async () => {
      expect(adapter.holdings).toBeUndefined();
      const filled = sim.exchange.list().find((o) => o.clientOrderId === 'ticket-mkt')!;
      const book = await adapter.trades!(conn);
      expect(book).toEqual([
        {
          tradeId: expect.stringMatching(/^BTCUSDT:/),
          brokerOrderId: 'BTCUSDT:1',
          symbol: 'CRYPTO:BTCUSDT',
          side: 'BUY',
          quantity: 0.5,
          price: expect.any(Number),
          executedAt: filled.updatedAt,
        },
      ]);
      expect(book[0]!.price).toBeCloseTo(filled.averagePrice!, 8);
      // The next UTC day starts an empty book.
      expect(await adapter.trades!({ ...conn, clock: new ManualClock(filled.updatedAt + 86_400_000) })).toEqual([]);
    }),
    behaviour('orders', 'models newClientOrderId: refused while the earlier order is open, reusable once it is closed', async () => {
      const order = { symbol: 'CRYPTO:ETHUSDT', side: 'BUY' as const, quantity: 1, type: 'LIMIT' as const, limitPrice: 10, clientOrderId: 'ticket-lim' };
      const first = await adapter.placeOrder(conn, order);
      expect(first.state).toBe('OPEN');
      // Retrying the same ticket returns the open order rather than a second one.
      expect(await adapter.placeOrder(conn, order)).toEqual(first);
      const dup = await rawSigned('POST', '/api/v3/order', [
        ['symbol', 'ETHUSDT'],
        ['side', 'BUY'],
        ['type', 'LIMIT'],
        ['timeInForce', 'GTC'],
        ['quantity', '1'],
        ['price', '10'],
        ['newClientOrderId', 'ticket-lim'],
      ]);
      expect(dup).toEqual({ status: 400, body: { code: -2010, msg: 'Duplicate order sent.' } });
      expect((await adapter.funds(conn)).used).toBe(10);

      await adapter.cancelOrder(conn, first.brokerOrderId);
      expect((await adapter.getOrder(conn, { brokerOrderId: first.brokerOrderId }))?.state).toBe('CANCELLED');
      const again = await failure(adapter.cancelOrder(conn, first.brokerOrderId));
      expect([again.code, again.message]).toEqual(['BROKER_REJECTED', 'Binance rejected the request: Unknown order sent.']);
      // Closed now: the same id is accepted for a new order; this one sends everything in the query string like @binance/spot.
      const reuse = await rawSigned('POST', '/api/v3/order', [
        ['symbol', 'ETHUSDT'],
        ['side', 'BUY'],
        ['type', 'LIMIT'],
        ['timeInForce', 'GTC'],
        ['quantity', '1'],
        ['price', '10'],
        ['newClientOrderId', 'ticket-lim'],
        ['newOrderRespType', 'ACK'],
      ]);
      expect(reuse.status).toBe(200);
      expect(sim.requests.at(-1)?.signatureIn).toBe('query');
      expect((await adapter.getOrder(conn, { clientOrderId: 'ticket-lim' }))?.brokerOrderId).toBe(`ETHUSDT:${reuse.body.orderId}`);
    }),
    behaviour('orders', 'lists open orders and this connection’s history', async () => {
      const book = await adapter.orders(conn);
      expect(book.map((o) => `${o.brokerOrderId} ${o.state}`).sort()).toEqual(['BTCUSDT:1 FILLED', 'ETHUSDT:2 CANCELLED', 'ETHUSDT:3 OPEN']);
      expect(book.find((o) => o.brokerOrderId === 'ETHUSDT:3')).toMatchObject({ type: 'LIMIT', limitPrice: 10, averagePrice: null });
    }),
    behaviour('quotes', 'quotes several pairs with one ticker/price call', async () => {
      const quotes = await adapter.quotes(conn, ['CRYPTO:BTCUSDT', 'CRYPTO:ETHUSDT', 'CRYPTO:SOLUSDT']);
      expect(quotes).toEqual(
        ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].map((s) => ({ symbol: `CRYPTO:${s}`, last: sim.exchange.price(s), bid: null, ask: null, at: null })),
      );
      const unknown = await failure(adapter.quotes(conn, ['CRYPTO:NOPEUSDT']));
      expect(unknown.message).toBe('Binance rejected the request: Invalid symbol.');
    }),
    behaviour(['orders', 'errors'], 'passes Binance’s own rejection messages through', async () => {
      const lot = await failure(adapter.placeOrder(conn, { symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 0.00001, type: 'MARKET', clientOrderId: 'lot' }));
      expect([lot.code, lot.message]).toEqual(['BROKER_REJECTED', 'Binance rejected the request: Filter failure: LOT_SIZE']);
      const poor = await failure(adapter.placeOrder(conn, { symbol: 'CRYPTO:BNBUSDT', side: 'BUY', quantity: 900, type: 'MARKET', clientOrderId: 'poor' }));
      expect(poor.message).toBe('Binance rejected the request: Account has insufficient balance for requested action.');
    }),
    behaviour(
      ['signIn', 'specific'],
      'the simulator rejects wrong signatures, stale or early timestamps and oversized recvWindow exactly like Binance',
      async () => {
        const params: [string, string][] = [['omitZeroBalances', 'true']];
        expect((await rawSigned('GET', '/api/v3/account', params)).status).toBe(200);
        expect((await rawSigned('GET', '/api/v3/account', params, { secret: 'wrong' })).body).toEqual({
          code: -1022,
          msg: 'Signature for this request is not valid.',
        });
        expect((await rawSigned('GET', '/api/v3/account', params, { timestamp: simClock.now() - 6_000 })).body).toEqual({
          code: -1021,
          msg: 'Timestamp for this request is outside of the recvWindow.',
        });
        expect((await rawSigned('GET', '/api/v3/account', params, { timestamp: simClock.now() - 6_000, recvWindow: '10000' })).status).toBe(200);
        expect((await rawSigned('GET', '/api/v3/account', params, { timestamp: simClock.now() + 1_500 })).body).toEqual({
          code: -1021,
          msg: "Timestamp for this request was 1000ms ahead of the server's time.",
        });
        expect((await rawSigned('GET', '/api/v3/account', params, { recvWindow: '70000' })).body).toEqual({
          code: -1131,
          msg: 'recvWindow must be less than 60000',
        });
        // ccxt-style: everything, signature included, in a form body (a DELETE here: GET cannot carry one).
        const cancel = await rawSigned(
          'DELETE',
          '/api/v3/order',
          [
            ['symbol', 'BTCUSDT'],
            ['orderId', '999'],
          ],
          { where: 'body' },
        );
        expect(cancel.body).toEqual({ code: -2011, msg: 'Unknown order sent.' });
        expect(sim.requests.at(-1)?.signatureIn).toBe('body');
        const badBody = await rawSigned(
          'DELETE',
          '/api/v3/order',
          [
            ['symbol', 'BTCUSDT'],
            ['orderId', '999'],
          ],
          { where: 'body', secret: 'wrong' },
        );
        expect(badBody.body.code).toBe(-1022);
      },
    ),
    behaviour('signIn', 'verifies the signature over the exact bytes sent, not over a re-encoding of the parameters', async () => {
      const invalid = { code: -1022, msg: 'Signature for this request is not valid.' };
      // The same values the simulator decodes ("true", "BTC USDT"), in bytes other than the standard encoding.
      const oddTrue = (payload: string) => payload.replace('omitZeroBalances=true', 'omitZeroBalances=%74rue');
      const params: [string, string][] = [['omitZeroBalances', 'true']];
      // Signed over the standard form but sent otherwise: Binance verifies what arrived, so this fails…
      expect((await rawSigned('GET', '/api/v3/account', params, { wire: oddTrue })).body).toEqual(invalid);
      // …and a client that signs exactly what it sends is accepted, whatever its (valid) encoding.
      expect((await rawSigned('GET', '/api/v3/account', params, { wire: oddTrue, signWire: true })).status).toBe(200);
      // Space as "+" (URLSearchParams) versus "%20" (encodeURIComponent) in a form body.
      const spaced: [string, string][] = [
        ['symbol', 'BTCUSDT'],
        ['origClientOrderId', 'no such id'],
      ];
      const percent20 = (payload: string) => payload.replace('no+such+id', 'no%20such%20id');
      const sentOther = await rawSigned('DELETE', '/api/v3/order', spaced, { where: 'body', wire: percent20 });
      expect(sentOther.body).toEqual(invalid);
      expect(sim.requests.at(-1)?.code).toBe(-1022);
      const signedAsSent = await rawSigned('DELETE', '/api/v3/order', spaced, { where: 'body', wire: percent20, signWire: true });
      expect(signedAsSent.body).toEqual({ code: -2011, msg: 'Unknown order sent.' });
      expect(sim.requests.at(-1)?.signatureIn).toBe('body');
      // The adapter signs the bytes it sends, so its calls keep verifying.
      expect((await adapter.funds(conn)).currency).toBe('USDT');
    }),
    behaviour(['signIn', 'errors', 'rateLimits'], 'maps a wrong secret, a foreign IP, rate limits and a closed port', async () => {
      const wrong = await failure(adapter.funds(ctx({ credentials: { ...sim.credentials, secretKey: 'x'.repeat(64) } })));
      expect([wrong.code, wrong.httpStatus]).toEqual(['INVALID_CREDENTIALS', 400]);
      const unknownKey = await failure(adapter.funds(ctx({ credentials: { apiKey: 'Z'.repeat(64), secretKey: 'x'.repeat(64) } })));
      expect([unknownKey.code, unknownKey.httpStatus]).toEqual(['INVALID_CREDENTIALS', 401]);

      sim.setCallerIp('198.51.100.23');
      // conn validated earlier and knows the key is IP-restricted.
      const ip = await failure(adapter.funds(conn));
      expect([ip.code, ip.message]).toEqual(['IP_NOT_ALLOWED', expect.stringContaining('trusted-IP list')]);
      const fresh = await failure(adapter.funds(ctx()));
      expect([fresh.code, fresh.message]).toEqual(['INVALID_CREDENTIALS', expect.stringContaining('trusted-IP list')]);
      sim.setCallerIp('203.0.113.7');

      simClock.advance(60_000);
      sim.setWeightLimit(30);
      await adapter.funds(conn); // weight 20
      const limited = await failure(adapter.funds(conn));
      expect([limited.code, limited.httpStatus]).toEqual(['RATE_LIMITED', 429]);
      expect(limited.message).toMatch(/request weight per 1 MINUTE.*Try again in \d+ s/);
      simClock.advance(60_000);
      sim.setWeightLimit(6000);

      const closed = await failure(adapter.quotes(ctx({ baseUrl: 'http://127.0.0.1:9' }), ['CRYPTO:BTCUSDT']));
      expect(closed.code).toBe('NETWORK');
    }),
    behaviour('history', 'klines from GET /api/v3/klines agree with the ticker price, in every interval it declares', async () => {
      expect(adapter.historyIntervals).toEqual(['1m', '5m', '15m', '30m', '1h', '1d']);
      const now = simClock.now();
      for (const [interval, length] of [
        ['1m', 60_000],
        ['1h', 3_600_000],
        ['1d', 86_400_000],
      ] as const) {
        const bars = await adapter.history!(ctx(), 'CRYPTO:BTCUSDT', interval, now - 20 * length, now + 1);
        expect(bars.length, interval).toBeGreaterThanOrEqual(20);
        expect(bars.every((b) => b.time % length === 0 && b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close))).toBe(true);
        expect(bars[0]!.open).toBe(priceAt('BTCUSDT', bars[0]!.time));
      }
      const [quote] = await adapter.quotes(ctx(), ['CRYPTO:BTCUSDT']);
      const bars = await adapter.history!(ctx(), 'CRYPTO:BTCUSDT', '1m', now - 120_000, now + 1);
      expect(bars.at(-1)!.close).toBe(quote!.last);
    }),
    behaviour('history', 'pages past 1000 klines a call: 2,500 minute klines in three calls, none twice', async () => {
      const now = simClock.now();
      const before = seen.length;
      const bars = await adapter.history!(ctx(), 'CRYPTO:ETHUSDT', '1m', now - 2_500 * 60_000, now);
      expect(bars).toHaveLength(2_500);
      expect(new Set(bars.map((b) => b.time)).size).toBe(2_500);
      expect(seen.slice(before).filter((x) => x.path === '/api/v3/klines')).toHaveLength(3);
    }),
    behaviour('specific', 'every simulator response the adapter consumed matches Binance’s OpenAPI spec', () => {
      const spec = loadedSpec();
      expect(seen.flatMap((x) => spec.check(x.method, x.path, x.status, x.body))).toEqual([]);
      const covered = new Set(seen.map((x) => `${x.method} ${x.path} ${x.status}`));
      for (const op of [
        'GET /api/v3/time 200',
        'GET /api/v3/exchangeInfo 200',
        'GET /api/v3/account 200',
        'GET /api/v3/account 400',
        'GET /api/v3/account 401',
        'GET /api/v3/account 429',
        'GET /sapi/v1/account/apiRestrictions 200',
        'POST /api/v3/order 200',
        'POST /api/v3/order 400',
        'POST /api/v3/order 401',
        'GET /api/v3/order 200',
        'GET /api/v3/order 400',
        'DELETE /api/v3/order 200',
        'DELETE /api/v3/order 400',
        'GET /api/v3/openOrders 200',
        'GET /api/v3/allOrders 200',
        'GET /api/v3/myTrades 200',
        'GET /api/v3/ticker/price 200',
        'GET /api/v3/klines 200',
        'GET /api/v3/ticker/price 400',
      ]) {
        expect(covered).toContain(op);
      }
    }),
    behaviour('specific', 'the spec check catches malformed responses', () => {
      const spec = loadedSpec();
      expect(spec.check('GET', '/api/v3/ticker/price', 200, { symbol: 'BTCUSDT', price: 1 })).not.toEqual([]);
      expect(spec.check('GET', '/api/v3/account', 401, { code: '-2015', msg: 'x' })).not.toEqual([]);
      expect(spec.check('POST', '/api/v3/order', 200, { symbol: 'BTCUSDT', orderId: 1, status: 'NEW' })).not.toEqual([]);
    }),
    behaviour('secrets', 'never leaks the key or secret (raw, base64, hex) in results or errors', async () => {
      const canary = 'CANARY4402BINANCE';
      const bad = { apiKey: `k${canary}k`, secretKey: `s${canary}s` };
      const forms = [...canaryForms(canary), bad.apiKey, bad.secretKey];
      const outputs: unknown[] = [];
      const collect = (p: Promise<unknown>) =>
        p.then(
          (r) => outputs.push(r),
          (e: Error) => outputs.push(e.message, e.stack, JSON.stringify(e), String(e)),
        );
      await collect(adapter.validate(ctx({ credentials: bad })));
      await collect(adapter.placeOrder(ctx({ credentials: bad }), { symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'c' }));
      await collect(adapter.validate(ctx({ credentials: bad, baseUrl: 'http://127.0.0.1:9' })));
      await collect(adapter.quotes(ctx({ credentials: bad }), ['CRYPTO:BTCUSDT']));
      await collect(adapter.orders(ctx()));
      expect(outputs.length).toBeGreaterThanOrEqual(5);
      const text = outputs.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n');
      for (const form of forms) expect(text).not.toContain(form);
    }),
    ...binanceStreamingCases,
    ...binanceExitCases,
  ],
};
