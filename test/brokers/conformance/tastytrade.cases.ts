import { expect } from 'vitest';
import { adapter, dryRunOrder } from '../../../src/main/brokers/tastytrade/adapter';
import { descriptor } from '../../../src/main/brokers/tastytrade/descriptor';
import type { BrokerContext } from '../../../src/main/brokers/types';
import { ManualClock } from '../../../src/main/clock';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { priceAt } from '../../simulators/exchange';
import { start, type TastytradeSimulatorHandle } from '../../simulators/tastytrade';
import { brokerContext, canaryForms, closedPort, failure, answer } from '../support';
import { TASTY_ERRORS, TASTY_TOKEN_ERRORS, tastyError, tokenError } from '../../../src/main/brokers/tastytrade/errors';
import { behaviour, type BrokerConformance } from './suite';
import { tastytradeStreamingCases } from './tastytrade-streaming';
import { tastytradeExitCases } from './tastytrade-exits';

const clock = new ManualClock();
let sim: TastytradeSimulatorHandle;

function context(credentials: Record<string, string>, baseUrl = sim.baseUrl): BrokerContext {
  return brokerContext({ baseUrl, environment: 'sandbox', credentials, clock });
}

/** A context signed in the way the app does it: login, then the session fields merged into the credentials. */
async function signedIn(handle: TastytradeSimulatorHandle = sim): Promise<BrokerContext> {
  const session = await adapter.login!(context(handle.credentials, handle.baseUrl));
  return context({ ...handle.credentials, ...session.fields }, handle.baseUrl);
}

