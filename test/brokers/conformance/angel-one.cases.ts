import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/angel-one/adapter';
import { descriptor } from '../../../src/main/brokers/angel-one/descriptor';
import { BrokerError, MemoryInstrumentMaster, type BrokerContext, type Instrument } from '../../../src/main/brokers/types';
import { ManualClock } from '../../../src/main/clock';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { priceAt } from '../../simulators/exchange';
import { start, type AngelSimulatorHandle } from '../../simulators/angel-one';
import { brokerContext, closedPort, failure, answer, thrown } from '../support';
import { ANGEL_ERRORS, angelData } from '../../../src/main/brokers/angel-one/errors';
import { angelOneStreamingCases } from './angel-one-streaming';
import { angelOneExitCases } from './angel-one-exits';
import { behaviour, type BrokerConformance } from './suite';

// 09:30 IST on Monday 5 January 2026; sessions end at 18:30 UTC (midnight IST).
const START = Date.UTC(2026, 0, 5, 4, 0, 0);
const MIDNIGHT_IST = Date.UTC(2026, 0, 5, 18, 30, 0);
const clock = new ManualClock(START);
let sim: AngelSimulatorHandle;
let instruments: Instrument[] = [];

function context(credentials: Record<string, string> = { ...sim.credentials, ...sim.session }, baseUrl = sim.baseUrl): BrokerContext {
  return brokerContext({ baseUrl, environment: 'live', credentials, clock, instruments });
}

/** SmartAPI allows 1 order-book / position / quote call per second: move the clock on between calls. */
function nextSecond(): void {
  clock.advance(1_100);
}

