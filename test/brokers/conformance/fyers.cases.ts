import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/fyers/adapter';
import { descriptor } from '../../../src/main/brokers/fyers/descriptor';
import { fyersAppIdHash } from '../../../src/main/brokers/fyers/session';
import { BrokerError, type BrokerContext, type Instrument, type OrderRequest } from '../../../src/main/brokers/types';
import { ManualClock } from '../../../src/main/clock';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { priceAt } from '../../simulators/exchange';
import { start, type FyersSimHandle } from '../../simulators/fyers';
import { brokerContext, canaryForms, closedPort, expectNoCanary, failure } from '../support';
import { FYERS_ERRORS, fyersError } from '../../../src/main/brokers/fyers/errors';
import { fyersStreamingCases } from './fyers-streaming';
import { fyersExitCases } from './fyers-exits';
import { behaviour, type BrokerConformance } from './suite';

const REDIRECT = 'http://127.0.0.1:47614/oauth/fyers';
/** 09:30 IST on a Monday. */
const MARKET_OPEN = Date.UTC(2026, 0, 5, 4, 0, 0);

let clock: ManualClock;
let sim: FyersSimHandle;
/** Simulated time each request takes, so the 10/s limits only trip where a test wants them to. */
let tick = 200;
const tickingFetch: typeof fetch = (input, init) => {
  clock.advance(tick);
  return fetch(input, init);
};
let master: Instrument[] = [];

function context(credentials: Record<string, string> = { ...sim.credentials, ...sim.session }, baseUrl = sim.baseUrl, instruments = master): BrokerContext {
  return brokerContext({ baseUrl, environment: 'live', credentials, clock, instruments, fetch: tickingFetch });
}

function order(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return { symbol: 'NSE:SBIN', side: 'BUY', quantity: 3, type: 'MARKET', clientOrderId: 'bv-51c0ffee-0001', ...overrides };
}

function decodeHtml(value: string): string {
  return value.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
}

/** Open the login URL, submit the pre-filled form, and return the redirect's query. */
async function loginThroughBrowser(ctx: BrokerContext, state: string): Promise<Record<string, string>> {
  const loginUrl = await adapter.loginUrl!(ctx, REDIRECT, state);
  const page = await fetch(loginUrl);
  const html = await page.text();
  expect(page.status).toBe(200);
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '';
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) form.set(m[1]!, decodeHtml(m[2]!));
  const res = await fetch(new URL(action, loginUrl), { method: 'POST', body: form, redirect: 'manual' });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return Object.fromEntries(location.searchParams);
}

