import { expect } from 'vitest';
import { ManualClock } from '../../../src/main/clock';
import { parseXtsTime } from '../../../src/main/brokers/xts/mapping';
import { parseOhlcText } from '../../../src/main/brokers/xts/history';
import { type BrokerAdapter, type BrokerContext, type Instrument } from '../../../src/main/brokers/types';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { priceAt } from '../../simulators/exchange';
import { start, type XtsSimulatorHandle } from '../../simulators/xts';
import { brokerContext, canaryForms, closedPort, failure, answer } from '../support';
import { XTS_ERRORS, xtsFailure } from '../../../src/main/brokers/xts/errors';
import { behaviour, type BrokerConformance, type ConformanceCase } from './suite';
import { xtsStreamingCases } from './xts-streaming';
import { xtsExitCases } from './xts-exits';

async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}`;
}

/** The XTS family: one adapter per deployment, one simulator; each deployment's cases file runs these. */
export function xtsConformance(adapter: BrokerAdapter, host: string, extra: readonly ConformanceCase[] = []): BrokerConformance {
  const clock = new ManualClock();
  let sim: XtsSimulatorHandle;
  let instruments: Instrument[] = [];
  let session: Record<string, string> = {};

  const ctx = (fields: Record<string, string> = session, baseUrl = sim.baseUrl): BrokerContext =>
    brokerContext({ baseUrl, environment: 'live', credentials: { ...sim.credentials, ...fields }, clock, instruments });

  return {
    id: adapter.descriptor.id,
    adapter,
    unreachable: async () => adapter.funds(ctx(session, await closedPortUrl())),
    errorTables: [
      {
        name: 'XTS_ERRORS',
        table: XTS_ERRORS,
        map: ({ text }) =>
          xtsFailure(answer(400, { type: 'error', code: 'e-orders-0001', description: text }), {
            broker: adapter.descriptor.name,
            staticIpNote: 'Register the static IP.',
            loginApp: null,
          })!,
      },
    ],
    hooks: {
      beforeAll: async () => {
        sim = await start({ clock });
        sim.setReadRateLimit(false);
        session = sim.session;
      },
      afterAll: () => sim.close(),
    },
    cases: [
      behaviour('descriptor', 'has a valid descriptor with the broker host and four secret key fields', () => {
        const d = BrokerDescriptorSchema.parse(adapter.descriptor);
        expect(d.auth).toBe('app-key-session');
        expect(d.environments[0]!.baseUrl).toBe(`https://${host}`);
        expect(new URL(d.docsUrl).host).toBe(host);
        expect(d.fields.filter((f) => f.secret).map((f) => f.name)).toEqual([
          'interactiveAppKey',
          'interactiveSecretKey',
          'marketDataAppKey',
          'marketDataSecretKey',
        ]);
        expect(d.staticIp).toMatch(/SEBI/);
        for (const f of d.fields) if (f.pattern) expect(() => new RegExp(f.pattern!)).not.toThrow();
        expect(adapter.rateLimits.budgets.orders).toContainEqual({ limit: 10, intervalMs: 1_000 });
        expect(adapter.rateLimits.spend({ method: 'POST', path: '/interactive/orders' })).toEqual({ orders: 1 });
        expect(adapter.rateLimits.spend({ method: 'GET', path: '/interactive/orders' })).toEqual({ orderBook: 1 });
      }),
      behaviour('instruments', 'downloads and parses the instrument master', async () => {
        instruments = await adapter.fetchInstruments!(ctx());
        const by = (s: string) => instruments.find((i) => i.symbol === s);
        expect(by('NSE:INFY')).toMatchObject({ token: '1594', segment: 'NSECM', exchange: 'NSE', brokerSymbol: 'INFY-EQ', lotSize: 1, tickSize: 0.1 });
        expect(by('NSE:GOLDBEES-BE')).toMatchObject({ token: '14428', brokerSymbol: 'GOLDBEES-BE' });
        expect(by('BSE:RELIANCE')).toMatchObject({ token: '500325', segment: 'BSECM' });
        expect(by('NFO:NIFTY26JANFUT')).toMatchObject({ token: '35001', lotSize: 75, segment: 'NSEFO', exchange: 'NFO' });
        expect(by('NFO:NIFTY26JAN24000CE')).toMatchObject({ token: '40001', lotSize: 75 });
        expect(by('MCX:CRUDEOIL26JANFUT')).toMatchObject({ token: '440001', lotSize: 100 });
      }),
      behaviour('signIn', 'logs in to both APIs and returns both tokens, the user and client ids', async () => {
        clock.advance(1_000); // XTS tokens carry iat/exp in seconds: a later login yields a different token
        const update = await adapter.login!(ctx({}));
        expect(update.fields).toMatchObject({ interactiveUserId: 'XT4821', clientId: 'XT4821', isInvestorClient: 'true', marketDataUserId: 'XT4821' });
        expect(update.fields.interactiveToken).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(update.fields.marketDataToken).not.toBe(update.fields.interactiveToken);
        expect(update.expiresAt).toBe(Math.floor(clock.now() / 1000) * 1000 + 86_400_000);
        // One session per app key: the pre-issued session is gone, the new one works.
        expect((await failure(adapter.funds(ctx(sim.session)))).code).toBe('TOKEN_EXPIRED');
        session = update.fields;
        expect(adapter.sessionExpiry(ctx())).toBe(update.expiresAt);
      }),
      behaviour(['signIn', 'specific'], 'simulator accepts the form-encoded login the Python SDK sends', async () => {
        const form = new URLSearchParams({ appKey: sim.credentials.marketDataAppKey!, secretKey: sim.credentials.marketDataSecretKey!, source: 'WEBAPI' });
        const res = await fetch(`${sim.baseUrl}/apimarketdata/auth/login`, { method: 'POST', body: form });
        const body = (await res.json()) as { type: string; result: { token: string } };
        expect(body.type).toBe('success');
        session = { ...session, marketDataToken: body.result.token };
      }),
      behaviour('signIn', 'refuses wrong keys as INVALID_CREDENTIALS', async () => {
        const wrong = await failure(adapter.login!(ctx({ interactiveSecretKey: 'not-the-secret' })));
        expect(wrong.code).toBe('INVALID_CREDENTIALS');
        expect(wrong.message).toContain('Invalid appKey or secretKey');
        expect(wrong.message).toContain('Interactive Order API');
        const missing = await failure(adapter.login!(ctx({ marketDataAppKey: '' })));
        expect(missing.code).toBe('INVALID_CREDENTIALS');
        expect(missing.message).toMatch(/market-data app key/);
      }),
      behaviour('validate', 'validates the account and reads funds', async () => {
        const summary = await adapter.validate(ctx());
        expect(summary).toEqual({ accountMasked: '••••4821', accountType: 'Retail XTS account (Individual)', buyingPower: 1_000_000, currency: 'INR' });
        expect(await adapter.funds(ctx())).toEqual({ available: 1_000_000, used: 0, total: 1_000_000, currency: 'INR' });
      }),
      behaviour('orders', 'places a market order and finds it by broker id and by client order id', async () => {
        const c = ctx();
        const ack = await adapter.placeOrder(c, { symbol: 'NSE:INFY', side: 'BUY', quantity: 5, type: 'MARKET', clientOrderId: 'bv-mkt-1' });
        expect(ack.state).toBe('PENDING');
        expect(ack.brokerOrderId).toMatch(/^\d+$/);
        const byId = await adapter.getOrder(c, { brokerOrderId: ack.brokerOrderId });
        expect(byId).toMatchObject({
          brokerOrderId: ack.brokerOrderId,
          clientOrderId: 'bv-mkt-1',
          symbol: 'NSE:INFY',
          side: 'BUY',
          quantity: 5,
          filledQuantity: 5,
          averagePrice: priceAt('NSE:INFY', clock.now()),
          type: 'MARKET',
          state: 'FILLED',
          updatedAt: clock.now(),
        });
        const byClient = await adapter.getOrder(ctx(), { clientOrderId: 'bv-mkt-1' });
        expect(byClient?.brokerOrderId).toBe(ack.brokerOrderId);
        expect(byClient?.symbol).toBe('NSE:INFY');
        expect(await adapter.getOrder(c, { clientOrderId: 'no-such-tag' })).toBeNull();
        expect(await adapter.getOrder(c, { brokerOrderId: '999999' })).toBeNull();
      }),
      behaviour('orders', 'keeps a limit order open, cancels it, and reports a second cancel as the broker rejection', async () => {
        const c = ctx();
        const price = priceAt('NSE:SBIN', clock.now());
        const ack = await adapter.placeOrder(c, {
          symbol: 'NSE:SBIN',
          side: 'BUY',
          quantity: 2,
          type: 'LIMIT',
          limitPrice: Math.round(price * 0.5),
          clientOrderId: 'bv-lmt-1',
          product: 'MIS',
        });
        expect((await adapter.getOrder(c, { brokerOrderId: ack.brokerOrderId }))?.state).toBe('OPEN');
        await adapter.cancelOrder(c, ack.brokerOrderId);
        const cancelled = await adapter.getOrder(c, { clientOrderId: 'bv-lmt-1' });
        expect(cancelled).toMatchObject({ state: 'CANCELLED', limitPrice: Math.round(price * 0.5), type: 'LIMIT' });
        const again = await failure(adapter.cancelOrder(c, ack.brokerOrderId));
        expect(again.code).toBe('BROKER_REJECTED');
        expect(again.message).toContain('already Cancelled');
      }),
      behaviour(['orders', 'positions'], 'lists the order book and positions', async () => {
        const book = await adapter.orders(ctx());
        expect(book.map((o) => [o.clientOrderId, o.symbol, o.state])).toEqual([
          ['bv-mkt-1', 'NSE:INFY', 'FILLED'],
          ['bv-lmt-1', 'NSE:SBIN', 'CANCELLED'],
        ]);
        const positions = await adapter.positions(ctx());
        expect(positions).toHaveLength(1);
        expect(positions[0]).toMatchObject({ symbol: 'NSE:INFY', quantity: 5, realizedPnl: 0 });
        expect(positions[0]!.averagePrice).toBeCloseTo(book[0]!.averagePrice!, 2);
      }),
      behaviour(
        ['modify', 'errors'],
        'modifies quantity, price and type in place (same AppOrderID); a cancelled order is refused in the broker’s words',
        async () => {
          const c = ctx();
          const far = Math.round(priceAt('NSE:SBIN', clock.now()) * 0.5);
          const placed = {
            symbol: 'NSE:SBIN',
            side: 'BUY' as const,
            quantity: 2,
            type: 'LIMIT' as const,
            limitPrice: far,
            clientOrderId: 'bv-mod-1',
            product: 'MIS',
          };
          const ack = await adapter.placeOrder(c, placed);
          expect(
            await adapter.modifyOrder!(c, ack.brokerOrderId, { quantity: 3, limitPrice: far - 1 }, { ...placed, quantity: 3, limitPrice: far - 1 }),
          ).toBeUndefined();
          expect(await adapter.getOrder(c, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', quantity: 3, limitPrice: far - 1 });
          const stop = far * 4;
          const stopLimit = { ...placed, quantity: 3, type: 'STOP_LIMIT' as const, stopPrice: stop, limitPrice: stop + 1 };
          await adapter.modifyOrder!(c, ack.brokerOrderId, { type: 'STOP_LIMIT', stopPrice: stop, limitPrice: stop + 1 }, stopLimit);
          expect(await adapter.getOrder(c, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', type: 'STOP_LIMIT', limitPrice: stop + 1 });
          await adapter.cancelOrder(c, ack.brokerOrderId);
          const closed = await failure(adapter.modifyOrder!(c, ack.brokerOrderId, { quantity: 4 }, { ...stopLimit, quantity: 4 }));
          expect(closed).toMatchObject({ code: 'BROKER_REJECTED', message: expect.stringContaining('cannot be modified: order is already Cancelled') });
        },
      ),
      behaviour('books', 'lists today’s fills from orders/trades; after settlement the delivery buy is a holding from portfolio/holdings', async () => {
        const filled = sim.exchange.list().find((o) => o.clientOrderId === 'bv-mkt-1')!;
        const book = await adapter.trades!(ctx());
        expect(book.map((t) => [t.symbol, t.side, t.quantity, t.price, t.executedAt])).toEqual([
          ['NSE:INFY', 'BUY', 5, filled.averagePrice, Math.floor(filled.updatedAt / 1000) * 1000],
        ]);
        expect(book[0]!.brokerOrderId).toBe((await adapter.getOrder(ctx(), { clientOrderId: 'bv-mkt-1' }))!.brokerOrderId);
        expect(await adapter.holdings!(ctx())).toEqual([]);
        sim.exchange.rollDay();
        expect(await adapter.trades!(ctx())).toEqual([]);
        // Holding rows name only instrument ids: a connection that has resolved the instrument shows its symbol,
        // any other the exchange and id (as positions do).
        const [unknown] = await adapter.holdings!(ctx());
        expect(unknown!.symbol).toBe(`NSE:${instruments.find((i) => i.symbol === 'NSE:INFY')!.token}`);
        const c = ctx();
        await adapter.quotes(c, ['NSE:INFY']);
        expect(await adapter.holdings!(c)).toEqual([{ symbol: 'NSE:INFY', quantity: 5, averagePrice: filled.averagePrice, lastPrice: null, pnl: null }]);
      }),
      behaviour('quotes', 'quotes several symbols from the market-data session', async () => {
        const symbols = ['NSE:INFY', 'NSE:RELIANCE', 'BSE:RELIANCE', 'NFO:NIFTY26JANFUT'];
        const quotes = await adapter.quotes(ctx(), symbols);
        expect(quotes.map((q) => q.symbol)).toEqual(symbols);
        for (const q of quotes) {
          expect(q.last).toBe(priceAt(q.symbol, clock.now()));
          expect(q.bid!).toBeLessThan(q.last);
          expect(q.ask!).toBeGreaterThan(q.last);
          expect(q.at).toBe(Math.floor(clock.now() / 1000) * 1000);
        }
        const unknown = await failure(adapter.quotes(ctx(), ['NSE:NOPE']));
        expect(unknown.code).toBe('BROKER_REJECTED');
      }),
      behaviour('history', 'candles from GET /instruments/ohlc agree with the quote, in every interval it declares', async () => {
        expect(adapter.historyIntervals).toEqual(['1m', '5m', '15m', '30m', '1h', '1d']);
        // Self-contained: the instrument master may not be loaded yet when this case runs alone.
        instruments = await adapter.fetchInstruments!(ctx());
        const now = clock.now();
        const bars = await adapter.history!(ctx(), 'NSE:INFY', '5m', now - 2 * 3_600_000, now + 1);
        expect(bars.length).toBeGreaterThanOrEqual(24);
        expect(bars.every((b) => b.time % 300_000 === 0 && b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close) && b.volume > 0)).toBe(
          true,
        );
        expect(bars[0]!.open).toBe(priceAt('NSE:INFY', bars[0]!.time));
        const [quote] = await adapter.quotes(ctx(), ['NSE:INFY']);
        expect(bars.at(-1)!.close).toBe(quote!.last);
        // Hourly candles open at a quarter past on the IST clock (09:15, 10:15 …); day candles at IST midnight.
        const hourly = await adapter.history!(ctx(), 'NSE:INFY', '1h', now - 10 * 3_600_000, now + 1);
        expect(hourly.length).toBeGreaterThan(5);
        expect(hourly.every((b) => new Date(b.time + 330 * 60_000).getUTCMinutes() === 15)).toBe(true);
        const days = await adapter.history!(ctx(), 'BSE:RELIANCE', '1d', now - 30 * 86_400_000, now + 1);
        expect(days.length).toBeGreaterThanOrEqual(29);
        expect(days.every((d) => (d.time + 330 * 60_000) % 86_400_000 === 0 && d.time <= now)).toBe(true);
        expect((await failure(adapter.history!(ctx(), 'NSE:NOPE', '5m', now - 3_600_000, now))).code).toBe('BROKER_REJECTED');
      }),
      behaviour('history', 'the bars text is read row by row; malformed rows are dropped', () => {
        expect(parseOhlcText('1767605700|10|12|9|11|500|0,bad|row,1767606000|11|13|10|12|x|0,')).toEqual([
          { time: 1767605700_000 - 330 * 60_000, open: 10, high: 12, low: 9, close: 11, volume: 500 },
          { time: 1767606000_000 - 330 * 60_000, open: 11, high: 13, low: 10, close: 12, volume: 0 },
        ]);
        expect(parseOhlcText(null)).toEqual([]);
      }),
      behaviour(['orders', 'errors'], 'rejects an F&O order that is not a lot multiple with the broker message', async () => {
        const e = await failure(adapter.placeOrder(ctx(), { symbol: 'NFO:NIFTY26JANFUT', side: 'BUY', quantity: 10, type: 'MARKET', clientOrderId: 'bv-lot' }));
        expect(e.code).toBe('BROKER_REJECTED');
        expect(e.message).toContain('multiples of lot size 75');
      }),
      behaviour(['orders', 'errors'], 'rejects orders from an unregistered IP with SEBI guidance, while reads still work', async () => {
        sim.setCallerIp('198.51.100.7');
        try {
          const e = await failure(adapter.placeOrder(ctx(), { symbol: 'NSE:TCS', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'bv-ip' }));
          expect(e.code).toBe('IP_NOT_ALLOWED');
          expect(e.httpStatus).toBe(403);
          expect(e.message).toMatch(/SEBI.*static public IP/);
          expect((await adapter.funds(ctx())).available).toBeGreaterThan(0);
        } finally {
          sim.setCallerIp(sim.registeredIp);
        }
      }),
      behaviour('rateLimits', 'answers the 11th order in a second and a second balance call with RATE_LIMITED', async () => {
        clock.advance(1_000);
        const c = ctx();
        const price = priceAt('NSE:TCS', clock.now());
        for (let i = 0; i < 10; i++) {
          await adapter.placeOrder(c, {
            symbol: 'NSE:TCS',
            side: 'BUY',
            quantity: 1,
            type: 'LIMIT',
            limitPrice: Math.round(price * 0.5),
            clientOrderId: `bv-rl-${i}`,
          });
        }
        const e = await failure(adapter.placeOrder(c, { symbol: 'NSE:TCS', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: 1, clientOrderId: 'bv-rl-x' }));
        expect(e.code).toBe('RATE_LIMITED');
        expect(e.httpStatus).toBe(429);
        sim.setReadRateLimit(true);
        try {
          await adapter.funds(c);
          expect((await failure(adapter.funds(c))).code).toBe('RATE_LIMITED');
        } finally {
          sim.setReadRateLimit(false);
          clock.advance(1_000);
        }
      }),
      behaviour(['signIn', 'errors'], 'maps "Invalid Token" to TOKEN_EXPIRED on HTTP 400 and on HTTP 200, for both APIs', async () => {
        clock.advance(1_000);
        const fresh = await adapter.login!(ctx({}));
        sim.expireSessions();
        expect((await failure(adapter.funds(ctx(fresh.fields)))).httpStatus).toBe(400);
        expect((await failure(adapter.funds(ctx(fresh.fields)))).code).toBe('TOKEN_EXPIRED');
        const md = await failure(adapter.quotes(ctx(fresh.fields), ['NSE:INFY']));
        expect([md.code, md.httpStatus]).toEqual(['TOKEN_EXPIRED', 200]);
        sim.setInvalidTokenStatus(200);
        try {
          expect((await failure(adapter.orders(ctx(fresh.fields)))).code).toBe('TOKEN_EXPIRED');
        } finally {
          sim.setInvalidTokenStatus(400);
        }
        expect((await failure(adapter.positions(ctx({ interactiveToken: '' })))).code).toBe('TOKEN_EXPIRED');
        session = (await adapter.login!(ctx({}))).fields;
      }),
      behaviour('signIn', 'expires the session after 24 hours on the clock', async () => {
        const c = ctx();
        const expiry = adapter.sessionExpiry(c)!;
        expect(expiry - clock.now()).toBeGreaterThan(86_000_000);
        clock.set(expiry + 1);
        expect((await failure(adapter.validate(c))).code).toBe('TOKEN_EXPIRED');
        expect((await failure(adapter.quotes(c, ['NSE:INFY']))).code).toBe('TOKEN_EXPIRED');
        session = (await adapter.login!(ctx({}))).fields;
        expect(adapter.sessionExpiry(ctx())).toBeGreaterThan(clock.now());
      }),
      behaviour('signIn', 'passes clientID on every interactive call for dealer logins', async () => {
        sim.setDealerMode(true);
        try {
          const dealer = (await adapter.login!(ctx({}))).fields;
          expect(dealer).toMatchObject({ isInvestorClient: 'false', clientId: 'XT4821' });
          const summary = await adapter.validate(ctx(dealer));
          expect(summary).toMatchObject({ accountType: 'Dealer XTS account (Individual)', buyingPower: 0 });
          expect((await adapter.orders(ctx(dealer))).length).toBeGreaterThan(0);
          const ack = await adapter.placeOrder(ctx(dealer), { symbol: 'NSE:INFY', side: 'SELL', quantity: 1, type: 'MARKET', clientOrderId: 'bv-dealer' });
          expect((await adapter.getOrder(ctx(dealer), { brokerOrderId: ack.brokerOrderId }))?.state).toBe('FILLED');
          // Without the clientID the same call is refused by the broker's validation.
          const e = await failure(adapter.orders(ctx({ ...dealer, isInvestorClient: 'true' })));
          expect(e.code).toBe('BROKER_REJECTED');
          expect(e.message).toContain('"clientID" is required');
        } finally {
          sim.setDealerMode(false);
          session = (await adapter.login!(ctx({}))).fields;
        }
      }),
      behaviour('errors', 'reports a closed port as NETWORK', async () => {
        const e = await failure(adapter.funds(ctx(session, await closedPortUrl())));
        expect(e.code).toBe('NETWORK');
        expect(e.message).not.toMatch(/\?/);
      }),
      ...canaryCases(adapter),
      ...xtsStreamingCases(adapter, host),
      ...xtsExitCases(adapter),
      ...extra,
    ],
  };
}