export const conformance: BrokerConformance = {
  id: 'angel-one',
  adapter: adapter,
  hooks: {
    beforeAll: async () => {
      sim = await start({ clock });
      instruments = await adapter.fetchInstruments!(context());
    },
    afterAll: async () => {
      await sim.close();
    },
  },
  unreachable: async () => adapter.funds(context(undefined, `http://127.0.0.1:${await closedPort()}`)),
  errorTables: [
    {
      name: 'ANGEL_ERRORS',
      table: ANGEL_ERRORS,
      map: ({ code, text, scope }) =>
        thrown(() => angelData(scope === 'text' ? answer(403, text) : answer(400, { status: false, message: text ?? 'refused', errorcode: code }))),
    },
  ],
  cases: [
    behaviour('descriptor', 'passes the schema, keeps login fields secret and names the real host', () => {
      expect(BrokerDescriptorSchema.parse(descriptor).id).toBe('angel-one');
      expect(descriptor.environments).toEqual([{ id: 'live', label: 'Live', baseUrl: 'https://apiconnect.angelone.in' }]);
      for (const name of ['api_key', 'mpin', 'totp_secret']) expect(descriptor.fields.find((f) => f.name === name)?.secret).toBe(true);
      for (const field of descriptor.fields) {
        const value = sim.credentials[field.name as keyof typeof sim.credentials];
        if (field.pattern && value) expect(new RegExp(field.pattern).test(value), field.name).toBe(true);
      }
      expect(descriptor.staticIp).toMatch(/SEBI/);
    }),
    behaviour('instruments', 'downloads and parses the JSON scrip master into common symbols', () => {
      const sbin = instruments.find((i) => i.symbol === 'NSE:SBIN');
      expect(sbin).toMatchObject({ exchange: 'NSE', brokerSymbol: 'SBIN-EQ', token: '3045', lotSize: 1, tickSize: 0.05, segment: 'EQ' });
      expect(instruments.find((i) => i.symbol === 'BSE:SBIN')?.token).toBe('500112');
      expect(instruments.find((i) => i.symbol === 'NFO:NIFTY27JAN2624000CE')).toMatchObject({ lotSize: 75, segment: 'OPTIDX' });
    }),
    behaviour('signIn', 'logs in with client code, MPIN and a TOTP computed on the context clock', async () => {
      nextSecond();
      const session = await adapter.login!(context({ ...sim.credentials }));
      expect(Object.keys(session.fields).sort()).toEqual(['feedToken', 'jwtToken', 'refreshToken']);
      expect(session.expiresAt).toBe(MIDNIGHT_IST);
      nextSecond();
      const summary = await adapter.validate(context({ ...sim.credentials, ...session.fields }));
      expect(summary).toMatchObject({ accountMasked: '••••3456', currency: 'INR', buyingPower: expect.any(Number) as number });
      expect(adapter.sessionExpiry(context({ ...sim.credentials, ...session.fields }))).toBe(MIDNIGHT_IST);
    }),
    behaviour('signIn', 'renews with generateTokens while the session is valid (no MPIN needed), then falls back to a full login', async () => {
      nextSecond();
      const first = await adapter.login!(context({ ...sim.credentials }));
      nextSecond();
      // A wrong MPIN proves the renewal did not go through loginByPassword.
      const renewed = await adapter.login!(context({ ...sim.credentials, mpin: '0000', ...first.fields }));
      expect(renewed.fields.refreshToken).not.toBe(first.fields.refreshToken);
      expect(renewed.expiresAt).toBe(MIDNIGHT_IST);
      // The old refresh token is spent: Angel refuses it (AB8050) and the adapter logs in with the MPIN instead.
      nextSecond();
      const fallback = await failure(adapter.login!(context({ ...sim.credentials, mpin: '0000', ...first.fields })));
      expect(fallback.code).toBe('INVALID_CREDENTIALS');
      nextSecond();
      const full = await adapter.login!(context({ ...sim.credentials, ...first.fields }));
      expect(full.fields.jwtToken).toBeTruthy();
    }),
    behaviour('signIn', 'reports a wrong TOTP secret as INVALID_CREDENTIALS', async () => {
      nextSecond();
      const error = await failure(adapter.login!(context({ ...sim.credentials, totp_secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' })));
      expect(error.code).toBe('INVALID_CREDENTIALS');
      expect(error.message).toMatch(/TOTP/);
    }),
    behaviour('signIn', 'reports a malformed TOTP secret without quoting it', async () => {
      const error = await failure(adapter.login!(context({ ...sim.credentials, totp_secret: 'not-base32-!!' })));
      expect(error.code).toBe('INVALID_CREDENTIALS');
      expect(error.message).not.toContain('not-base32');
    }),
    behaviour('signIn', 'reports a wrong API key as INVALID_CREDENTIALS', async () => {
      nextSecond();
      const error = await failure(adapter.login!(context({ ...sim.credentials, api_key: 'wrongKey1' })));
      expect(error.code).toBe('INVALID_CREDENTIALS');
    }),
    behaviour('validate', 'reads funds from getRMS', async () => {
      nextSecond();
      const funds = await adapter.funds(context());
      expect(funds.currency).toBe('INR');
      expect(funds.available).toBeCloseTo(sim.exchange.cash, 2);
      expect(funds.total).toBeGreaterThanOrEqual(funds.available);
    }),
    behaviour('orders', 'places, finds (by id and client id), lists and cancels a limit order', async () => {
      const ctx = context();
      const clientOrderId = '6f1c2a9e-8b7d-4c3e-9a1f-0d2b3c4e5f60';
      const far = Math.round(priceAt('NSE:INFY', clock.now()) * 0.5);
      nextSecond();
      const ack = await adapter.placeOrder(ctx, { symbol: 'NSE:INFY', side: 'BUY', quantity: 3, type: 'LIMIT', limitPrice: far, clientOrderId });
      expect(ack.state).toBe('PENDING');
      nextSecond();
      const byId = await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId });
      expect(byId).toMatchObject({ symbol: 'NSE:INFY', side: 'BUY', quantity: 3, type: 'LIMIT', limitPrice: far, state: 'OPEN' });
      nextSecond();
      const byClient = await adapter.getOrder(ctx, { clientOrderId });
      expect(byClient).toMatchObject({ brokerOrderId: ack.brokerOrderId, clientOrderId });
      nextSecond();
      expect(await adapter.getOrder(ctx, { clientOrderId: 'never-used' })).toBeNull();
      nextSecond();
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      nextSecond();
      const book = await adapter.orders(ctx);
      expect(book.find((o) => o.brokerOrderId === ack.brokerOrderId)?.state).toBe('CANCELLED');
    }),
    behaviour('modify', 'modifies quantity, price and trigger with the full terms; the order keeps its id', async () => {
      const ctx = context();
      const far = Math.round(priceAt('NSE:INFY', clock.now()) * 0.5);
      const placed = { symbol: 'NSE:INFY', side: 'BUY' as const, quantity: 3, type: 'LIMIT' as const, limitPrice: far, clientOrderId: 'a1b2c3d4-modify-0001' };
      nextSecond();
      const ack = await adapter.placeOrder(ctx, placed);
      nextSecond();
      expect(
        await adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 5, limitPrice: far - 1 }, { ...placed, quantity: 5, limitPrice: far - 1 }),
      ).toBeUndefined();
      nextSecond();
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', quantity: 5, limitPrice: far - 1 });
      // A stop-loss order is another variety at Angel: refused in our words, nothing sent.
      const crossing = await failure(
        adapter.modifyOrder!(ctx, ack.brokerOrderId, { type: 'STOP_LIMIT', stopPrice: far * 3 }, { ...placed, type: 'STOP_LIMIT', stopPrice: far * 3 }),
      );
      expect(crossing).toMatchObject({ code: 'NOT_SUPPORTED', message: expect.stringMatching(/stop-loss/) });
      nextSecond();
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      nextSecond();
      const closed = await failure(adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 4 }, { ...placed, quantity: 4 }));
      expect(closed).toMatchObject({ code: 'BROKER_REJECTED', message: expect.stringContaining('Order cannot be modified: order is cancelled') });
    }),
    behaviour(['orders', 'positions'], 'fills a market order on the price path and shows the position', async () => {
      const ctx = context();
      nextSecond();
      const ack = await adapter.placeOrder(ctx, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 5, type: 'MARKET', clientOrderId: 'mkt-1' });
      const expected = priceAt('NSE:SBIN', clock.now());
      nextSecond();
      const order = await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId });
      expect(order).toMatchObject({ state: 'FILLED', filledQuantity: 5, averagePrice: expected, clientOrderId: 'mkt-1' });
      nextSecond();
      const positions = await adapter.positions(ctx);
      expect(positions.find((p) => p.symbol === 'NSE:SBIN')).toMatchObject({ quantity: 5, averagePrice: expected });
    }),
    behaviour('books', 'lists today’s fills from getTradeBook; after settlement the delivery buy is a holding from getHolding', async () => {
      const ctx = context();
      const filled = sim.exchange.list().find((o) => o.clientOrderId === 'mkt-1')!;
      nextSecond();
      const book = await adapter.trades!(ctx);
      expect(book.find((t) => t.brokerOrderId === filled.id)).toEqual({
        tradeId: expect.stringMatching(/^\d+$/),
        brokerOrderId: filled.id,
        symbol: 'NSE:SBIN',
        side: 'BUY',
        quantity: 5,
        price: Number(filled.averagePrice!.toFixed(2)),
        // SmartAPI sends the time of day only (IST), which the adapter places on today's date.
        executedAt: Math.floor(filled.updatedAt / 1000) * 1000,
      });
      nextSecond();
      expect(await adapter.holdings!(ctx)).toEqual([]);
      sim.exchange.rollDay();
      nextSecond();
      expect(await adapter.trades!(ctx)).toEqual([]);
      nextSecond();
      const ltp = priceAt('NSE:SBIN', clock.now());
      expect(await adapter.holdings!(ctx)).toEqual([
        { symbol: 'NSE:SBIN', quantity: 5, averagePrice: filled.averagePrice, lastPrice: ltp, pnl: Math.round((ltp - filled.averagePrice!) * 5 * 100) / 100 },
      ]);
    }),
    behaviour('orders', 'shows an exchange-side rejection in the order book with its reason', async () => {
      const ctx = context();
      nextSecond();
      const ack = await adapter.placeOrder(ctx, {
        symbol: 'NSE:TCS',
        side: 'BUY',
        quantity: 100_000,
        type: 'LIMIT',
        limitPrice: 4000,
        clientOrderId: 'too-big',
      });
      nextSecond();
      const order = await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId });
      expect(order).toMatchObject({ state: 'REJECTED', message: 'Insufficient funds' });
    }),
    behaviour(['orders', 'errors'], "passes a broker rejection on as BROKER_REJECTED with Angel's message", async () => {
      const bogus: Instrument = {
        symbol: 'NSE:BOGUS',
        exchange: 'NSE',
        brokerSymbol: 'BOGUS-EQ',
        token: '999999',
        name: 'BOGUS',
        lotSize: 1,
        tickSize: 0.05,
        segment: 'EQ',
      };
      const ctx = { ...context(), instruments: new MemoryInstrumentMaster([...instruments, bogus]) };
      nextSecond();
      const error = await failure(adapter.placeOrder(ctx, { symbol: 'NSE:BOGUS', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'x' }));
      expect(error.code).toBe('BROKER_REJECTED');
      expect(error.message).toContain('Invalid symboltoken');
      expect(error.message).toContain('AB4006');
    }),
    behaviour('quotes', 'quotes several symbols across exchanges on the shared price path', async () => {
      nextSecond();
      const quotes = await adapter.quotes(context(), ['NSE:SBIN', 'BSE:SBIN', 'NFO:NIFTY27JAN26FUT', 'NSE:RELIANCE']);
      expect(quotes.map((q) => q.symbol)).toEqual(['NSE:SBIN', 'BSE:SBIN', 'NFO:NIFTY27JAN26FUT', 'NSE:RELIANCE']);
      for (const q of quotes) {
        expect(q.last).toBe(priceAt(q.symbol, clock.now()));
        expect(q.bid!).toBeLessThan(q.last);
        expect(q.ask!).toBeGreaterThan(q.last);
        expect(q.at).toBe(Math.floor(clock.now() / 1000) * 1000);
      }
      const unknown = await failure(adapter.quotes(context(), ['NSE:NOPE']));
      expect(unknown.code).toBe('BROKER_REJECTED');
    }),
    behaviour('quotes', 'accepts the quote path with and without the trailing slash', async () => {
      for (const path of ['/rest/secure/angelbroking/market/v1/quote/', '/rest/secure/angelbroking/market/v1/quote']) {
        nextSecond();
        const res = await fetch(sim.baseUrl + path, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${sim.session.jwtToken}`,
            'x-privatekey': sim.credentials.api_key,
            'x-usertype': 'USER',
            'x-sourceid': 'WEB',
            'x-clientlocalip': '10.0.0.2',
            'x-clientpublicip': 'null',
            'x-macaddress': '00:11:22:33:44:55',
          },
          body: JSON.stringify({ mode: 'LTP', exchangeTokens: { NSE: ['3045'] } }),
        });
        const body = (await res.json()) as { status: boolean; data: { fetched: unknown[] } };
        expect(body.status).toBe(true);
        expect(body.data.fetched).toHaveLength(1);
      }
    }),
    behaviour(['orders', 'errors'], 'answers orders from an unregistered IP with IP_NOT_ALLOWED and SEBI guidance; reads still work', async () => {
      sim.setCallerIp('198.51.100.7');
      try {
        nextSecond();
        const error = await failure(adapter.placeOrder(context(), { symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'ip' }));
        expect(error.code).toBe('IP_NOT_ALLOWED');
        expect(error.message).toMatch(/static IP/);
        expect(error.message).toMatch(/SEBI/);
        nextSecond();
        await expect(adapter.funds(context())).resolves.toMatchObject({ currency: 'INR' });
      } finally {
        sim.setCallerIp(sim.credentials.static_ip);
      }
    }),
    behaviour(['errors', 'rateLimits'], 'maps the 403 text answer of the rate limiter to RATE_LIMITED', async () => {
      nextSecond();
      const ctx = context();
      const far = Math.round(priceAt('NSE:HDFCBANK', clock.now()) * 0.5);
      const results = [];
      for (let i = 0; i < 10; i++) {
        results.push(
          await adapter.placeOrder(ctx, { symbol: 'NSE:HDFCBANK', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: far, clientOrderId: `rl-${i}` }).then(
            () => 'ok',
            (e: unknown) => (e as BrokerError).code,
          ),
        );
      }
      expect(results.slice(0, 9)).toEqual(Array(9).fill('ok'));
      expect(results[9]).toBe('RATE_LIMITED');
    }),
    behaviour(['signIn', 'errors'], 'reports an expired session (AG8001 after midnight IST) as TOKEN_EXPIRED', async () => {
      const local = new ManualClock(START);
      const expiring = await start({ clock: local });
      try {
        const ctx = { ...context({ ...expiring.credentials, ...expiring.session }, expiring.baseUrl), clock: local };
        expect(adapter.sessionExpiry(ctx)).toBe(MIDNIGHT_IST);
        await expect(adapter.funds(ctx)).resolves.toBeTruthy();
        local.set(MIDNIGHT_IST + 1_000);
        expect((await failure(adapter.funds(ctx))).code).toBe('TOKEN_EXPIRED');
        // After midnight the refresh token is dead too: login falls back to a full TOTP login.
        const session = await adapter.login!(ctx);
        expect(session.expiresAt).toBe(Date.UTC(2026, 0, 6, 18, 30, 0));
        local.advance(1_100);
        expiring.expireSessions();
        expect((await failure(adapter.funds({ ...ctx, credentials: { ...ctx.credentials, ...session.fields } }))).code).toBe('TOKEN_EXPIRED');
      } finally {
        await expiring.close();
      }
    }),
    behaviour('secrets', 'keeps a canary credential out of every result and error', async () => {
      const canary = 'CANARYQZ7XK2W4M5';
      const local = new ManualClock(START);
      const canarySim = await start({ clock: local, credentials: { api_key: `k${canary}`, mpin: '9876', totp_secret: `${canary}JBSWY3DPEHPK3PXP` } });
      const seen: unknown[] = [];
      const record = async (p: Promise<unknown>) => {
        try {
          seen.push(await p);
        } catch (e) {
          const err = e as Error;
          seen.push(err.message, err.stack, JSON.stringify(err), JSON.stringify({ ...err }));
        }
        local.advance(1_100);
      };
      try {
        const creds = { ...canarySim.credentials };
        const ctx = (c: Record<string, string>, baseUrl = canarySim.baseUrl) => ({ ...context(c, baseUrl), clock: local });
        const session = await adapter.login!(ctx(creds));
        seen.push(session);
        local.advance(1_100);
        const live = ctx({ ...creds, ...session.fields });
        await record(adapter.validate(live));
        await record(adapter.funds(live));
        await record(adapter.placeOrder(live, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'canary-run-1' }));
        await record(adapter.orders(live));
        await record(adapter.quotes(live, ['NSE:SBIN']));
        await record(adapter.login!(ctx({ ...creds, mpin: `${canary}` })));
        await record(adapter.login!(ctx({ ...creds, totp_secret: `${canary}-bad!` })));
        await record(adapter.funds(ctx({ ...creds, jwtToken: `${canary}.${canary}.${canary}` })));
        await record(adapter.funds(ctx({ ...creds, ...session.fields }, `http://127.0.0.1:${await closedPort()}`)));
        canarySim.setCallerIp('198.51.100.9');
        await record(adapter.placeOrder(live, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'c2' }));
        await record(adapter.getOrder(live, { clientOrderId: 'canary-run-1' }));
      } finally {
        await canarySim.close();
      }
      const text = JSON.stringify(seen);
      // Logins with the canary key and TOTP seed succeeded, so the canary really went over the wire.
      expect(text).toContain('"state":"FILLED"');
      expect(seen.length).toBeGreaterThan(10);
      expect(text).not.toContain(canary);
      expect(text).not.toContain(Buffer.from(canary).toString('base64').replace(/=+$/, ''));
      expect(text.toLowerCase()).not.toContain(Buffer.from(canary).toString('hex'));
    }),
    behaviour('history', 'candles from getCandleData agree with the quote, in every interval it declares', async () => {
      nextSecond();
      expect(adapter.historyIntervals).toEqual(['1m', '5m', '15m', '30m', '1h', '1d']);
      const now = clock.now();
      const bars = await adapter.history!(context(), 'NSE:SBIN', '5m', now - 2 * 3_600_000, now + 1);
      expect(bars.length).toBeGreaterThanOrEqual(24);
      expect(bars.every((b) => b.time % 300_000 === 0 && b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close) && b.volume > 0)).toBe(true);
      expect(bars[0]!.open).toBe(priceAt('NSE:SBIN', bars[0]!.time));
      const [quote] = await adapter.quotes(context(), ['NSE:SBIN']);
      expect(bars.at(-1)!.close).toBe(quote!.last);
      // Hourly candles open at a quarter past on the IST clock (09:15, 10:15 …).
      const hourly = await adapter.history!(context(), 'NSE:SBIN', '1h', now - 10 * 3_600_000, now + 1);
      expect(hourly.length).toBeGreaterThan(5);
      expect(hourly.every((b) => new Date(b.time + 330 * 60_000).getUTCMinutes() === 15)).toBe(true);
    }),
    behaviour('history', 'a range past the per-interval day cap goes in windows: 80 days of minutes in three calls, none twice', async () => {
      nextSecond();
      const now = clock.now();
      const minutes = await adapter.history!(context(), 'NSE:SBIN', '1m', now - 80 * 86_400_000, now + 1);
      expect(minutes.length).toBeGreaterThanOrEqual(80 * 1440);
      expect(new Set(minutes.map((m) => m.time)).size).toBe(minutes.length);
      nextSecond();
      const days = await adapter.history!(context(), 'NSE:SBIN', '1d', now - 30 * 86_400_000, now + 1);
      expect(days.length).toBeGreaterThanOrEqual(30);
      expect(days.every((d) => (d.time + 330 * 60_000) % 86_400_000 === 0)).toBe(true);
    }),
    behaviour('history', 'a symbol missing from the scrip master is refused in our words', async () => {
      const error = await failure(adapter.history!(context(), 'NSE:NOSUCH', '5m', clock.now() - 3_600_000, clock.now()));
      expect(error.code).toBe('BROKER_REJECTED');
      expect(error.message).toContain('not in the Angel One scrip master');
    }),
    ...angelOneStreamingCases,
    ...angelOneExitCases,
  ],
};