export const conformance: BrokerConformance = {
  id: 'fyers',
  adapter: adapter,
  hooks: {
    beforeEach: async () => {
      clock = new ManualClock(MARKET_OPEN);
      tick = 200;
      sim = await start({ clock, redirectUrl: REDIRECT });
      master = await adapter.fetchInstruments!(context(sim.credentials, sim.baseUrl, []));
    },
    afterEach: async () => {
      await sim.close();
    },
  },
  unreachable: async () => adapter.validate(context(undefined, `http://127.0.0.1:${await closedPort()}`)),
  errorTables: [
    {
      name: 'FYERS_ERRORS',
      table: FYERS_ERRORS,
      map: ({ code, text, scope }) =>
        fyersError(400, { s: 'error', code: Number(code ?? -50), message: text ?? 'refused' }, (scope ?? 'read') as 'read' | 'order'),
    },
  ],
  cases: [
    behaviour('descriptor', 'passes the schema, points at the real host and accepts the simulator credentials', () => {
      expect(BrokerDescriptorSchema.parse(descriptor).id).toBe('fyers');
      expect(descriptor.auth).toBe('oauth-redirect');
      expect(descriptor.environments).toEqual([{ id: 'live', label: expect.any(String), baseUrl: 'https://api-t1.fyers.in' }]);
      expect(descriptor.docsUrl.startsWith('https://myapi.fyers.in/')).toBe(true);
      expect(descriptor.fields.map((f) => [f.name, f.secret])).toEqual([
        ['client_id', false],
        ['secret_key', true],
      ]);
      for (const field of descriptor.fields) expect(new RegExp(field.pattern!).test(sim.credentials[field.name]!)).toBe(true);
      expect(descriptor.staticIp).toMatch(/SEBI/);
    }),
    behaviour('signIn', 'builds the generate-authcode URL on the API host, with the redirect URI and state', async () => {
      const url = new URL(await adapter.loginUrl!({ ...context(), baseUrl: 'https://api-t1.fyers.in' }, REDIRECT, 's1'));
      expect(`${url.origin}${url.pathname}`).toBe('https://api-t1.fyers.in/api/v3/generate-authcode');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        client_id: sim.credentials.client_id,
        redirect_uri: REDIRECT,
        response_type: 'code',
        state: 's1',
      });
      // A base URL naming the API root works as well.
      expect(
        (await adapter.loginUrl!({ ...context(), baseUrl: `${sim.baseUrl}/api/v3/` }, REDIRECT, 's1')).startsWith(`${sim.baseUrl}/api/v3/generate-authcode?`),
      ).toBe(true);
    }),
    behaviour('signIn', 'hashes App ID and Secret ID with a colon', () => {
      // sha256("abcd1234-100:qwerty6789"), FYERS' own example inputs, computed independently.
      expect(fyersAppIdHash('abcd1234-100', 'qwerty6789')).toBe('ac1a1574cd73775611a8a532f2334b8e29f743783ad20c56c1d5c4763f745e9b');
    }),
    behaviour('signIn', 'logs in through the FYERS page, round-trips state and ends the session at the token exp', async () => {
      const ctx = context(sim.credentials);
      const params = await loginThroughBrowser(ctx, 'st-27182');
      expect(params).toMatchObject({ s: 'ok', code: '200', state: 'st-27182', auth_code: expect.any(String) });
      const update = await adapter.completeLogin!(ctx, params, REDIRECT);
      expect(Object.keys(update.fields)).toEqual(['access_token']);
      expect(update.expiresAt).toBe(Date.UTC(2026, 0, 6)); // 05:30 IST next day, from the JWT exp claim
      const session = context({ ...sim.credentials, ...update.fields });
      expect(adapter.sessionExpiry(session)).toBe(update.expiresAt);
      expect((await adapter.validate(session)).accountMasked).toBe('••••8213');

      clock.set(update.expiresAt!);
      expect((await failure(adapter.validate(session))).code).toBe('TOKEN_EXPIRED');
    }),
    behaviour('signIn', 'rejects a wrong Secret ID (bad appIdHash) as invalid credentials', async () => {
      const params = await loginThroughBrowser(context(sim.credentials), 's');
      const error = await failure(adapter.completeLogin!(context({ ...sim.credentials, secret_key: 'WRONGSECRET' }), params, REDIRECT));
      expect(error.code).toBe('INVALID_CREDENTIALS');
      expect(error.message).toContain('appIdHash');
    }),
    behaviour('signIn', 'refuses an auth code used twice, and a redirect that reports an error', async () => {
      const ctx = context(sim.credentials);
      const params = await loginThroughBrowser(ctx, 's');
      await adapter.completeLogin!(ctx, params, REDIRECT);
      const error = await failure(adapter.completeLogin!(ctx, params, REDIRECT));
      expect(error.code).toBe('INVALID_CREDENTIALS');
      expect(error.message).toContain('valid auth code');
      expect((await failure(adapter.completeLogin!(ctx, { s: 'error', code: '-1' }, REDIRECT))).code).toBe('INVALID_CREDENTIALS');
    }),
    behaviour('signIn', 'refuses a redirect URI other than the registered one', async () => {
      const res = await fetch(await adapter.loginUrl!(context(sim.credentials), 'http://127.0.0.1:1/elsewhere', 's'));
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('Redirect URI mismatch');
    }),
    behaviour('validate', 'validates and reads funds from fund_limit by id', async () => {
      expect(await adapter.validate(context())).toEqual({ accountMasked: '••••8213', accountType: 'individual', buyingPower: 1_000_000, currency: 'INR' });
      expect(await adapter.funds(context())).toEqual({ available: 1_000_000, used: 0, total: 1_000_000, currency: 'INR' });
    }),
    behaviour(['orders', 'positions'], 'places a market order that fills on the price path, finds it by id and by client order id', async () => {
      const ctx = context();
      const ack = await adapter.placeOrder(ctx, order());
      expect(ack).toEqual({ brokerOrderId: expect.stringMatching(/^\d{14}$/), state: 'OPEN' });
      // The simulator filled the order when it received it, i.e. now (the clock moves before each request).
      const filledAt = clock.now();
      const fillPrice = priceAt('NSE:SBIN', filledAt);
      // Look the order up well over a minute later, so its time cannot be mistaken for the time of the lookup.
      clock.advance(95_300);
      const byId = await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId });
      expect(byId).toMatchObject({
        brokerOrderId: ack.brokerOrderId,
        symbol: 'NSE:SBIN',
        side: 'BUY',
        quantity: 3,
        filledQuantity: 3,
        state: 'FILLED',
        type: 'MARKET',
        averagePrice: fillPrice,
      });
      // orderDateTime is "05-Jan-2026 09:30:00" IST, whole seconds: the fill's second, in UTC ms.
      expect(byId!.updatedAt).toBe(Math.floor(filledAt / 1000) * 1000);
      expect(byId!.updatedAt! - MARKET_OPEN).toBeLessThan(60_000);
      expect(await adapter.getOrder(ctx, { clientOrderId: 'bv-51c0ffee-0001' })).toMatchObject({
        brokerOrderId: ack.brokerOrderId,
        clientOrderId: 'bv51c0ffee0001',
      });
      expect(await adapter.getOrder(ctx, { clientOrderId: 'unknown-ticket' })).toBeNull();
      expect(await adapter.getOrder(ctx, { brokerOrderId: '99999999999999' })).toBeNull();

      const funds = await adapter.funds(ctx);
      expect(funds.available).toBeCloseTo(1_000_000 - 3 * fillPrice, 2);
      expect(funds.used).toBeCloseTo(3 * fillPrice, 2);
      expect(await adapter.positions(ctx)).toEqual([
        {
          symbol: 'NSE:SBIN',
          quantity: 3,
          averagePrice: fillPrice,
          lastPrice: priceAt('NSE:SBIN', clock.now()),
          unrealizedPnl: expect.any(Number),
          realizedPnl: 0,
        },
      ]);
    }),
    behaviour('orders', 'keeps a far limit order open, lists it and cancels it', async () => {
      const ctx = context();
      const limitPrice = Math.round(priceAt('NSE:INFY', clock.now()) * 0.5);
      const ack = await adapter.placeOrder(ctx, order({ symbol: 'NSE:INFY', type: 'LIMIT', limitPrice, clientOrderId: 'ticket-2' }));
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', limitPrice, filledQuantity: 0 });
      expect((await adapter.orders(ctx)).map((o) => [o.brokerOrderId, o.state, o.clientOrderId])).toEqual([[ack.brokerOrderId, 'OPEN', 'ticket2']]);
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'CANCELLED' });
      const again = await failure(adapter.cancelOrder(ctx, ack.brokerOrderId));
      expect(again.code).toBe('BROKER_REJECTED');
      expect(again.message).toContain('already cancelled');
    }),
    behaviour(['modify', 'errors'], 'modifies quantity, price and type in place; a cancelled order is refused in FYERS’s words', async () => {
      const ctx = context();
      const limitPrice = Math.round(priceAt('NSE:INFY', clock.now()) * 0.5);
      const placed = order({ symbol: 'NSE:INFY', type: 'LIMIT', limitPrice, clientOrderId: 'ticket-mod' });
      const ack = await adapter.placeOrder(ctx, placed);
      expect(
        await adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 3, limitPrice: limitPrice - 1 }, { ...placed, quantity: 3, limitPrice: limitPrice - 1 }),
      ).toBeUndefined();
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', quantity: 3, limitPrice: limitPrice - 1 });
      const stop = limitPrice * 4;
      await adapter.modifyOrder!(
        ctx,
        ack.brokerOrderId,
        { type: 'STOP_LIMIT', stopPrice: stop, limitPrice: stop + 1 },
        { ...placed, quantity: 3, type: 'STOP_LIMIT', stopPrice: stop, limitPrice: stop + 1 },
      );
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', type: 'STOP_LIMIT', limitPrice: stop + 1 });
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      const closed = await failure(adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 4 }, { ...placed, quantity: 4 }));
      expect(closed).toMatchObject({ code: 'BROKER_REJECTED', message: expect.stringContaining('Order is already cancelled') });
    }),
    behaviour('books', 'reads today’s fills from /api/v3/tradebook and settled holdings from /api/v3/holdings', async () => {
      const ctx = context();
      expect(await adapter.holdings!(ctx)).toEqual([]);
      const yesterday = await adapter.placeOrder(ctx, order());
      const bought = sim.exchange.get(yesterday.brokerOrderId)!;
      sim.exchange.rollDay(); // T+1: the delivery buy is a holding, the trade book starts empty
      const today = await adapter.placeOrder(ctx, order({ side: 'SELL', quantity: 1, clientOrderId: 'bv-51c0ffee-0002' }));
      const sold = sim.exchange.get(today.brokerOrderId)!;
      expect(await adapter.trades!(ctx)).toEqual([
        {
          tradeId: expect.stringMatching(/^\d+$/),
          brokerOrderId: sold.id,
          symbol: 'NSE:SBIN',
          side: 'SELL',
          quantity: 1,
          price: sold.averagePrice,
          executedAt: Math.floor(sold.updatedAt / 1000) * 1000,
        },
      ]);
      const [held] = await adapter.holdings!(ctx);
      expect(held).toEqual({
        symbol: 'NSE:SBIN',
        quantity: 3,
        averagePrice: bought.averagePrice,
        lastPrice: priceAt('NSE:SBIN', clock.now()),
        pnl: expect.any(Number),
      });
      expect(held!.pnl).toBeCloseTo((held!.lastPrice! - bought.averagePrice!) * 3, 1);
    }),
    behaviour(['instruments', 'orders', 'positions'], 'maps symbols through the master: BSE cash, NFO futures with a dash, and stop orders', async () => {
      const ctx = context();
      const bse = await adapter.placeOrder(ctx, order({ symbol: 'BSE:SBIN' }));
      expect(await adapter.getOrder(ctx, { brokerOrderId: bse.brokerOrderId })).toMatchObject({ symbol: 'BSE:SBIN', state: 'FILLED' });
      const fut = await adapter.placeOrder(ctx, order({ symbol: 'NFO:BAJAJ-AUTO26JANFUT', quantity: 75 }));
      expect(await adapter.getOrder(ctx, { brokerOrderId: fut.brokerOrderId })).toMatchObject({ symbol: 'NFO:BAJAJ-AUTO26JANFUT', state: 'FILLED' });
      const last = priceAt('NSE:TCS', clock.now());
      const stop = await adapter.placeOrder(
        ctx,
        order({ symbol: 'NSE:TCS', type: 'STOP_LIMIT', stopPrice: Math.round(last * 1.5), limitPrice: Math.round(last * 1.6) }),
      );
      expect(await adapter.getOrder(ctx, { brokerOrderId: stop.brokerOrderId })).toMatchObject({ type: 'STOP_LIMIT', state: 'OPEN' });
      expect((await adapter.positions(ctx)).map((p) => p.symbol).sort()).toEqual(['BSE:SBIN', 'NFO:BAJAJ-AUTO26JANFUT']);
      expect((await failure(adapter.placeOrder(ctx, order({ timeInForce: 'GTC' })))).code).toBe('NOT_SUPPORTED');
    }),
    behaviour(['orders', 'errors'], "turns an RMS rejection into BROKER_REJECTED with FYERS' message, and keeps the rejected order in the book", async () => {
      // 1.045 is stored as 1.04499…: toFixed(2) would print 1.04, fund_limit (Math.round on paise) shows 1.05.
      sim.setCash(1.045);
      const ctx = context();
      const error = await failure(adapter.placeOrder(ctx, order()));
      expect(error.code).toBe('BROKER_REJECTED');
      expect(error.message).toContain('Margin Shortfall');
      const rejected = await adapter.getOrder(ctx, { clientOrderId: 'bv-51c0ffee-0001' });
      expect(rejected).toMatchObject({ state: 'REJECTED' });
      expect(rejected!.message).toContain('Margin Shortfall');
      // Amounts are exact to the paisa and agree with the funds call: 3 × 2345.05 = 7035.15 needed, 1.05 available.
      const funds = await adapter.funds(ctx);
      expect(funds.available).toBe(1.05);
      const limit = await failure(adapter.placeOrder(ctx, order({ type: 'LIMIT', limitPrice: 2345.05, clientOrderId: 'ticket-rms' })));
      expect(limit.message).toContain(`Margin Shortfall:INR 7034.10 Available:INR ${funds.available.toFixed(2)} for C-`);
      expect((await failure(adapter.placeOrder(ctx, order({ symbol: 'NSE:NOSUCH' })))).message).toContain('Invalid symbol');
    }),
    behaviour('quotes', 'quotes several symbols from the shared price path and skips unknown ones', async () => {
      const ctx = context();
      const quotes = await adapter.quotes(ctx, ['NSE:SBIN', 'NSE:INFY', 'BSE:RELIANCE', 'NSE:NOPE']);
      const now = clock.now();
      expect(quotes.map((q) => q.symbol)).toEqual(['NSE:SBIN', 'NSE:INFY', 'BSE:RELIANCE']);
      for (const q of quotes) {
        expect(q.last).toBe(priceAt(q.symbol, now));
        expect(q.bid).toBeCloseTo(q.last - 0.05, 2);
        expect(q.ask).toBeCloseTo(q.last + 0.05, 2);
        expect(q.at).toBe(Math.floor(now / 1000) * 1000);
      }
    }),
    behaviour('instruments', 'downloads and parses the symbol master into common symbols', () => {
      expect(master.length).toBe(9);
      expect(master.find((i) => i.symbol === 'NSE:SBIN')).toEqual({
        symbol: 'NSE:SBIN',
        exchange: 'NSE',
        brokerSymbol: 'NSE:SBIN-EQ',
        token: '10100000003045',
        name: 'STATE BANK OF INDIA',
        lotSize: 1,
        tickSize: 0.05,
        segment: 'NSE_CM',
      });
      expect(master.find((i) => i.brokerSymbol === 'BSE:SBIN-A')?.symbol).toBe('BSE:SBIN');
      expect(master.find((i) => i.brokerSymbol === 'NSE:HUDCO-N8')?.symbol).toBe('NSE:HUDCO-N8');
      expect(master.find((i) => i.symbol === 'NFO:NIFTY26JANFUT')).toMatchObject({ brokerSymbol: 'NSE:NIFTY26JANFUT', lotSize: 75, segment: 'NSE_FO' });
    }),
    behaviour('instruments', 'falls back to FYERS naming rules without a master', async () => {
      const ctx = context(undefined, sim.baseUrl, []);
      const ack = await adapter.placeOrder(ctx, order({ symbol: 'NSE:RELIANCE' }));
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ symbol: 'NSE:RELIANCE', state: 'FILLED' });
    }),
    behaviour(['signIn', 'errors'], 'maps a dead session to TOKEN_EXPIRED (HTTP 401, code -16)', async () => {
      sim.expireSessions();
      const error = await failure(adapter.funds(context()));
      expect(error.code).toBe('TOKEN_EXPIRED');
      expect(error.httpStatus).toBe(401);
      expect(error.message).toContain('Could not authenticate the user');
      expect((await failure(adapter.validate(context(sim.credentials)))).code).toBe('TOKEN_EXPIRED');
    }),
    behaviour(['errors', 'rateLimits'], 'maps 429 / -353 to RATE_LIMITED for reads and orders', async () => {
      tick = 0;
      const ctx = context();
      for (let i = 0; i < 10; i++) await adapter.funds(ctx);
      expect((await failure(adapter.funds(ctx))).code).toBe('RATE_LIMITED');
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
      expect(error.message).toContain('SEBI');
      expect(error.message).toContain('myapi.fyers.in');
      expect((await failure(adapter.cancelOrder(ctx, open.brokerOrderId))).code).toBe('IP_NOT_ALLOWED');
      expect((await adapter.orders(ctx)).length).toBe(1);
    }),
    behaviour('errors', 'maps a closed port to NETWORK', async () => {
      const port = await closedPort();
      expect((await failure(adapter.validate(context(undefined, `http://127.0.0.1:${port}`)))).code).toBe('NETWORK');
      expect((await failure(adapter.fetchInstruments!(context(undefined, `http://127.0.0.1:${port}`)))).code).toBe('NETWORK');
    }),
    behaviour('secrets', 'never leaks credentials (raw, base64, hex) into results or errors', async () => {
      await sim.close();
      const canary = 'CNRY8E1B4F6A2D';
      sim = await start({ clock, redirectUrl: REDIRECT, clientId: `${canary}-100`, secretKey: `S${canary}`, sessionToken: `t${canary}` });
      const creds = { ...sim.credentials, ...sim.session };
      const forms = canaryForms(canary);
      const outcomes: unknown[] = [];
      const record = async (p: Promise<unknown>) => outcomes.push(await p.catch((e: unknown) => e));

      await record(adapter.validate(context(creds)));
      await record(adapter.funds(context(creds)));
      await record(adapter.placeOrder(context(creds), order()));
      await record(adapter.orders(context(creds)));
      await record(adapter.positions(context(creds)));
      await record(adapter.quotes(context(creds), ['NSE:SBIN']));
      await record(adapter.placeOrder(context(creds), order({ symbol: 'NSE:NOSUCH' })));
      const params = await loginThroughBrowser(context(creds), 'c');
      await record(adapter.completeLogin!(context({ ...creds, secret_key: `x${canary}` }), params, REDIRECT));
      await record(adapter.validate(context({ ...creds, access_token: `wrong${canary}` })));
      await record(adapter.validate(context(creds, `http://127.0.0.1:${await closedPort()}`)));
      sim.setCallerIp('198.51.100.7');
      await record(adapter.placeOrder(context(creds), order()));

      expect(outcomes.filter((o) => o instanceof BrokerError).length).toBe(5);
      expectNoCanary(outcomes, forms);
    }),
    behaviour('history', 'candles from GET /data/history agree with the quote, in every interval it declares', async () => {
      tick = 0;
      expect(adapter.historyIntervals).toEqual(['1m', '5m', '15m', '30m', '1h', '1d']);
      const now = clock.now();
      for (const [interval, length] of [
        ['5m', 300_000],
        ['1h', 3_600_000],
        ['1d', 86_400_000],
      ] as const) {
        const bars = await adapter.history!(context(), 'NSE:SBIN', interval, now - 20 * length, now + 1);
        expect(bars.length, interval).toBeGreaterThanOrEqual(20);
        expect(bars.every((b) => b.time % length === 0 && b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close))).toBe(true);
        expect(bars[0]!.open).toBe(priceAt('NSE:SBIN', bars[0]!.time));
      }
      const [quote] = await adapter.quotes(context(), ['NSE:SBIN']);
      expect((await adapter.history!(context(), 'NSE:SBIN', '1m', now - 120_000, now + 1)).at(-1)!.close).toBe(quote!.last);
    }),
    behaviour('history', 'a range longer than FYERS allows per request goes in windows: 500 day candles, none twice', async () => {
      tick = 0;
      const now = clock.now();
      const days = await adapter.history!(context(), 'NSE:SBIN', '1d', now - 500 * 86_400_000, now + 1);
      expect(days.length).toBeGreaterThanOrEqual(499);
      expect(new Set(days.map((d) => d.time)).size).toBe(days.length);
    }),
    ...fyersStreamingCases,
    ...fyersExitCases,
  ],
};
