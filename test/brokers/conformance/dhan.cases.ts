import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/dhan/adapter';
import { descriptor } from '../../../src/main/brokers/dhan/descriptor';
import { parseScripMaster } from '../../../src/main/brokers/dhan/instruments';
import { BrokerError, MemoryInstrumentMaster, type BrokerContext, type Instrument } from '../../../src/main/brokers/types';
import { ManualClock } from '../../../src/main/clock';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { priceAt } from '../../simulators/exchange';
import { start, type DhanSimulatorHandle } from '../../simulators/dhan';
import { brokerContext, closedPort, failure, answer, thrown } from '../support';
import { DHAN_ERRORS, throwDhanError } from '../../../src/main/brokers/dhan/errors';
import { dhanStreamingCases } from './dhan-streaming';
import { dhanExitCases } from './dhan-exits';
import { behaviour, type BrokerConformance } from './suite';

const START = Date.UTC(2026, 0, 5, 4, 0, 0);
const DAY = 86_400_000;
const clock = new ManualClock(START);
let sim: DhanSimulatorHandle;
let instruments: Instrument[] = [];

function context(credentials: Record<string, string> = sim.credentials, baseUrl = sim.baseUrl, at: ManualClock = clock): BrokerContext {
  return brokerContext({ baseUrl, environment: 'live', credentials, clock: at, instruments });
}

/** Quote calls allow 1/s: move the clock on between them. */
function nextSecond(): void {
  clock.advance(1_100);
}

