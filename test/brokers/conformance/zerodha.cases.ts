import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/zerodha/adapter';
import { descriptor } from '../../../src/main/brokers/zerodha/descriptor';
import { kiteChecksum } from '../../../src/main/brokers/zerodha/session';
import { BrokerError, MemoryInstrumentMaster, type BrokerContext, type OrderRequest } from '../../../src/main/brokers/types';
import { ManualClock } from '../../../src/main/clock';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { priceAt } from '../../simulators/exchange';
import { start, type ZerodhaSimHandle } from '../../simulators/zerodha';
import { brokerContext, canaryForms, closedPort, expectNoCanary, failure } from '../support';
import { KITE_ERRORS, kiteError } from '../../../src/main/brokers/zerodha/errors';
import { behaviour, type BrokerConformance } from './suite';
import { zerodhaStreamingCases } from './zerodha-streaming';
import { zerodhaExitCases } from './zerodha-exits';

const REDIRECT = 'http://127.0.0.1:47613/oauth/zerodha';
/** 09:30 IST on a Monday. */
const MARKET_OPEN = Date.UTC(2026, 0, 5, 4, 0, 0);

let clock: ManualClock;
let sim: ZerodhaSimHandle;
/** Simulated time each request takes, so the 10/s limits only trip where a test wants them to. */
let tick = 200;
const tickingFetch: typeof fetch = (input, init) => {
  clock.advance(tick);
  return fetch(input, init);
};

function context(credentials: Record<string, string> = { ...sim.credentials, ...sim.session }, baseUrl = sim.baseUrl): BrokerContext {
  return brokerContext({ baseUrl, environment: 'live', credentials, clock, fetch: tickingFetch });
}

function order(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return { symbol: 'NSE:INFY', side: 'BUY', quantity: 2, type: 'MARKET', clientOrderId: 'bv-7f3a9c2e-0001', ...overrides };
}

function decodeHtml(value: string): string {
  return value.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
}

/** Do what a person does in the browser: open the login URL, submit the pre-filled form, follow nothing. */
async function browserLogin(loginUrl: string): Promise<{ status: number; location: string | null; html: string }> {
  const page = await fetch(loginUrl);
  const html = await page.text();
  expect(page.status).toBe(200);
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '';
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) form.set(m[1]!, decodeHtml(m[2]!));
  const res = await fetch(new URL(action, loginUrl), { method: 'POST', body: form, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

async function loginThroughBrowser(ctx: BrokerContext, state: string): Promise<Record<string, string>> {
  const { status, location } = await browserLogin(await adapter.loginUrl!(ctx, REDIRECT, state));
  expect(status).toBe(302);
  return Object.fromEntries(new URL(location!).searchParams);
}

// from: zerodha simulator answers in the shapes of Zerodha\'s published mocks
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../simulators/zerodha/fixtures/${name}`, import.meta.url), 'utf8'));

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Key structure, recursively: objects need exactly the fixture's keys; array items must match some fixture item. */
function shapeErrors(expected: unknown, actual: unknown, path = '$'): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array`];
    if (expected.length === 0) return [];
    return actual.flatMap((item, i) => {
      const tries = expected.map((e) => shapeErrors(e, item, `${path}[${i}]`));
      return tries.some((t) => t.length === 0) ? [] : tries.reduce((a, b) => (a.length <= b.length ? a : b));
    });
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return [`${path}: expected an object`];
    const errors: string[] = [];
    for (const key of Object.keys(expected)) if (!(key in actual)) errors.push(`${path}.${key}: missing`);
    for (const key of Object.keys(actual)) if (!(key in expected)) errors.push(`${path}.${key}: not in the fixture`);
    for (const key of Object.keys(expected)) if (key in actual) errors.push(...shapeErrors(expected[key], actual[key], `${path}.${key}`));
    return errors;
  }
  if (isObject(actual) || Array.isArray(actual)) return [`${path}: expected a scalar`];
  // The mocks use null for absent values; otherwise the JSON type must agree.
  if (expected === null || actual === null) return [];
  return typeof expected === typeof actual ? [] : [`${path}: expected ${typeof expected}, got ${typeof actual}`];
}