export const conformance: BrokerConformance = {
  id: 'tastytrade',
  adapter: adapter,
  hooks: {
    beforeAll: async () => {
      sim = (await start({ clock })) as TastytradeSimulatorHandle;
    },
    afterAll: async () => {
      await sim.close();
    },
  },
  unreachable: async () => adapter.validate(context({ ...sim.credentials, ...sim.session }, `http://127.0.0.1:${await closedPort()}`)),
  errorTables: [
    {
      name: 'TASTY_ERRORS',
      table: TASTY_ERRORS,
      map: ({ status }) => tastyError(answer(status ?? 400, { error: { code: 'refused', message: 'Refused' } })),
    },
    {
      name: 'TASTY_TOKEN_ERRORS',
      table: TASTY_TOKEN_ERRORS,
      map: ({ status }) => tokenError(answer(status ?? 400, { error_code: 'invalid_grant', error_description: 'Grant revoked' })),
    },
  ],
  cases: [
    behaviour('descriptor', 'passes the schema and names the real hosts', () => {
      expect(BrokerDescriptorSchema.parse(descriptor).auth).toBe('oauth-refresh');
      expect(descriptor.environments.map((e) => e.baseUrl)).toEqual(['https://api.tastyworks.com', 'https://api.cert.tastyworks.com']);
      expect(descriptor.fields.filter((f) => f.secret).map((f) => f.name)).toEqual(['client_secret', 'refresh_token']);
      for (const field of descriptor.fields) {
        const value = sim.credentials[field.name];
        if (value && field.pattern) expect(new RegExp(field.pattern).test(value), field.name).toBe(true);
      }
    }),
    behaviour('signIn', 'exchanges the refresh token for a 15-minute access token', async () => {
      const session = await adapter.login!(context(sim.credentials));
      expect(session.expiresAt).toBe(clock.now() + 900_000);
      expect(session.fields.access_token).toBeTruthy();
      expect(Object.keys(session.fields).sort()).toEqual(['access_token', 'access_token_expires_at']);
      const ctx = context({ ...sim.credentials, ...session.fields });
      expect(adapter.sessionExpiry(ctx)).toBe(session.expiresAt);
      expect(adapter.sessionExpiry(context(sim.credentials))).toBe(0);
      // A personal grant needs no client id.
      const { client_id: _omit, ...personal } = sim.credentials;
      expect((await adapter.login!(context(personal))).fields.access_token).toBeTruthy();
    }),
    behaviour('signIn', 'maps a wrong client secret or refresh token to INVALID_CREDENTIALS', async () => {
      const secret = await failure(adapter.login!(context({ ...sim.credentials, client_secret: 'wrong-secret-000' })));
      expect(secret.code).toBe('INVALID_CREDENTIALS');
      const grant = await failure(adapter.login!(context({ ...sim.credentials, refresh_token: 'not-a-grant-0000000' })));
      expect(grant.code).toBe('INVALID_CREDENTIALS');
      expect(grant.message).toContain('Invalid JWT');
    }),
    behaviour(['signIn', 'errors'], 'refuses calls without a session as TOKEN_EXPIRED', async () => {
      expect((await failure(adapter.funds(context(sim.credentials)))).code).toBe('TOKEN_EXPIRED');
    }),
    behaviour('validate', 'validates and reports the account', async () => {
      const ctx = await signedIn();
      expect(await adapter.validate(ctx)).toEqual({ accountMasked: '••••2345', accountType: 'Individual Margin', buyingPower: 100_000, currency: 'USD' });
      const { account_number: _omit, ...rest } = ctx.credentials;
      const discovered = context(rest);
      expect((await adapter.funds(discovered)).total).toBe(100_000);
      expect(discovered.memo.get('tastytrade.account')).toBe('5WI12345');
    }),
    behaviour('quotes', 'quotes equities and crypto on the shared price path', async () => {
      const ctx = await signedIn();
      const quotes = await adapter.quotes(ctx, ['US:AAPL', 'US:MSFT', 'CRYPTO:BTCUSD', 'US:ZZZZ']);
      expect(quotes.map((q) => q.symbol)).toEqual(['US:AAPL', 'US:MSFT', 'CRYPTO:BTCUSD']);
      expect(quotes[0]!.last).toBe(priceAt('AAPL', clock.now()));
      expect(quotes[2]!.last).toBe(priceAt('BTC/USD', clock.now()));
      expect(quotes[0]!.bid!).toBeLessThan(quotes[0]!.ask!);
      expect(quotes[0]!.at).toBe(clock.now());
      expect((await failure(adapter.quotes(ctx, ['NSE:INFY']))).code).toBe('BROKER_REJECTED');
    }),
    behaviour('orders', 'dry-runs an order without placing it', async () => {
      const ctx = await signedIn();
      const before = (await adapter.orders(ctx)).length;
      const result = await dryRunOrder(ctx, { symbol: 'US:AAPL', side: 'BUY', quantity: 10, type: 'MARKET', clientOrderId: 'dry-1' });
      expect(result.buyingPowerChange).toBeCloseTo(-10 * priceAt('AAPL', clock.now()), 2);
      expect(result.fees).toBe(0.01);
      expect(result.warnings).toHaveLength(1);
      expect(await adapter.orders(ctx)).toHaveLength(before);
      const tooBig = await failure(dryRunOrder(ctx, { symbol: 'US:AAPL', side: 'BUY', quantity: 1_000_000, type: 'MARKET', clientOrderId: 'dry-2' }));
      expect(tooBig.code).toBe('BROKER_REJECTED');
      expect(tooBig.httpStatus).toBe(422);
      expect(tooBig.message).toContain('buying power');
    }),
    behaviour(['orders', 'positions'], 'places a market order, finds it by id and by external identifier, and shows the position', async () => {
      const ctx = await signedIn();
      const ack = await adapter.placeOrder(ctx, { symbol: 'US:AAPL', side: 'BUY', quantity: 10, type: 'MARKET', clientOrderId: 'ticket:0001' });
      expect(ack.state).toBe('OPEN');
      const fill = priceAt('AAPL', clock.now());
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({
        state: 'FILLED',
        filledQuantity: 10,
        averagePrice: fill,
        symbol: 'US:AAPL',
        side: 'BUY',
        clientOrderId: 'ticket:0001',
      });
      expect((await adapter.getOrder(ctx, { clientOrderId: 'ticket:0001' }))?.brokerOrderId).toBe(ack.brokerOrderId);
      expect(await adapter.getOrder(ctx, { clientOrderId: 'never-sent' })).toBeNull();
      expect(await adapter.getOrder(ctx, { brokerOrderId: '424242' })).toBeNull();

      clock.advance(150_000);
      const [position] = await adapter.positions(ctx);
      const mark = priceAt('AAPL', clock.now());
      expect(position).toMatchObject({ symbol: 'US:AAPL', quantity: 10, lastPrice: mark, realizedPnl: 0 });
      expect(position!.averagePrice).toBeCloseTo(fill, 2);
      expect(position!.unrealizedPnl!).toBeCloseTo((mark - fill) * 10, 1);

      // Closing half realises P&L and keeps the rest long.
      await adapter.placeOrder(ctx, { symbol: 'US:AAPL', side: 'SELL', quantity: 5, type: 'MARKET', clientOrderId: 'ticket-0001b' });
      const [half] = await adapter.positions(ctx);
      expect(half!.quantity).toBe(5);
      expect(half!.realizedPnl!).toBeCloseTo((mark - fill) * 5, 1);
    }),
    behaviour('books', 'derives today’s trade book from the live orders’ fills; offers no holdings', async () => {
      expect(adapter.holdings).toBeUndefined();
      const ctx = await signedIn();
      const filled = (await adapter.getOrder(ctx, { clientOrderId: 'ticket:0001' }))!;
      const book = await adapter.trades!(ctx);
      expect(book.find((t) => t.brokerOrderId === filled.brokerOrderId)).toEqual({
        tradeId: `${filled.brokerOrderId}-fills`,
        brokerOrderId: filled.brokerOrderId,
        symbol: 'US:AAPL',
        side: 'BUY',
        quantity: 10,
        price: filled.averagePrice,
        executedAt: filled.updatedAt,
      });
      expect(await adapter.trades!({ ...ctx, clock: new ManualClock(clock.now() + 86_400_000) })).toEqual([]);
    }),
    behaviour('orders', 'cancels a working limit order and refuses to cancel it twice', async () => {
      const ctx = await signedIn();
      const low = Math.floor(priceAt('MSFT', clock.now()) * 0.5);
      const ack = await adapter.placeOrder(ctx, {
        symbol: 'US:MSFT',
        side: 'BUY',
        quantity: 2,
        type: 'LIMIT',
        limitPrice: low,
        timeInForce: 'GTC',
        clientOrderId: 'ticket-0002',
      });
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'OPEN', limitPrice: low, type: 'LIMIT' });
      await adapter.cancelOrder(ctx, ack.brokerOrderId);
      expect((await adapter.getOrder(ctx, { clientOrderId: 'ticket-0002' }))?.state).toBe('CANCELLED');
      const again = await failure(adapter.cancelOrder(ctx, ack.brokerOrderId));
      expect(again.code).toBe('BROKER_REJECTED');
      expect(again.httpStatus).toBe(422);
      const book = await adapter.orders(ctx);
      expect(book.map((o) => o.clientOrderId)).toEqual(expect.arrayContaining(['ticket:0001', 'ticket-0002']));
    }),
    behaviour(['modify', 'errors'], 'cancel-replaces a working order: a new id with the new terms; a finished order is refused with 422', async () => {
      const ctx = await signedIn();
      const low = Math.floor(priceAt('MSFT', clock.now()) * 0.5);
      const placed = { symbol: 'US:MSFT', side: 'BUY' as const, quantity: 2, type: 'LIMIT' as const, limitPrice: low, clientOrderId: 'ticket-mod-1' };
      const ack = await adapter.placeOrder(ctx, placed);
      const replaced = await adapter.modifyOrder!(
        ctx,
        ack.brokerOrderId,
        { quantity: 3, limitPrice: low - 1 },
        { ...placed, quantity: 3, limitPrice: low - 1 },
      );
      expect(replaced!.brokerOrderId).not.toBe(ack.brokerOrderId);
      expect(await adapter.getOrder(ctx, { brokerOrderId: replaced!.brokerOrderId })).toMatchObject({ state: 'OPEN', quantity: 3, limitPrice: low - 1 });
      expect(await adapter.getOrder(ctx, { brokerOrderId: ack.brokerOrderId })).toMatchObject({ state: 'CANCELLED' });
      const closed = await failure(adapter.modifyOrder!(ctx, ack.brokerOrderId, { quantity: 4 }, { ...placed, quantity: 4 }));
      expect(closed).toMatchObject({ code: 'BROKER_REJECTED', httpStatus: 422 });
      await adapter.cancelOrder(ctx, replaced!.brokerOrderId);
    }),
    behaviour(['orders', 'errors'], 'maps preflight and validation failures to BROKER_REJECTED with tastytrade’s message', async () => {
      const ctx = await signedIn();
      const funds = await failure(adapter.placeOrder(ctx, { symbol: 'US:SPY', side: 'BUY', quantity: 100_000, type: 'MARKET', clientOrderId: 'too-big' }));
      expect(funds).toMatchObject({ code: 'BROKER_REJECTED', httpStatus: 422 });
      expect(funds.message).toContain('One or more preflight checks failed');
      const noPrice = await failure(adapter.placeOrder(ctx, { symbol: 'US:SPY', side: 'BUY', quantity: 1, type: 'LIMIT', clientOrderId: 'no-price' }));
      expect(noPrice).toMatchObject({ code: 'BROKER_REJECTED', httpStatus: 400 });
      expect(noPrice.message).toContain('price is required');
    }),
    behaviour('signIn', 'expires access tokens after exactly 15 minutes on the clock', async () => {
      const local = (await start({ clock })) as TastytradeSimulatorHandle;
      try {
        const ctx = await signedIn(local);
        clock.advance(900_000 - 1);
        await adapter.funds(ctx);
        clock.advance(1);
        const error = await failure(adapter.funds(ctx));
        expect(error.code).toBe('TOKEN_EXPIRED');
        expect(error.httpStatus).toBe(401);
        expect(adapter.sessionExpiry(ctx)).toBeLessThanOrEqual(clock.now());
        // The app's answer to TOKEN_EXPIRED: log in again with the stored refresh token.
        expect((await adapter.funds(await signedIn(local))).available).toBe(100_000);
        local.expireSessions();
        expect((await failure(adapter.validate(context({ ...local.credentials, ...local.session }, local.baseUrl)))).code).toBe('TOKEN_EXPIRED');
      } finally {
        await local.close();
      }
    }),
    behaviour(['errors', 'rateLimits'], 'maps 429 to RATE_LIMITED', async () => {
      const local = (await start({ clock })) as TastytradeSimulatorHandle;
      try {
        const ctx = await signedIn(local);
        local.setRateLimit(2);
        await adapter.quotes(ctx, ['US:AAPL']);
        await adapter.quotes(ctx, ['US:AAPL']);
        expect((await failure(adapter.quotes(ctx, ['US:AAPL']))).code).toBe('RATE_LIMITED');
      } finally {
        await local.close();
      }
    }),
    behaviour('specific', 'simulator enforces the <product>/<version> User-Agent like the edge', async () => {
      const noVersion = await fetch(`${sim.baseUrl}/customers/me/accounts`, {
        headers: { 'user-agent': 'BrokerVault', authorization: `Bearer ${sim.session.access_token}` },
      });
      expect(noVersion.status).toBe(401);
      expect(await noVersion.text()).toContain('nginx');
    }),
    behaviour('errors', 'maps a closed port to NETWORK', async () => {
      const base = `http://127.0.0.1:${await closedPort()}`;
      expect((await failure(adapter.login!(context(sim.credentials, base)))).code).toBe('NETWORK');
      expect((await failure(adapter.validate(context({ ...sim.credentials, ...sim.session }, base)))).code).toBe('NETWORK');
    }),
    behaviour('secrets', 'keeps canary secrets and tokens out of every result and error', async () => {
      const local = (await start({ clock })) as TastytradeSimulatorHandle;
      const canary = 'CanaryTasty4b1d8e2f';
      const forms = canaryForms(canary);
      try {
        local.addGrant({ clientId: null, clientSecret: `${canary}-secret`, refreshToken: `${canary}-refresh-token` });
        local.addAccessToken(`${canary}-access`);
        const creds = { client_secret: `${canary}-secret`, refresh_token: `${canary}-refresh-token`, account_number: '5WI12345' };
        const outputs: unknown[] = [];
        const attempt = async (p: Promise<unknown>) => {
          try {
            outputs.push(await p);
          } catch (error) {
            const e = error as Error;
            outputs.push(e.message, e.stack, JSON.stringify(e), String(e));
          }
        };
        const good = context({ ...creds, access_token: `${canary}-access` }, local.baseUrl);
        await attempt(adapter.login!(context(creds, local.baseUrl)));
        await attempt(adapter.login!(context({ ...creds, client_secret: `${canary}-wrong` }, local.baseUrl)));
        await attempt(adapter.login!(context({ ...creds, refresh_token: `${canary}-wrong` }, local.baseUrl)));
        await attempt(adapter.validate(good));
        await attempt(adapter.quotes(good, ['US:AAPL', 'CRYPTO:ETHUSD']));
        await attempt(dryRunOrder(good, { symbol: 'US:QQQ', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'canary-0' }));
        await attempt(adapter.placeOrder(good, { symbol: 'US:QQQ', side: 'BUY', quantity: 1, type: 'MARKET', clientOrderId: 'canary-1' }));
        await attempt(adapter.placeOrder(good, { symbol: 'US:QQQ', side: 'BUY', quantity: 1e7, type: 'MARKET', clientOrderId: 'canary-2' }));
        await attempt(adapter.orders(good));
        await attempt(adapter.positions(good));
        local.expireSessions();
        await attempt(adapter.funds(good));
        await attempt(adapter.login!(context(creds, `http://127.0.0.1:${await closedPort()}`)));
        const errors = outputs.filter((o) => typeof o === 'string' && o.includes('tastytrade'));
        expect(errors.length).toBeGreaterThanOrEqual(4);
        const text = JSON.stringify(outputs);
        for (const form of forms) expect(text).not.toContain(form);
      } finally {
        await local.close();
      }
    }),
    behaviour('specific', 'searches symbols live: equities as US:<ticker>, crypto as CRYPTO:<pair>, with name, venue and tick', async () => {
      const ctx = await signedIn();
      const found = await adapter.searchSymbols!(ctx, 'AA', 20);
      expect(found).toEqual([
        {
          symbol: 'US:AAPL',
          exchange: 'NASDAQ',
          brokerSymbol: 'AAPL',
          token: '',
          name: 'Apple Inc. - Common Stock',
          lotSize: 1,
          tickSize: 0.01,
          segment: 'Equity',
        },
      ]);
      expect((await adapter.searchSymbols!(ctx, 'us:spy', 20)).map((i) => [i.symbol, i.exchange])).toEqual([['US:SPY', 'ARCA']]);
      expect((await adapter.searchSymbols!(ctx, 'BTC', 20)).map((i) => [i.symbol, i.brokerSymbol, i.exchange])).toEqual([
        ['CRYPTO:BTCUSD', 'BTC/USD', 'CRYPTO'],
      ]);
      expect((await adapter.searchSymbols!(ctx, 'BTC/', 20)).map((i) => i.symbol)).toEqual(['CRYPTO:BTCUSD']);
      expect((await adapter.searchSymbols!(ctx, 'Q', 20)).map((i) => i.symbol)).toEqual(['US:QQQ']);
      expect(await adapter.searchSymbols!(ctx, 'ZZZZ', 20)).toEqual([]);
      expect(await adapter.searchSymbols!(ctx, '..', 20)).toEqual([]);
      const quotes = await adapter.quotes(ctx, [found[0]!.symbol, 'CRYPTO:BTCUSD']);
      expect(quotes.map((q) => q.symbol)).toEqual(['US:AAPL', 'CRYPTO:BTCUSD']);
    }),
    behaviour(['specific', 'rateLimits'], 'needs a session and counts against the request window', async () => {
      expect((await failure(adapter.searchSymbols!(context(sim.credentials), 'AAPL', 20))).code).toBe('TOKEN_EXPIRED');
      const local = (await start({ clock })) as TastytradeSimulatorHandle;
      try {
        const ctx = await signedIn(local);
        local.setRateLimit(1);
        expect(await adapter.searchSymbols!(ctx, 'MSFT', 20)).toHaveLength(1);
        expect((await failure(adapter.searchSymbols!(ctx, 'MSFT', 20))).code).toBe('RATE_LIMITED');
      } finally {
        await local.close();
      }
    }),
    ...tastytradeStreamingCases,
    ...tastytradeExitCases,
  ],
};
