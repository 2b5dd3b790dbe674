import { expect } from 'vitest';
import { adapter } from '../../../src/main/brokers/tradier/adapter';
import { descriptor } from '../../../src/main/brokers/tradier/descriptor';
import type { BrokerContext } from '../../../src/main/brokers/types';
import { ManualClock } from '../../../src/main/clock';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { priceAt } from '../../simulators/exchange';
import { start, type TradierSimulatorHandle } from '../../simulators/tradier';
import { brokerContext, canaryForms, closedPort, failure, answer } from '../support';
import { TRADIER_ERRORS, tradierError } from '../../../src/main/brokers/tradier/errors';
import { behaviour, type BrokerConformance } from './suite';
import { tradierStreamingCases } from './tradier-streaming';
import { tradierExitCases } from './tradier-exits';

const clock = new ManualClock();
let sim: TradierSimulatorHandle;

function context(credentials: Record<string, string> = sim.credentials, baseUrl = sim.baseUrl): BrokerContext {
  return brokerContext({ baseUrl, environment: 'sandbox', credentials, clock });
}

export const conformance: BrokerConformance = {
  id: 'tradier',
  adapter: adapter,
  hooks: {
    beforeAll: async () => {
      sim = (await start({ clock })) as TradierSimulatorHandle;
    },
    afterAll: async () => {
      await sim.close();
    },
  },
  unreachable: async () => adapter.validate(context(sim.credentials, `http://127.0.0.1:${await closedPort()}/v1`)),
  errorTables: [
    {
      name: 'TRADIER_ERRORS (HTTP 401)',
      table: TRADIER_ERRORS,
      map: ({ text }) => tradierError(answer(401, { fault: { faultstring: text ?? 'Invalid Access Token' } })),
    },
  ],
  cases: [
    behaviour('descriptor', 'passes the schema and names the real hosts', () => {
      expect(BrokerDescriptorSchema.parse(descriptor).id).toBe('tradier');
      expect(descriptor.environments.map((e) => e.baseUrl)).toEqual(['https://api.tradier.com/v1', 'https://sandbox.tradier.com/v1']);
      expect(descriptor.fields.find((f) => f.name === 'access_token')?.secret).toBe(true);
      expect(new RegExp(descriptor.fields[0]!.pattern!).test(sim.credentials.access_token!)).toBe(true);
      expect(adapter.sessionExpiry(context())).toBeNull();
    }),
    behaviour('validate', 'validates the token and reports the account', async () => {
      const summary = await adapter.validate(context());
      expect(summary).toEqual({ accountMasked: '••••2345', accountType: 'individual margin', buyingPower: 100_000, currency: 'USD' });
    }),
    behaviour('validate', 'discovers the account from the profile when none is entered', async () => {
      const ctx = context({ access_token: sim.credentials.access_token! });
      const funds = await adapter.funds(ctx);
      expect(funds.available).toBeGreaterThan(0);
      expect(ctx.memo.get('tradier.accountId')).toBe('VA00012345');
    }),
    behaviour(['signIn', 'validate'], 'rejects an account number the token does not own', async () => {
      const error = await failure(adapter.validate(context({ ...sim.credentials, account_id: 'VA99999999' })));
      expect(error.code).toBe('INVALID_CREDENTIALS');
    }),
    behaviour('quotes', 'quotes several symbols on the shared price path and drops unknown ones', async () => {
      const quotes = await adapter.quotes(context(), ['US:AAPL', 'US:MSFT', 'US:SPY', 'US:ZZZZ']);
      expect(quotes.map((q) => q.symbol)).toEqual(['US:AAPL', 'US:MSFT', 'US:SPY']);
      for (const q of quotes) {
        expect(q.last).toBe(priceAt(q.symbol.slice(3), clock.now()));
        expect(q.bid!).toBeLessThan(q.ask!);
        expect(q.at).toBe(clock.now());
      }
      const single = await adapter.quotes(context(), ['US:TSLA']);
      expect(single).toHaveLength(1);
      await expect(adapter.quotes(context(), ['NSE:INFY'])).rejects.toMatchObject({ code: 'BROKER_REJECTED' });
    }),
    behaviour(['orders', 'positions'], 'places a market order, finds it by id and by tag, and shows the position', async () => {
      const ctx = context();
      const before = await adapter.funds(ctx);
      const ack = await adapter.placeOrder(ctx, { symbol: 'US:AAPL', side: 'BUY', quantity: 10, type: 'MARKET', clientOrderId: 'ticket_0001' });
      expect(ack.state).toBe('PENDING');
      const fill = priceAt('AAPL', clock.now());

      const byId = await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId });
      expect(byId).toMatchObject({ state: 'FILLED', filledQuantity: 10, averagePrice: fill, symbol: 'US:AAPL', side: 'BUY', clientOrderId: 'ticket-0001' });
      const byClient = await adapter.getOrder(ctx, { clientOrderId: 'ticket_0001' });
      expect(byClient?.brokerOrderId).toBe(ack.brokerOrderId);
      expect(await adapter.getOrder(ctx, { clientOrderId: 'never-sent' })).toBeNull();
      expect(await adapter.getOrder(ctx, { brokerOrderId: '999999' })).toBeNull();

      const after = await adapter.funds(ctx);
      expect(after.available).toBeCloseTo(before.available - fill * 10, 2);

      clock.advance(150_000); // a quarter of the price cycle later
      const [position] = await adapter.positions(ctx);
      const mark = priceAt('AAPL', clock.now());
      expect(position).toMatchObject({ symbol: 'US:AAPL', quantity: 10, lastPrice: mark });
      expect(position!.averagePrice).toBeCloseTo(fill, 2);
      expect(position!.unrealizedPnl!).toBeCloseTo((mark - fill) * 10, 1);
    }),
    behaviour('books', 'derives today’s trade book from the filled orders (Tradier lists no fills); offers no holdings', async () => {
      expect(adapter.holdings).toBeUndefined();
      const filled = (await adapter.getOrder(context(), { clientOrderId: 'ticket_0001' }))!;
      const book = await adapter.trades!(context());
      expect(book.find((t) => t.brokerOrderId === filled.brokerOrderId)).toEqual({
        tradeId: `${filled.brokerOrderId}-fills`,
        brokerOrderId: filled.brokerOrderId,
        symbol: 'US:AAPL',
        side: 'BUY',
        quantity: 10,
        price: filled.averagePrice,
        executedAt: filled.updatedAt,
      });
      expect(book.every((t) => t.quantity > 0)).toBe(true);
      const tomorrow = brokerContext({
        baseUrl: sim.baseUrl,
        environment: 'sandbox',
        credentials: sim.credentials,
        clock: new ManualClock(clock.now() + 86_400_000),
      });
      expect(await adapter.trades!(tomorrow)).toEqual([]);
    }),
    behaviour('orders', 'cancels a working limit order and refuses to cancel it twice', async () => {
      const ctx = context();
      const low = Math.floor(priceAt('MSFT', clock.now()) * 0.5);
      const ack = await adapter.placeOrder(ctx, {
        symbol: 'US:MSFT',
        side: 'BUY',
        quantity: 1,
        type: 'LIMIT',
        limitPrice: low,
        timeInForce: 'GTC',
        clientOrderId: 'ticket-0002',
      });
      expect((await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId }))?.state).toBe('OPEN');
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      expect((await adapter.getOrder(ctx, { clientOrderId: 'ticket-0002' }))?.state).toBe('CANCELLED');
      const again = await failure(adapter.cancelOrder(ctx, ack.brokerOrderId));
      expect(again.code).toBe('BROKER_REJECTED');
      expect(again.message).toContain('order already in finalized state');

      const book = await adapter.orders(ctx);
      expect(book.map((o) => o.clientOrderId)).toEqual(expect.arrayContaining(['ticket-0001', 'ticket-0002']));
      expect(book.find((o) => o.clientOrderId === 'ticket-0002')).toMatchObject({ type: 'LIMIT', limitPrice: low });
    }),
    behaviour(['modify', 'errors'], 'modifies price, stop and type in place; refuses a quantity change and a finalized order', async () => {
      const ctx = context();
      const low = Math.floor(priceAt('MSFT', clock.now()) * 0.5);
      const placed = { symbol: 'US:MSFT', side: 'BUY' as const, quantity: 1, type: 'LIMIT' as const, limitPrice: low, clientOrderId: 'ticket-mod-1' };
      const ack = await adapter.placeOrder(ctx, placed);
      expect(await adapter.modifyOrder!(ctx, ack.brokerOrderId, { limitPrice: low - 1 }, { ...placed, limitPrice: low - 1 })).toBeUndefined();
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', limitPrice: low - 1 });
      const stop = low * 4;
      await adapter.modifyOrder!(
        ctx,
        ack.brokerOrderId,
        { type: 'STOP_LIMIT', stopPrice: stop, limitPrice: stop + 1 },
        { ...placed, type: 'STOP_LIMIT', stopPrice: stop, limitPrice: stop + 1 },
      );
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', type: 'STOP_LIMIT', limitPrice: stop + 1 });
      const quantity = await failure(adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 2 }, { ...placed, quantity: 2 }));
      expect(quantity).toMatchObject({ code: 'NOT_SUPPORTED', message: expect.stringMatching(/cannot change the quantity/) });
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      const closed = await failure(adapter.modifyOrder!(ctx, ack.brokerOrderId, { limitPrice: low }, placed));
      expect(closed).toMatchObject({ code: 'BROKER_REJECTED', message: expect.stringContaining('order already in finalized state') });
    }),
    behaviour('orders', 'shows a risk rejection on the order, not on placement', async () => {
      const ctx = context();
      const ack = await adapter.placeOrder(ctx, { symbol: 'US:SPY', side: 'BUY', quantity: 100_000, type: 'MARKET', clientOrderId: 'too-big' });
      const order = await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId });
      expect(order).toMatchObject({ state: 'REJECTED' });
      expect(order?.message).toContain('InitialMargin');
    }),
    behaviour(['orders', 'errors'], 'maps a validation failure to BROKER_REJECTED with Tradier’s message', async () => {
      const error = await failure(adapter.placeOrder(context(), { symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'LIMIT', clientOrderId: 'no-price' }));
      expect(error.code).toBe('BROKER_REJECTED');
      expect(error.httpStatus).toBe(400);
      expect(error.message).toContain('LimitPriceUndefined');
      const ioc = await failure(
        adapter.placeOrder(context(), { symbol: 'US:AAPL', side: 'BUY', quantity: 1, type: 'MARKET', timeInForce: 'IOC', clientOrderId: 'ioc' }),
      );
      expect(ioc.code).toBe('NOT_SUPPORTED');
    }),
    behaviour(['signIn', 'errors'], 'maps an unknown token to INVALID_CREDENTIALS', async () => {
      const error = await failure(adapter.validate(context({ access_token: 'WrongToken000000000000', account_id: 'VA00012345' })));
      expect(error.code).toBe('INVALID_CREDENTIALS');
      expect(error.httpStatus).toBe(401);
    }),
    behaviour(['signIn', 'errors'], 'maps an expired token to TOKEN_EXPIRED', async () => {
      const local = (await start({ clock })) as TradierSimulatorHandle;
      try {
        const ctx = context(local.credentials, local.baseUrl);
        await adapter.funds(ctx);
        local.expireSessions();
        expect((await failure(adapter.funds(ctx))).code).toBe('TOKEN_EXPIRED');
      } finally {
        await local.close();
      }
    }),
    behaviour(['errors', 'rateLimits'], 'maps the per-minute quota to RATE_LIMITED until the window resets', async () => {
      const local = (await start({ clock })) as TradierSimulatorHandle;
      try {
        local.setRateLimit('market', 2);
        const ctx = context(local.credentials, local.baseUrl);
        await adapter.quotes(ctx, ['US:AAPL']);
        await adapter.quotes(ctx, ['US:AAPL']);
        const error = await failure(adapter.quotes(ctx, ['US:AAPL']));
        expect(error.code).toBe('RATE_LIMITED');
        await adapter.funds(ctx); // other buckets are unaffected
        clock.advance(60_000);
        expect(await adapter.quotes(ctx, ['US:AAPL'])).toHaveLength(1);
      } finally {
        await local.close();
      }
    }),
    behaviour('specific', 'simulator answers XML unless JSON is asked for', async () => {
      const response = await fetch(`${sim.baseUrl}/user/profile`, { headers: { authorization: `Bearer ${sim.credentials.access_token}` } });
      expect(response.headers.get('content-type')).toContain('xml');
      expect(await response.text()).toContain('<account_number>VA00012345</account_number>');
    }),
    behaviour('secrets', 'keeps a canary token out of every result and error', async () => {
      const canary = 'CanaryTradier7f3a9c1e';
      const forms = canaryForms(canary);
      sim.addAccessToken(canary);
      const good = context({ access_token: canary, account_id: 'VA00012345' });
      const bad = context({ access_token: `${canary}x`, account_id: 'VA00012345' });
      const outputs: unknown[] = [];
      const attempt = async (p: Promise<unknown>) => {
        try {
          outputs.push(await p);
        } catch (error) {
          const e = error as Error;
          outputs.push(e.message, e.stack, JSON.stringify(e), String(e));
        }
      };
      await attempt(adapter.validate(good));
      await attempt(adapter.funds(good));
      await attempt(adapter.quotes(good, ['US:AAPL', 'US:QQQ']));
      await attempt(adapter.placeOrder(good, { symbol: 'US:QQQ', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'canary-1' }));
      await attempt(adapter.orders(good));
      await attempt(adapter.positions(good));
      await attempt(adapter.placeOrder(good, { symbol: 'US:QQQ', side: 'BUY', quantity: 1, type: 'LIMIT', clientOrderId: 'canary-2' }));
      await attempt(adapter.validate(bad));
      await attempt(adapter.funds(context({ access_token: canary }, `http://127.0.0.1:${await closedPort()}/v1`)));
      expect(outputs.filter((o) => typeof o === 'string' && o.includes('Tradier')).length).toBeGreaterThan(0);
      const text = JSON.stringify(outputs);
      for (const form of forms) expect(text).not.toContain(form);
    }),
    behaviour('specific', 'looks tickers up live: stocks and ETFs as US:<ticker> with name and exchange', async () => {
      const ctx = context();
      const found = await adapter.searchSymbols!(ctx, 'A', 20);
      expect(found.map((i) => i.symbol)).toEqual(['US:AAPL', 'US:AMZN']);
      expect(found[0]).toEqual({
        symbol: 'US:AAPL',
        exchange: 'NASDAQ',
        brokerSymbol: 'AAPL',
        token: '',
        name: 'Apple Inc',
        lotSize: 1,
        tickSize: 0.01,
        segment: 'stock',
      });
      // The S&P 500 index is found by the lookup but is not tradable: only SPY comes back.
      expect((await adapter.searchSymbols!(ctx, 'SP', 20)).map((i) => [i.symbol, i.exchange, i.segment])).toEqual([['US:SPY', 'ARCA', 'etf']]);
      expect((await adapter.searchSymbols!(ctx, 'us:msft', 20)).map((i) => i.symbol)).toEqual(['US:MSFT']);
      expect((await adapter.searchSymbols!(ctx, 'A', 1)).map((i) => i.symbol)).toEqual(['US:AAPL']);
      expect(await adapter.searchSymbols!(ctx, 'ZZZZ', 20)).toEqual([]);
      const [found1] = await adapter.searchSymbols!(ctx, 'QQQ', 20);
      expect((await adapter.quotes(ctx, [found1!.symbol])).map((q) => q.symbol)).toEqual(['US:QQQ']);
    }),
    behaviour('specific', 'falls back to the company-name search when no ticker starts with the text', async () => {
      const found = await adapter.searchSymbols!(context(), 'apple', 20);
      expect(found.map((i) => [i.symbol, i.name])).toEqual([['US:AAPL', 'Apple Inc']]);
    }),
    behaviour('specific', 'simulator answers lookups with collapsed securities, null without a match', async () => {
      const get = async (path: string) =>
        (await fetch(`${sim.baseUrl}${path}`, { headers: { accept: 'application/json', authorization: `Bearer ${sim.credentials.access_token}` } })).json();
      expect(await get('/markets/lookup?q=MSFT')).toEqual({
        securities: { security: { symbol: 'MSFT', exchange: 'Q', type: 'stock', description: 'Microsoft Corp' } },
      });
      expect(await get('/markets/lookup?q=A&exchanges=Q&types=stock')).toMatchObject({ securities: { security: [{ symbol: 'AAPL' }, { symbol: 'AMZN' }] } });
      expect(await get('/markets/lookup?q=NOPE')).toEqual({ securities: null });
      expect(await get('/markets/search?q=s%26p&indexes=false')).toMatchObject({ securities: { security: { symbol: 'SPY' } } });
    }),
    behaviour(['specific', 'rateLimits'], 'counts against the market-data quota', async () => {
      const local = (await start({ clock })) as TradierSimulatorHandle;
      try {
        local.setRateLimit('market', 1);
        const ctx = context(local.credentials, local.baseUrl);
        expect(await adapter.searchSymbols!(ctx, 'AAPL', 20)).toHaveLength(1);
        expect((await failure(adapter.searchSymbols!(ctx, 'AAPL', 20))).code).toBe('RATE_LIMITED');
      } finally {
        await local.close();
      }
    }),
    behaviour('history', 'bars from /markets/timesales (1, 5, 15 min) and /markets/history (days at New York midnight) agree with the quote', async () => {
      expect(adapter.historyIntervals).toEqual(['1m', '5m', '15m', '1d']);
      const now = clock.now();
      for (const [interval, length] of [
        ['1m', 60_000],
        ['15m', 900_000],
      ] as const) {
        const bars = await adapter.history!(context(), 'US:AAPL', interval, now - 20 * length, now + 1);
        expect(bars.length, interval).toBeGreaterThanOrEqual(20);
        expect(bars.every((b) => b.time % length === 0 && b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close))).toBe(true);
        expect(bars[0]!.open).toBe(priceAt('AAPL', bars[0]!.time));
        expect(bars.at(-1)!.close).toBe(priceAt('AAPL', now));
      }
      const [quote] = await adapter.quotes(context(), ['US:AAPL']);
      expect((await adapter.history!(context(), 'US:AAPL', '1m', now - 120_000, now + 1)).at(-1)!.close).toBe(quote!.last);
      const days = await adapter.history!(context(), 'US:MSFT', '1d', now - 10 * 86_400_000, now + 1);
      expect(days.length).toBeGreaterThanOrEqual(10);
      const midnight = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      expect(days.every((d) => midnight.format(new Date(d.time)) === '00:00')).toBe(true);
      expect(days.at(-1)!.close).toBe(priceAt('MSFT', now));
    }),
    behaviour('history', 'intervals Tradier lacks (30m, 1h) are refused in our words', async () => {
      const error = await failure(adapter.history!(context(), 'US:AAPL', '1h', clock.now() - 3_600_000, clock.now()));
      expect(error.code).toBe('NOT_SUPPORTED');
      expect(error.message).toContain('1m, 5m, 15m and 1d');
    }),
    ...tradierStreamingCases,
    ...tradierExitCases,
  ],
};