/** The canary: no key, secret or token of this deployment leaks into results or errors. */
function canaryCases(adapter: BrokerAdapter): ConformanceCase[] {
  const CANARY = 'QzCanary7781Xk';
  const forms = canaryForms(CANARY);
  const clock = new ManualClock();

  /** A simulator whose keys all carry the canary. */
  async function canarySim(): Promise<XtsSimulatorHandle> {
    const sim = await start({
      clock,
      credentials: {
        interactiveAppKey: `${CANARY}i1`,
        interactiveSecretKey: `s$${CANARY}`,
        marketDataAppKey: `${CANARY}m2`,
        marketDataSecretKey: `t#${CANARY}`,
      },
    });
    sim.setReadRateLimit(false);
    return sim;
  }

  return [
    behaviour('secrets', 'keeps the canary out of every outcome', async () => {
      const sim = await canarySim();
      try {
        const outcomes: unknown[] = [];
        const errors: unknown[] = [];
        const ctx = (fields: Record<string, string> = {}, baseUrl = sim.baseUrl): BrokerContext =>
          brokerContext({ baseUrl, environment: 'live', credentials: { ...sim.credentials, ...fields }, clock, instruments });
        const record = async (p: Promise<unknown>) => {
          try {
            outcomes.push(await p);
          } catch (error) {
            errors.push(error);
          }
        };
        let instruments: Instrument[] = [];
        await record(adapter.login!(ctx({ interactiveSecretKey: `bad${CANARY}` })));
        const login = await adapter.login!(ctx());
        // The session tokens are the session itself (stored encrypted); XTS even embeds the app key in its JWT.
        const { interactiveToken, marketDataToken, ...rest } = login.fields;
        outcomes.push(rest, login.expiresAt);
        const s = login.fields;
        instruments = await adapter.fetchInstruments!(ctx(s));
        outcomes.push(instruments);
        await record(adapter.validate(ctx(s)));
        await record(adapter.funds(ctx(s)));
        await record(adapter.placeOrder(ctx(s), { symbol: 'NSE:INFY', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'bv-canary' }));
        await record(adapter.placeOrder(ctx(s), { symbol: 'NFO:NIFTY26JANFUT', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'bv-canary-2' }));
        await record(adapter.orders(ctx(s)));
        await record(adapter.positions(ctx(s)));
        await record(adapter.quotes(ctx(s), ['NSE:INFY', 'NFO:NIFTY26JANFUT']));
        sim.setCallerIp('198.51.100.9');
        await record(adapter.placeOrder(ctx(s), { symbol: 'NSE:INFY', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'bv-canary-3' }));
        sim.setCallerIp(sim.registeredIp);
        await record(adapter.funds(ctx(s, await closedPortUrl())));
        sim.expireSessions();
        await record(adapter.funds(ctx(s)));
        await record(adapter.quotes(ctx(s), ['NSE:INFY']));
        expect(interactiveToken && marketDataToken).toBeTruthy();
        expect(outcomes.length).toBeGreaterThanOrEqual(8);
        expect(errors.length).toBeGreaterThanOrEqual(6);
        const texts = [
          JSON.stringify(outcomes),
          ...errors.map((e) => {
            const err = e as Error;
            return `${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${JSON.stringify(Object.getOwnPropertyDescriptors(err))}`;
          }),
        ];
        for (const text of texts) for (const form of forms) expect(text).not.toContain(form);
        // And the tokens themselves never show up in an error.
        for (const e of errors) expect(JSON.stringify(Object.getOwnPropertyDescriptors(e))).not.toContain(interactiveToken!.slice(0, 40));
      } finally {
        await sim.close();
      }
    }),
  ];
}

/** Family details that need one deployment only (run with IIFL's cases). */
export function xtsMappingCases(): ConformanceCase[] {
  return [
    behaviour('specific', 'reads XTS times as Indian time in both formats', () => {
      const at = Date.UTC(2026, 0, 5, 4, 0, 0, 123);
      expect(parseXtsTime('2026-01-05T09:30:00.1234567')).toBe(at);
      expect(parseXtsTime('05-01-2026 09:30:00')).toBe(at - 123);
      expect(parseXtsTime('2026-01-05T04:00:00Z')).toBe(at - 123);
      expect(parseXtsTime('')).toBeNull();
    }),
  ];
}