export const conformance: BrokerConformance = {
  id: 'zerodha',
  adapter: adapter,
  hooks: {
    beforeEach: async () => {
      clock = new ManualClock(MARKET_OPEN);
      tick = 200;
      sim = await start({ clock, redirectUrl: REDIRECT });
    },
    afterEach: async () => {
      await sim.close();
    },
  },
  unreachable: async () => adapter.validate(context(undefined, `http://127.0.0.1:${await closedPort()}`)),
  errorTables: [
    {
      name: 'KITE_ERRORS',
      table: KITE_ERRORS,
      map: ({ code, text, scope }) =>
        kiteError(400, { status: 'error', error_type: code ?? 'InputException', message: text ?? 'refused' }, (scope ?? 'read') as 'read' | 'order'),
    },
  ],
  cases: [
    behaviour('descriptor', 'passes the schema, points at the real host and accepts the simulator credentials', () => {
      expect(BrokerDescriptorSchema.parse(descriptor).id).toBe('zerodha');
      expect(descriptor.auth).toBe('oauth-redirect');
      expect(descriptor.environments).toEqual([{ id: 'live', label: expect.any(String), baseUrl: 'https://api.kite.trade' }]);
      expect(descriptor.docsUrl.startsWith('https://kite.trade/')).toBe(true);
      expect(descriptor.fields.map((f) => [f.name, f.secret])).toEqual([
        ['api_key', false],
        ['api_secret', true],
      ]);
      for (const field of descriptor.fields) expect(new RegExp(field.pattern!).test(sim.credentials[field.name]!)).toBe(true);
      expect(descriptor.staticIp).toMatch(/IP Whitelist/);
    }),
    behaviour('signIn', 'builds the login URL on kite.zerodha.com for the live host and under an override otherwise', async () => {
      const live = new URL(await adapter.loginUrl!({ ...context(), baseUrl: 'https://api.kite.trade' }, REDIRECT, 's1'));
      expect(`${live.origin}${live.pathname}`).toBe('https://kite.zerodha.com/connect/login');
      expect(live.searchParams.get('v')).toBe('3');
      expect(live.searchParams.get('api_key')).toBe(sim.credentials.api_key);
      expect(live.searchParams.get('redirect_params')).toBe('state=s1');
      expect((await adapter.loginUrl!(context(), REDIRECT, 's1')).startsWith(`${sim.baseUrl}/connect/login?`)).toBe(true);
    }),
    behaviour('signIn', 'logs in through the Kite page, returns state via redirect_params and starts a session until 06:00 IST', async () => {
      const ctx = context(sim.credentials);
      const params = await loginThroughBrowser(ctx, 'st-481516');
      expect(params).toMatchObject({ action: 'login', status: 'success', state: 'st-481516' });
      const update = await adapter.completeLogin!(ctx, params, REDIRECT);
      expect(Object.keys(update.fields).sort()).toEqual(['access_token', 'login_time', 'user_id']);
      expect(update.expiresAt).toBe(Date.UTC(2026, 0, 6, 0, 30)); // 06:00 IST next day
      const session = context({ ...sim.credentials, ...update.fields });
      expect(adapter.sessionExpiry(session)).toBe(update.expiresAt);
      expect((await adapter.validate(session)).accountMasked).toBe('••••4821');

      clock.set(update.expiresAt!);
      expect((await failure(adapter.validate(session))).code).toBe('TOKEN_EXPIRED');
    }),
    behaviour('signIn', 'computes the checksum as SHA-256 of api_key + request_token + api_secret', () => {
      // sha256("keyreqsecret"), computed independently.
      expect(kiteChecksum('key', 'req', 'secret')).toBe('763338dd74460b90ae4a5da9ea4258b619794676b70ead4db924803e3eba7a3e');
    }),
    behaviour('signIn', 'rejects a wrong API secret (bad checksum) as invalid credentials', async () => {
      const params = await loginThroughBrowser(context(sim.credentials), 's');
      const error = await failure(adapter.completeLogin!(context({ ...sim.credentials, api_secret: 'wrongsecret0000000000' }), params, REDIRECT));
      expect(error.code).toBe('INVALID_CREDENTIALS');
      expect(error.message).toContain('Invalid `checksum`');
    }),
    behaviour('signIn', 'refuses a request token used twice or too late', async () => {
      const ctx = context(sim.credentials);
      const params = await loginThroughBrowser(ctx, 's');
      await adapter.completeLogin!(ctx, params, REDIRECT);
      expect((await failure(adapter.completeLogin!(ctx, params, REDIRECT))).code).toBe('INVALID_CREDENTIALS');
      const late = await loginThroughBrowser(ctx, 's');
      clock.advance(6 * 60_000);
      expect((await failure(adapter.completeLogin!(ctx, late, REDIRECT))).message).toContain('invalid or has expired');
    }),
    behaviour('signIn', 'refuses a redirect without a successful login', async () => {
      expect((await failure(adapter.completeLogin!(context(sim.credentials), { status: 'cancelled' }, REDIRECT))).code).toBe('INVALID_CREDENTIALS');
    }),
    behaviour('signIn', 'shows the login page again on a wrong password', async () => {
      const page = await fetch(await adapter.loginUrl!(context(sim.credentials), REDIRECT, 's'));
      expect(page.status).toBe(200);
      const res = await fetch(`${sim.baseUrl}/connect/login`, {
        method: 'POST',
        body: new URLSearchParams({ api_key: sim.credentials.api_key!, user_id: sim.loginUser.user_id, password: 'nope', twofa_value: '000000' }),
        redirect: 'manual',
      });
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('Invalid user ID, password or TOTP');
    }),
    behaviour('validate', 'validates and reads funds from the equity margins', async () => {
      const summary = await adapter.validate(context());
      expect(summary).toEqual({ accountMasked: '••••4821', accountType: 'individual', buyingPower: 1_000_000, currency: 'INR' });
      expect(await adapter.funds(context())).toEqual({ available: 1_000_000, used: 0, total: 1_000_000, currency: 'INR' });
    }),
    behaviour(['orders', 'positions'], 'places a market order that fills on the price path, finds it by id and by client order id', async () => {
      const ctx = context();
      const ack = await adapter.placeOrder(ctx, order());
      expect(ack).toEqual({ brokerOrderId: expect.stringMatching(/^\d{15}$/), state: 'PENDING' });
      const fillPrice = priceAt('NSE:INFY', clock.now());
      const byId = await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId });
      expect(byId).toMatchObject({
        brokerOrderId: ack.brokerOrderId,
        symbol: 'NSE:INFY',
        side: 'BUY',
        quantity: 2,
        filledQuantity: 2,
        state: 'FILLED',
        type: 'MARKET',
      });
      expect(byId!.averagePrice).toBe(fillPrice);
      const byTag = await adapter.getOrder(ctx, { clientOrderId: 'bv-7f3a9c2e-0001' });
      expect(byTag).toMatchObject({ brokerOrderId: ack.brokerOrderId, clientOrderId: 'bv7f3a9c2e0001' });
      expect(await adapter.getOrder(ctx, { clientOrderId: 'no-such-ticket' })).toBeNull();
      expect(await adapter.getOrder(ctx, { brokerOrderId: '999999999999999' })).toBeNull();

      const funds = await adapter.funds(ctx);
      expect(funds.available).toBeCloseTo(1_000_000 - 2 * fillPrice, 2);
      expect(funds.used).toBeCloseTo(2 * fillPrice, 2);

      const positions = await adapter.positions(ctx);
      expect(positions).toEqual([
        {
          symbol: 'NSE:INFY',
          quantity: 2,
          averagePrice: fillPrice,
          lastPrice: priceAt('NSE:INFY', clock.now()),
          unrealizedPnl: expect.any(Number),
          realizedPnl: 0,
        },
      ]);
    }),
    behaviour('orders', 'keeps a far limit order open, lists it and cancels it', async () => {
      const ctx = context();
      const limitPrice = Math.round(priceAt('NSE:SBIN', clock.now()) * 0.5);
      const ack = await adapter.placeOrder(ctx, order({ symbol: 'NSE:SBIN', type: 'LIMIT', limitPrice, clientOrderId: 'ticket-2' }));
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', limitPrice, filledQuantity: 0 });
      const book = await adapter.orders(ctx);
      expect(book.map((o) => [o.brokerOrderId, o.state, o.clientOrderId])).toEqual([[ack.brokerOrderId, 'OPEN', 'ticket2']]);
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'CANCELLED' });
      const again = await failure(adapter.cancelOrder(ctx, ack.brokerOrderId));
      expect(again.code).toBe('BROKER_REJECTED');
      expect(again.message).toContain('cannot be cancelled');
    }),
    behaviour('modify', 'modifies quantity, price, trigger and type in place (same order id), shown as modified', async () => {
      const ctx = context();
      const limitPrice = Math.round(priceAt('NSE:SBIN', clock.now()) * 0.5);
      const placed = order({ symbol: 'NSE:SBIN', type: 'LIMIT', limitPrice, clientOrderId: 'ticket-mod-1' });
      const ack = await adapter.placeOrder(ctx, placed);
      expect(
        await adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 3, limitPrice: limitPrice - 1 }, { ...placed, quantity: 3, limitPrice: limitPrice - 1 }),
      ).toBeUndefined();
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', quantity: 3, limitPrice: limitPrice - 1 });
      const stop = Math.round(priceAt('NSE:SBIN', clock.now()) * 2);
      const stopLimit = { ...placed, quantity: 3, type: 'STOP_LIMIT' as const, stopPrice: stop, limitPrice: stop + 1 };
      await adapter.modifyOrder!(ctx, ack.brokerOrderId, { type: 'STOP_LIMIT', stopPrice: stop, limitPrice: stop + 1 }, stopLimit);
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', type: 'STOP_LIMIT', limitPrice: stop + 1 });
      expect(sim.exchange.get(ack.brokerOrderId)).toMatchObject({
        type: 'STOP_LIMIT',
        stopPrice: stop,
        extra: expect.objectContaining({ modifications: '2' }),
      });
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
    }),
    behaviour(['modify', 'errors'], 'refuses the modification past Kite’s cap of 25 per order, and one to a cancelled order, in Kite’s words', async () => {
      const ctx = context();
      const limitPrice = Math.round(priceAt('NSE:SBIN', clock.now()) * 0.5);
      const placed = order({ symbol: 'NSE:SBIN', type: 'LIMIT', limitPrice, clientOrderId: 'ticket-mod-2' });
      const ack = await adapter.placeOrder(ctx, placed);
      for (let n = 1; n <= 25; n += 1) {
        await adapter.modifyOrder!(ctx, ack.brokerOrderId, { limitPrice: limitPrice - n }, { ...placed, limitPrice: limitPrice - n });
      }
      const capped = await failure(adapter.modifyOrder!(ctx, ack.brokerOrderId, { limitPrice: limitPrice - 30 }, { ...placed, limitPrice: limitPrice - 30 }));
      expect(capped).toMatchObject({ code: 'BROKER_REJECTED', message: expect.stringContaining('Maximum allowed order modifications exceeded') });
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ limitPrice: limitPrice - 25 });
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      const closed = await failure(adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 5 }, { ...placed, quantity: 5 }));
      expect(closed).toMatchObject({ code: 'BROKER_REJECTED', message: expect.stringContaining('cannot be modified as it is CANCELLED') });
    }),
    behaviour('orders', 'sends stop orders as SL-M with market protection and stop-limits as SL', async () => {
      const ctx = context();
      const last = priceAt('NSE:TCS', clock.now());
      const stop = await adapter.placeOrder(ctx, order({ symbol: 'NSE:TCS', type: 'STOP', stopPrice: Math.round(last * 1.5) }));
      const stopLimit = await adapter.placeOrder(
        ctx,
        order({ symbol: 'NSE:TCS', type: 'STOP_LIMIT', stopPrice: Math.round(last * 1.5), limitPrice: Math.round(last * 1.6) }),
      );
      expect(await adapter.getOrder(ctx, { brokerOrderId: stop.brokerOrderId })).toMatchObject({ type: 'STOP', state: 'OPEN' });
      expect(await adapter.getOrder(ctx, { brokerOrderId: stopLimit.brokerOrderId })).toMatchObject({ type: 'STOP_LIMIT', state: 'OPEN' });
      expect((await failure(adapter.placeOrder(ctx, order({ timeInForce: 'GTC' })))).code).toBe('NOT_SUPPORTED');
    }),
    behaviour('orders', "reports an RMS rejection in the order book with Zerodha's message", async () => {
      sim.setCash(10);
      const ctx = context();
      const ack = await adapter.placeOrder(ctx, order());
      const rejected = await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId });
      expect(rejected).toMatchObject({ state: 'REJECTED', filledQuantity: 0 });
      expect(rejected!.message).toContain('Insufficient funds');
    }),
    behaviour(['orders', 'errors'], 'turns a synchronous rejection into BROKER_REJECTED with the broker message', async () => {
      const error = await failure(adapter.placeOrder(context(), order({ symbol: 'NSE:NOSUCHSCRIP' })));
      expect(error.code).toBe('BROKER_REJECTED');
      expect(error.message).toContain('has either expired or does not exist');
      expect((await failure(adapter.placeOrder(context(), order({ symbol: 'INFY' })))).code).toBe('BROKER_REJECTED');
    }),
    behaviour('quotes', 'quotes several symbols from the shared price path and skips unknown ones', async () => {
      const ctx = context();
      const quotes = await adapter.quotes(ctx, ['NSE:INFY', 'NSE:SBIN', 'BSE:SBIN', 'NSE:NOPE']);
      const now = clock.now();
      expect(quotes.map((q) => q.symbol)).toEqual(['NSE:INFY', 'NSE:SBIN', 'BSE:SBIN']);
      for (const q of quotes) {
        expect(q.last).toBe(priceAt(q.symbol, now));
        expect(q.bid).toBeCloseTo(q.last - 0.05, 2);
        expect(q.ask).toBeCloseTo(q.last + 0.05, 2);
        expect(q.at).toBe(Math.floor(now / 1000) * 1000);
      }
    }),
    behaviour('instruments', 'downloads and parses the instrument dump', async () => {
      const instruments = await adapter.fetchInstruments!(context());
      expect(instruments.length).toBe(107); // 99 published sample rows + 8 added
      expect(instruments.find((i) => i.symbol === 'NSE:INFY')).toEqual({
        symbol: 'NSE:INFY',
        exchange: 'NSE',
        brokerSymbol: 'INFY',
        token: '408065',
        name: 'INFOSYS',
        lotSize: 1,
        tickSize: 0.05,
        segment: 'NSE',
      });
      expect(instruments.find((i) => i.symbol === 'NFO:NIFTY26JANFUT')).toMatchObject({
        name: 'NIFTY',
        lotSize: 75,
        tickSize: 0.1,
        segment: 'NFO-FUT',
        expiry: '2026-01-27',
      });
      // Orders then resolve through the master.
      const ctx = { ...context(), instruments: new MemoryInstrumentMaster(instruments) };
      expect((await adapter.placeOrder(ctx, order({ symbol: 'NFO:NIFTY26JANFUT', quantity: 75 }))).state).toBe('PENDING');
    }),
    behaviour(['signIn', 'errors'], 'maps a logged-out session to TOKEN_EXPIRED', async () => {
      sim.expireSessions();
      const error = await failure(adapter.funds(context()));
      expect(error.code).toBe('TOKEN_EXPIRED');
      expect(error.httpStatus).toBe(403);
      expect((await failure(adapter.validate(context(sim.credentials)))).code).toBe('TOKEN_EXPIRED');
    }),
    behaviour(['errors', 'rateLimits'], 'maps 429 to RATE_LIMITED for quotes (1/s) and orders (10/s)', async () => {
      tick = 0;
      const ctx = context();
      await adapter.quotes(ctx, ['NSE:INFY']);
      expect((await failure(adapter.quotes(ctx, ['NSE:INFY']))).code).toBe('RATE_LIMITED');
      for (let i = 0; i < 10; i++) await adapter.placeOrder(ctx, order({ clientOrderId: `burst-${i}` }));
      const error = await failure(adapter.placeOrder(ctx, order({ clientOrderId: 'burst-10' })));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.httpStatus).toBe(429);
    }),
    behaviour(['orders', 'errors'], 'maps an unregistered IP on order endpoints to IP_NOT_ALLOWED; reads still work', async () => {
      const ctx = context();
      const open = await adapter.placeOrder(ctx, order({ type: 'LIMIT', limitPrice: 1, clientOrderId: 'ip-1' }));
      sim.setCallerIp('198.51.100.7');
      const error = await failure(adapter.placeOrder(ctx, order()));
      expect(error.code).toBe('IP_NOT_ALLOWED');
      expect(error.message).toContain('IP Whitelist');
      expect(error.message).toContain('SEBI');
      expect((await failure(adapter.cancelOrder(ctx, open.brokerOrderId))).code).toBe('IP_NOT_ALLOWED');
      expect((await adapter.orders(ctx)).length).toBe(1);
    }),
    behaviour('errors', 'maps a closed port to NETWORK', async () => {
      const port = await closedPort();
      const error = await failure(adapter.validate(context(undefined, `http://127.0.0.1:${port}`)));
      expect(error.code).toBe('NETWORK');
      expect(error.message).not.toContain(String(port + ':'));
    }),
    behaviour('secrets', 'never leaks credentials (raw, base64, hex) into results or errors', async () => {
      await sim.close();
      const canary = 'cnry5f0c2d7a9b31e84x';
      sim = await start({ clock, redirectUrl: REDIRECT, apiKey: `k${canary}`, apiSecret: `s${canary}`, sessionToken: `t${canary}` });
      const creds = { ...sim.credentials, ...sim.session };
      const forms = canaryForms(canary);
      const outcomes: unknown[] = [];
      const record = async (p: Promise<unknown>) => outcomes.push(await p.catch((e: unknown) => e));

      await record(adapter.validate(context(creds)));
      await record(adapter.funds(context(creds)));
      await record(adapter.placeOrder(context(creds), order()));
      await record(adapter.orders(context(creds)));
      await record(adapter.quotes(context(creds), ['NSE:INFY']));
      await record(adapter.placeOrder(context(creds), order({ symbol: 'NSE:NOSUCHSCRIP' })));
      const params = await loginThroughBrowser(context(creds), 'c');
      await record(adapter.completeLogin!(context({ ...creds, api_secret: `x${canary}` }), params, REDIRECT));
      await record(adapter.validate(context({ ...creds, access_token: `wrong${canary}` })));
      await record(adapter.validate(context(creds, `http://127.0.0.1:${await closedPort()}`)));
      sim.setCallerIp('198.51.100.7');
      await record(adapter.placeOrder(context(creds), order()));

      expect(outcomes.filter((o) => o instanceof BrokerError).length).toBe(5);
      expectNoCanary(outcomes, forms);
    }),
    behaviour('books', 'reads settled holdings from /portfolio/holdings and today’s fills from /trades, in Kite’s shapes', async () => {
      const ctx = context();
      expect(await adapter.holdings!(ctx)).toEqual([]);
      expect(await adapter.trades!(ctx)).toEqual([]);
      const yesterday = await adapter.placeOrder(ctx, order());
      const bought = sim.exchange.get(yesterday.brokerOrderId)!;
      sim.exchange.rollDay(); // T+1: yesterday's delivery buy is now a holding, and the trade book starts empty
      const today = await adapter.placeOrder(ctx, order({ symbol: 'NSE:SBIN', side: 'BUY', quantity: 3, clientOrderId: 'ticket-book' }));
      const sbin = sim.exchange.get(today.brokerOrderId)!;

      const held = await adapter.holdings!(ctx);
      expect(held).toEqual([
        { symbol: 'NSE:INFY', quantity: 2, averagePrice: bought.averagePrice, lastPrice: priceAt('NSE:INFY', clock.now()), pnl: expect.any(Number) },
      ]);
      expect(held[0]!.pnl).toBeCloseTo((held[0]!.lastPrice! - bought.averagePrice!) * 2, 1);
      const book = await adapter.trades!(ctx);
      expect(book).toEqual([
        {
          tradeId: expect.any(String),
          brokerOrderId: today.brokerOrderId,
          symbol: 'NSE:SBIN',
          side: 'BUY',
          quantity: 3,
          price: sbin.averagePrice,
          executedAt: Math.floor(sbin.updatedAt / 1000) * 1000,
        },
      ]);

      const auth = { 'X-Kite-Version': '3', Authorization: `token ${sim.credentials.api_key}:${sim.session.access_token}` };
      for (const [path, name] of [
        ['/portfolio/holdings', 'holdings.json'],
        ['/trades', 'order_trades.json'],
      ] as const) {
        const body = (await (await fetch(`${sim.baseUrl}${path}`, { headers: auth })).json()) as unknown;
        expect({ name, errors: shapeErrors(fixture(name), body) }).toEqual({ name, errors: [] });
      }
    }),
    behaviour('specific', 'matches profile, margins, orders, order history, trades, positions, quotes and the session exchange', async () => {
      const auth = { 'X-Kite-Version': '3', Authorization: `token ${sim.credentials.api_key}:${sim.session.access_token}` };
      const call = async (path: string, init: RequestInit = {}) => {
        clock.advance(1_100);
        const res = await fetch(`${sim.baseUrl}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });
        expect(res.headers.get('content-type')).toContain('application/json');
        return (await res.json()) as unknown;
      };
      const post = (path: string, form: Record<string, string>) => call(path, { method: 'POST', body: new URLSearchParams(form) });
      const checks: [string, unknown][] = [];
      const check = (name: string, actual: unknown) => checks.push([name, actual]);

      check('profile.json', await call('/user/profile'));
      check('margins.json', await call('/user/margins'));
      check('margins_equity.json', await call('/user/margins/equity'));

      const base = { exchange: 'NSE', transaction_type: 'BUY', quantity: '1', product: 'CNC', validity: 'DAY' };
      const filled = await post('/orders/regular', { ...base, tradingsymbol: 'INFY', order_type: 'MARKET', market_protection: '-1', tag: 'tagged1' });
      check('order_response.json', filled);
      const open = (await post('/orders/regular', { ...base, tradingsymbol: 'SBIN', order_type: 'LIMIT', price: '1' })) as { data: { order_id: string } };
      await post('/orders/regular', { ...base, tradingsymbol: 'TCS', order_type: 'SL-M', trigger_price: '99999', market_protection: '-1' });
      check('order_cancel.json', await call(`/orders/regular/${open.data.order_id}`, { method: 'DELETE' }));
      sim.setCash(1);
      await post('/orders/regular', { ...base, tradingsymbol: 'RELIANCE', order_type: 'LIMIT', price: '100000' });
      const filledId = (filled as { data: { order_id: string } }).data.order_id;

      const orders = (await call('/orders')) as { data: { status: string }[] };
      expect(orders.data.map((o) => o.status)).toEqual(['COMPLETE', 'CANCELLED', 'TRIGGER PENDING', 'REJECTED']);
      check('orders.json', orders);
      check('order_info.json', await call(`/orders/${filledId}`));
      check('order_info.json', await call(`/orders/${open.data.order_id}`));
      check('order_trades.json', await call(`/orders/${filledId}/trades`));
      const positions = (await call('/portfolio/positions')) as { data: { net: unknown[] } };
      expect(positions.data.net.length).toBe(1);
      check('positions.json', positions);
      check('quote.json', await call('/quote?i=NSE:INFY'));
      check('ltp.json', await call('/quote/ltp?i=NSE:INFY'));
      check('ohlc.json', await call('/quote/ohlc?i=NSE:INFY'));

      const { location } = await browserLogin(await adapter.loginUrl!(context(sim.credentials), REDIRECT, 'x'));
      const requestToken = new URL(location!).searchParams.get('request_token')!;
      const session = await post('/session/token', {
        api_key: sim.credentials.api_key!,
        request_token: requestToken,
        checksum: kiteChecksum(sim.credentials.api_key!, requestToken, sim.credentials.api_secret!),
      });
      check('generate_session.json', session);
      const newToken = (session as { data: { access_token: string } }).data.access_token;
      check('session_logout.json', await call(`/session/token?api_key=${sim.credentials.api_key}&access_token=${newToken}`, { method: 'DELETE' }));

      for (const [name, actual] of checks) expect({ name, errors: shapeErrors(fixture(name), actual) }).toEqual({ name, errors: [] });
    }),
    behaviour('specific', 'answers errors in the Kite error envelope', async () => {
      const res = await fetch(`${sim.baseUrl}/user/profile`, { headers: { 'X-Kite-Version': '3', Authorization: 'token nope:nope' } });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ status: 'error', message: 'Incorrect `api_key` or `access_token`.', data: null, error_type: 'TokenException' });
      const missing = await fetch(`${sim.baseUrl}/session/token`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ status: 'error', error_type: 'GeneralException', message: 'Route not found' });
    }),
    behaviour('history', 'candles from GET /instruments/historical/{token}/{interval} agree with the quote, in every interval it declares', async () => {
      tick = 0;
      expect(adapter.historyIntervals).toEqual(['1m', '5m', '15m', '30m', '1h', '1d']);
      const ctx = { ...context(), instruments: new MemoryInstrumentMaster(await adapter.fetchInstruments!(context())) };
      const now = clock.now();
      const bars = await adapter.history!(ctx, 'NSE:INFY', '5m', now - 2 * 3_600_000, now + 1);
      expect(bars.length).toBeGreaterThanOrEqual(24);
      expect(bars.every((b) => b.time % 300_000 === 0 && b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close) && b.volume > 0)).toBe(true);
      expect(bars[0]!.open).toBe(priceAt('NSE:INFY', bars[0]!.time));
      const [quote] = await adapter.quotes(ctx, ['NSE:INFY']);
      expect(bars.at(-1)!.close).toBe(quote!.last);
      // Hourly candles open at a quarter past on the IST clock (09:15, 10:15 …), as Kite's do.
      const hourly = await adapter.history!(ctx, 'NSE:INFY', '1h', now - 10 * 3_600_000, now + 1);
      expect(hourly.length).toBeGreaterThan(5);
      expect(hourly.every((b) => new Date(b.time + 330 * 60_000).getUTCMinutes() === 15)).toBe(true);
    }),
    behaviour('history', 'a range longer than Kite allows per request is fetched in windows: 2,500 day candles at IST midnight', async () => {
      tick = 0;
      const ctx = { ...context(), instruments: new MemoryInstrumentMaster(await adapter.fetchInstruments!(context())) };
      const now = clock.now();
      const days = await adapter.history!(ctx, 'NSE:INFY', '1d', now - 2_500 * 86_400_000, now + 1);
      expect(days.length).toBeGreaterThanOrEqual(2_499);
      expect(new Set(days.map((d) => d.time)).size).toBe(days.length);
      expect(days.every((d) => (d.time + 330 * 60_000) % 86_400_000 === 0)).toBe(true);
      // The simulator refuses what Kite refuses, so the windows are what made this work.
      const raw = await fetch(`${sim.baseUrl}/instruments/historical/408065/day?from=2019-01-01+00:00:00&to=2026-01-01+00:00:00`, {
        headers: { 'X-Kite-Version': '3', Authorization: `token ${sim.credentials.api_key}:${sim.session.access_token}` },
      });
      expect(await raw.json()).toMatchObject({ status: 'error', error_type: 'InputException', message: 'interval exceeds max limit: 2000 days' });
    }),
    behaviour('history', 'a symbol missing from the instrument master is refused in our words', async () => {
      const error = await failure(adapter.history!(context(), 'NSE:NOSUCH', '5m', clock.now() - 3_600_000, clock.now()));
      expect(error.code).toBe('BROKER_REJECTED');
      expect(error.message).toContain("not in Zerodha's instrument list");
    }),
    ...zerodhaStreamingCases,
    ...zerodhaExitCases({
      sim: () => sim,
      clock: () => clock,
      ctx: () => context(),
      ctxWith: (before) =>
        brokerContext({
          baseUrl: sim.baseUrl,
          environment: 'live',
          credentials: { ...sim.credentials, ...sim.session },
          clock,
          fetch: (input, init) => {
            before(String(input), init?.method ?? 'GET');
            return tickingFetch(input, init);
          },
        }),
    }),
  ],
};