export const conformance: BrokerConformance = {
  id: 'dhan',
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
  unreachable: async () => adapter.funds(context(undefined, `http://127.0.0.1:${await closedPort()}/v2`)),
  errorTables: [
    {
      name: 'DHAN_ERRORS',
      table: DHAN_ERRORS,
      // A pattern's scope is the Dhan code it applies to.
      map: ({ code, text, scope }) =>
        thrown(() => throwDhanError(answer(400, { errorType: 'Input_Exception', errorCode: code ?? scope, errorMessage: text ?? 'refused' }))),
    },
  ],
  cases: [
    behaviour('descriptor', 'passes the schema with live and sandbox hosts and accepts the simulator credentials', () => {
      expect(BrokerDescriptorSchema.parse(descriptor).id).toBe('dhan');
      expect(descriptor.environments.map((e) => [e.id, e.baseUrl])).toEqual([
        ['live', 'https://api.dhan.co/v2'],
        ['sandbox', 'https://sandbox.dhan.co/v2'],
      ]);
      expect(descriptor.fields.find((f) => f.name === 'accessToken')?.secret).toBe(true);
      for (const field of descriptor.fields) expect(new RegExp(field.pattern!).test(sim.credentials[field.name]!), field.name).toBe(true);
      expect(descriptor.staticIp).toMatch(/SEBI/);
    }),
    behaviour('instruments', 'downloads and parses the compact CSV into common symbols and segments', () => {
      expect(instruments.find((i) => i.symbol === 'NSE:SBIN')).toMatchObject({ token: '3045', segment: 'NSE_EQ', tickSize: 0.05, lotSize: 1 });
      expect(instruments.find((i) => i.symbol === 'BSE:SBIN')).toMatchObject({ token: '500112', segment: 'BSE_EQ' });
      expect(instruments.find((i) => i.symbol === 'NFO:NIFTY-JAN2026-FUT')).toMatchObject({ token: '35001', segment: 'NSE_FNO', lotSize: 75, tickSize: 0.1 });
      expect(instruments.find((i) => i.symbol === 'NSE:ICICIBANK')?.name).toBe('ICICI BANK, LTD.');
      expect(instruments.find((i) => i.symbol === 'NSE:NIFTY')?.segment).toBe('IDX_I');
    }),
    behaviour('instruments', 'prefers the EQ series when a symbol repeats', () => {
      const csv = 'SEM_EXM_EXCH_ID,SEM_SEGMENT,SEM_SMST_SECURITY_ID,SEM_TRADING_SYMBOL,SEM_SERIES\nNSE,E,1,ABC,BE\nNSE,E,2,ABC,EQ\nNSE,E,3,ABC,BL\n';
      expect(parseScripMaster(csv).map((i) => i.token)).toEqual(['2']);
    }),
    behaviour('validate', 'validates the token and reads funds (availabelBalance)', async () => {
      const summary = await adapter.validate(context());
      expect(summary).toEqual({ accountMasked: '••••0003', accountType: 'Individual', buyingPower: sim.exchange.cash, currency: 'INR' });
      const funds = await adapter.funds(context());
      expect(funds).toMatchObject({ available: sim.exchange.cash, currency: 'INR' });
    }),
    behaviour('signIn', 'reports the token expiry from the JWT exp', () => {
      expect(adapter.sessionExpiry(context())).toBe(START + DAY);
    }),
    behaviour('orders', 'places, finds (by id and correlation id), lists and cancels a limit order', async () => {
      const ctx = context();
      const clientOrderId = '2b7e1c4d-9f3a-4e8b-a1c2-3d4e5f607182';
      const far = Math.round(priceAt('NSE:INFY', clock.now()) * 0.5);
      const ack = await adapter.placeOrder(ctx, { symbol: 'NSE:INFY', side: 'BUY', quantity: 2, type: 'LIMIT', limitPrice: far, clientOrderId });
      expect(ack.state).toBe('PENDING');
      const byId = await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId });
      expect(byId).toMatchObject({ symbol: 'NSE:INFY', side: 'BUY', quantity: 2, limitPrice: far, type: 'LIMIT', state: 'OPEN', updatedAt: START });
      const byClient = await adapter.getOrder(ctx, { clientOrderId });
      expect(byClient).toMatchObject({ brokerOrderId: ack.brokerOrderId, clientOrderId });
      expect(await adapter.getOrder(ctx, { clientOrderId: 'unknown-tag' })).toBeNull();
      expect(await adapter.getOrder(ctx, { brokerOrderId: '999999999' })).toBeNull();
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      const book = await adapter.orders(ctx);
      expect(book.find((o) => o.brokerOrderId === ack.brokerOrderId)?.state).toBe('CANCELLED');
      const again = await failure(adapter.cancelOrder(ctx, ack.brokerOrderId));
      expect(again.code).toBe('BROKER_REJECTED');
      expect(again.message).toContain('already CANCELLED');
    }),
    behaviour('modify', 'modifies quantity, price, trigger and type in place; the 26th modification is refused in Dhan’s words', async () => {
      const ctx = context();
      const far = Math.round(priceAt('NSE:INFY', clock.now()) * 0.5);
      const placed = { symbol: 'NSE:INFY', side: 'BUY' as const, quantity: 2, type: 'LIMIT' as const, limitPrice: far, clientOrderId: '5c1d2e3f-modify-0001' };
      const ack = await adapter.placeOrder(ctx, placed);
      expect(
        await adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 4, limitPrice: far - 1 }, { ...placed, quantity: 4, limitPrice: far - 1 }),
      ).toBeUndefined();
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', quantity: 4, limitPrice: far - 1 });
      const stop = far * 4;
      const stopLimit = { ...placed, quantity: 4, type: 'STOP_LIMIT' as const, stopPrice: stop, limitPrice: stop + 1 };
      await adapter.modifyOrder!(ctx, ack.brokerOrderId, { type: 'STOP_LIMIT', stopPrice: stop, limitPrice: stop + 1 }, stopLimit);
      expect(sim.exchange.get(ack.brokerOrderId)).toMatchObject({ type: 'STOP_LIMIT', stopPrice: stop, limitPrice: stop + 1 });
      for (let n = 3; n <= 25; n += 1) {
        clock.advance(200);
        await adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: n }, { ...stopLimit, quantity: n });
      }
      clock.advance(200);
      const capped = await failure(adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 30 }, { ...stopLimit, quantity: 30 }));
      expect(capped).toMatchObject({ code: 'BROKER_REJECTED', message: expect.stringContaining('modification limit of 25') });
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      const closed = await failure(adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 3 }, { ...stopLimit, quantity: 3 }));
      expect(closed).toMatchObject({ code: 'BROKER_REJECTED', message: expect.stringContaining('already CANCELLED and cannot be modified') });
    }),
    behaviour(['orders', 'positions'], 'fills a market order on the price path and shows the position', async () => {
      const ctx = context();
      const ack = await adapter.placeOrder(ctx, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 4, type: 'MARKET', clientOrderId: 'mkt-1' });
      const expected = priceAt('NSE:SBIN', clock.now());
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'FILLED', filledQuantity: 4, averagePrice: expected });
      const positions = await adapter.positions(ctx);
      expect(positions.find((p) => p.symbol === 'NSE:SBIN')).toMatchObject({ quantity: 4, averagePrice: expected, realizedPnl: 0 });
    }),
    behaviour('books', 'lists today’s fills from /v2/trades; after settlement the delivery buy is a holding from /v2/holdings', async () => {
      const ctx = context();
      const filled = sim.exchange.list().find((o) => o.clientOrderId === 'mkt-1')!;
      const book = await adapter.trades!(ctx);
      expect(book.find((t) => t.brokerOrderId === filled.id)).toEqual({
        tradeId: expect.stringMatching(/^\d+$/),
        brokerOrderId: filled.id,
        symbol: 'NSE:SBIN',
        side: 'BUY',
        quantity: 4,
        price: filled.averagePrice,
        executedAt: Math.floor(filled.updatedAt / 1000) * 1000,
      });
      expect(await adapter.holdings!(ctx)).toEqual([]);
      sim.exchange.rollDay();
      expect(await adapter.trades!(ctx)).toEqual([]);
      expect(await adapter.holdings!(ctx)).toEqual([{ symbol: 'NSE:SBIN', quantity: 4, averagePrice: filled.averagePrice, lastPrice: null, pnl: null }]);
    }),
    behaviour('orders', 'shows an order rejected for funds with its reason', async () => {
      const ack = await adapter.placeOrder(context(), {
        symbol: 'NSE:TCS',
        side: 'BUY',
        quantity: 100_000,
        type: 'LIMIT',
        limitPrice: 4000,
        clientOrderId: 'big',
      });
      expect(await adapter.getOrder(context(), { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'REJECTED', message: 'Insufficient funds' });
    }),
    behaviour(['orders', 'errors'], "passes an input rejection on as BROKER_REJECTED with Dhan's message", async () => {
      const bogus: Instrument = {
        symbol: 'NSE:BOGUS',
        exchange: 'NSE',
        brokerSymbol: 'BOGUS',
        token: '424242',
        name: 'BOGUS',
        lotSize: 1,
        tickSize: 0.05,
        segment: 'NSE_EQ',
      };
      const ctx = { ...context(), instruments: new MemoryInstrumentMaster([...instruments, bogus]) };
      const error = await failure(adapter.placeOrder(ctx, { symbol: 'NSE:BOGUS', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'b' }));
      expect(error.code).toBe('BROKER_REJECTED');
      expect(error.message).toContain('Invalid Security ID');
      expect(error.message).toContain('DH-906');
    }),
    behaviour('quotes', 'quotes several symbols across segments in one batched call', async () => {
      nextSecond();
      const quotes = await adapter.quotes(context(), ['NSE:SBIN', 'BSE:SBIN', 'NFO:NIFTY-JAN2026-FUT', 'NSE:NIFTY']);
      expect(quotes.map((q) => q.symbol)).toEqual(['NSE:SBIN', 'BSE:SBIN', 'NFO:NIFTY-JAN2026-FUT', 'NSE:NIFTY']);
      for (const q of quotes) {
        expect(q.last).toBe(priceAt(q.symbol, clock.now()));
        expect(q.bid!).toBeLessThan(q.last);
        expect(q.ask!).toBeGreaterThan(q.last);
        expect(q.at).toBe(Math.floor(clock.now() / 1000) * 1000);
      }
    }),
    behaviour('signIn', 'renews a still-valid token for 24 hours from now; the old one stops working', async () => {
      const local = new ManualClock(START);
      const own = await start({ clock: local });
      try {
        local.advance(20 * 3_600_000);
        const ctx = context(own.credentials, own.baseUrl, local);
        const session = await adapter.login!(ctx);
        expect(session.expiresAt).toBe(local.now() + DAY);
        expect(session.fields.accessToken).not.toBe(own.credentials.accessToken);
        const renewed = context({ ...own.credentials, ...session.fields }, own.baseUrl, local);
        expect(adapter.sessionExpiry(renewed)).toBe(local.now() + DAY);
        await expect(adapter.funds(renewed)).resolves.toMatchObject({ currency: 'INR' });
        expect((await failure(adapter.funds(ctx))).code).toBe('TOKEN_EXPIRED');
      } finally {
        await own.close();
      }
    }),
    behaviour(['signIn', 'errors'], 'refuses to renew an expired token and reports DH-901 as TOKEN_EXPIRED', async () => {
      const local = new ManualClock(START);
      const own = await start({ clock: local });
      try {
        const ctx = context(own.credentials, own.baseUrl, local);
        local.advance(DAY + 1);
        const renew = await failure(adapter.login!(ctx));
        expect(renew.code).toBe('TOKEN_EXPIRED');
        expect(renew.message).toMatch(/web\.dhan\.co/);
        expect((await failure(adapter.funds(ctx))).code).toBe('TOKEN_EXPIRED');
        local.set(START);
        own.expireSessions();
        expect((await failure(adapter.validate(ctx))).code).toBe('TOKEN_EXPIRED');
      } finally {
        await own.close();
      }
    }),
    behaviour(['orders', 'errors'], 'answers orders from a non-whitelisted IP with IP_NOT_ALLOWED and SEBI guidance; reads still work', async () => {
      sim.setCallerIp('198.51.100.7');
      try {
        const error = await failure(adapter.placeOrder(context(), { symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'ip' }));
        expect(error.code).toBe('IP_NOT_ALLOWED');
        expect(error.message).toMatch(/static IP/);
        expect(error.message).toMatch(/SEBI/);
        await expect(adapter.positions(context())).resolves.toBeInstanceOf(Array);
      } finally {
        sim.setCallerIp(sim.staticIp);
      }
    }),
    behaviour(['orders', 'rateLimits'], 'maps DH-904 to RATE_LIMITED past 10 orders a second', async () => {
      nextSecond();
      const far = Math.round(priceAt('NSE:HDFCBANK', clock.now()) * 0.5);
      const results: string[] = [];
      for (let i = 0; i < 11; i++) {
        results.push(
          await adapter
            .placeOrder(context(), { symbol: 'NSE:HDFCBANK', side: 'BUY', quantity: 1, type: 'LIMIT', limitPrice: far, clientOrderId: `rl-${i}` })
            .then(
              () => 'ok',
              (e: unknown) => (e as BrokerError).code,
            ),
        );
      }
      expect(results.slice(0, 10)).toEqual(Array(10).fill('ok'));
      expect(results[10]).toBe('RATE_LIMITED');
    }),
    behaviour(['quotes', 'rateLimits'], 'maps the 1/s quote limit to RATE_LIMITED', async () => {
      nextSecond();
      await adapter.quotes(context(), ['NSE:TCS']);
      expect((await failure(adapter.quotes(context(), ['NSE:TCS']))).code).toBe('RATE_LIMITED');
    }),
    behaviour('secrets', 'keeps a canary token out of every result and error', async () => {
      const canary = 'CANARYd7f3k9q2w8z5';
      const local = new ManualClock(START);
      const own = await start({ clock: local });
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
        const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const token = `${part({ typ: 'JWT' })}.${part({ exp: Math.floor((START + DAY) / 1000) })}.${canary}`;
        own.registerToken(token, START + DAY);
        const ctx = (creds: Record<string, string>, baseUrl = own.baseUrl) => context(creds, baseUrl, local);
        const good = ctx({ ...own.credentials, accessToken: token });
        await record(adapter.validate(good));
        await record(adapter.funds(good));
        await record(adapter.placeOrder(good, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'canary-run' }));
        await record(adapter.orders(good));
        await record(adapter.quotes(good, ['NSE:SBIN']));
        await record(adapter.funds(ctx({ ...own.credentials, accessToken: `${token}x` })));
        await record(adapter.funds(ctx({ ...own.credentials, accessToken: token }, `http://127.0.0.1:${await closedPort()}/v2`)));
        own.setCallerIp('198.51.100.9');
        await record(adapter.placeOrder(good, { symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'c2' }));
        await record(adapter.login!(good));
        local.advance(DAY);
        await record(adapter.login!(good));
      } finally {
        await own.close();
      }
      const text = JSON.stringify(seen);
      expect(text).toContain('"state":"FILLED"');
      expect(seen.length).toBeGreaterThan(10);
      expect(text).not.toContain(canary);
      expect(text).not.toContain(Buffer.from(canary).toString('base64').replace(/=+$/, ''));
      expect(text.toLowerCase()).not.toContain(Buffer.from(canary).toString('hex'));
    }),
    behaviour('history', 'candles from /charts/intraday and /charts/historical agree with the quote, in every interval it declares', async () => {
      expect(adapter.historyIntervals).toEqual(['1m', '5m', '15m', '1h', '1d']);
      const ctx = context();
      const now = clock.now();
      const bars = await adapter.history!(ctx, 'NSE:SBIN', '5m', now - 2 * 3_600_000, now + 1);
      expect(bars.length).toBeGreaterThanOrEqual(24);
      expect(bars.every((b) => b.time % 300_000 === 0 && b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close) && b.volume > 0)).toBe(true);
      expect(bars[0]!.open).toBe(priceAt('NSE:SBIN', bars[0]!.time));
      nextSecond();
      const [quote] = await adapter.quotes(ctx, ['NSE:SBIN']);
      const again = await adapter.history!(ctx, 'NSE:SBIN', '1m', clock.now() - 10 * 60_000, clock.now() + 1);
      expect(again.at(-1)!.close).toBe(quote!.last);
      // Hourly candles open at a quarter past on the IST clock (09:15, 10:15 …).
      const hourly = await adapter.history!(ctx, 'NSE:SBIN', '1h', now - 10 * 3_600_000, now + 1);
      expect(hourly.length).toBeGreaterThan(5);
      expect(hourly.every((b) => new Date(b.time + 330 * 60_000).getUTCMinutes() === 15)).toBe(true);
    }),
    behaviour('history', 'a long intraday range is fetched in 90-day windows; day candles open at IST midnight', async () => {
      const ctx = context();
      const now = clock.now();
      const hours = await adapter.history!(ctx, 'NSE:NIFTY', '1h', now - 200 * DAY, now + 1);
      expect(hours.length).toBeGreaterThanOrEqual(200 * 24 - 1);
      expect(new Set(hours.map((h) => h.time)).size).toBe(hours.length);
      const days = await adapter.history!(ctx, 'NSE:SBIN', '1d', now - 30 * DAY, now + 1);
      expect(days.length).toBeGreaterThanOrEqual(30);
      expect(days.every((d) => (d.time + 330 * 60_000) % DAY === 0)).toBe(true);
      expect(days.at(-1)!.time).toBeLessThanOrEqual(now);
    }),
    behaviour('history', 'a derivative or a symbol missing from the scrip master is refused in our words', async () => {
      const ctx = context();
      const missing = await failure(adapter.history!(ctx, 'NSE:NOSUCH', '5m', clock.now() - 3_600_000, clock.now()));
      expect(missing.code).toBe('BROKER_REJECTED');
      expect(missing.message).toContain('not in the Dhan scrip master');
      const future = await failure(adapter.history!(ctx, 'NFO:NIFTY-JAN2026-FUT', '5m', clock.now() - 3_600_000, clock.now()));
      expect(future.code).toBe('NOT_SUPPORTED');
      expect(future.message).toContain('equities and indices only');
    }),
    ...dhanStreamingCases,
    ...dhanExitCases,
  ],
};
