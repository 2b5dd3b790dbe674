import { expect } from 'vitest';
import { ManualClock } from '../../../src/main/clock';
import { adapter, confirmReply, IbkrConfirmationRequired, keepAlive, PIN_FIELD } from '../../../src/main/brokers/ibkr/adapter';
import { nextNewYorkMidnight } from '../../../src/main/brokers/ibkr/session';
import { isLoopbackHost } from '../../../src/main/brokers/ibkr/transport';
import type { BrokerContext } from '../../../src/main/brokers/types';
import { BrokerDescriptorSchema } from '../../../src/shared/brokers';
import { priceAt } from '../../simulators/exchange';
import { startIbkrGateway, type IbkrSimHandle, type IbkrSimOptions } from '../../simulators/ibkr';
import { ManualScheduler } from '../../support/manual-scheduler';
import { brokerContext, canaryForms, failure } from '../support';
import { IBKR_ERRORS, mapGatewayError } from '../../../src/main/brokers/ibkr/errors';
import { ibkrStreamingCases } from './ibkr-streaming';
import { ibkrExitCases } from './ibkr-exits';
import { behaviour, type BrokerConformance } from './suite';

/** Monday 5 January 2026, 10:00 in New York: regular trading hours. */
const MONDAY_10_NY = Date.UTC(2026, 0, 5, 15, 0, 0);

const running: IbkrSimHandle[] = [];

async function setup(options: IbkrSimOptions = {}, at = MONDAY_10_NY) {
  const clock = new ManualClock(at);
  const sim = await startIbkrGateway({ clock, globalPerSecond: 1_000, ...options });
  running.push(sim);
  const paths: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    paths.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname.replace('/v1/api', '')}`);
    return fetch(input, init);
  };
  const ctx = (over: Partial<BrokerContext> = {}): BrokerContext => ({
    ...brokerContext({ baseUrl: sim.baseUrl, environment: 'paper', credentials: { ...sim.credentials, ...sim.session }, fetch: countingFetch, clock }),
    ...over,
  });
  return { sim, clock, ctx, paths };
}

const order = (over: Partial<Parameters<typeof adapter.placeOrder>[1]> = {}) => ({
  symbol: 'US:AAPL',
  side: 'BUY' as const,
  quantity: 1,
  type: 'MARKET' as const,
  clientOrderId: `bv-${Math.random().toString(36).slice(2, 10)}`,
  ...over,
});

/** A browser login at the gateway: follow the redirect to the form and submit it. */
async function browserLogin(sim: IbkrSimHandle, password = sim.login.password): Promise<string> {
  const root = await fetch(`${sim.gatewayUrl}/`, { redirect: 'manual' });
  expect(root.status).toBe(302);
  const formPage = await (await fetch(new URL(root.headers.get('location')!, sim.gatewayUrl))).text();
  expect(formPage).toContain(`value="${sim.login.username}"`);
  const action = /action="([^"]+)"/.exec(formPage)![1]!.replace(/&amp;/g, '&');
  const res = await fetch(new URL(action, sim.gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: sim.login.username, password }).toString(),
  });
  return res.text();
}

export const conformance: BrokerConformance = {
  id: 'ibkr',
  adapter: adapter,
  hooks: {
    afterEach: async () => {
      await Promise.all(running.splice(0).map((s) => s.close()));
    },
  },
  unreachable: async () => {
    const { sim, ctx } = await setup();
    const baseUrl = sim.baseUrl;
    await sim.close();
    running.splice(running.indexOf(sim), 1);
    return adapter.validate(ctx({ baseUrl }));
  },
  errorTables: [{ name: 'IBKR_ERRORS', table: IBKR_ERRORS, map: ({ text }) => mapGatewayError(400, { error: text }, 'place the order') }],
  cases: [
    behaviour('descriptor', 'is a valid descriptor with the gateway host', () => {
      const d = BrokerDescriptorSchema.parse(adapter.descriptor);
      expect(d.auth).toBe('local-gateway');
      expect(d.environments.map((e) => e.baseUrl)).toContain('https://localhost:5000/v1/api');
      expect(d.fields.every((f) => !f.secret)).toBe(true);
      expect(new RegExp(d.fields[0]!.pattern!).test('DU1234567')).toBe(true);
    }),
    behaviour(['signIn', 'validate'], 'logs in after a browser login: opens the brokerage session, primes accounts, validates', async () => {
      const { sim, ctx, clock } = await setup();
      sim.expireSessions();
      const c = ctx();
      expect((await failure(adapter.validate(c))).code).toBe('TOKEN_EXPIRED');
      expect(await browserLogin(sim, 'wrong')).toContain('Invalid username password combination');
      expect((await failure(adapter.login!(c))).code).toBe('TOKEN_EXPIRED');
      expect(await browserLogin(sim)).toContain('Client login succeeds');
      // Logged in at the gateway, brokerage session not open yet: plain calls are refused…
      expect((await failure(adapter.validate(c))).code).toBe('TOKEN_EXPIRED');
      // …and login opens it with ssodh/init.
      const update = await adapter.login!(c);
      expect(update.fields).toEqual({});
      expect(update.expiresAt).toBe(Date.UTC(2026, 0, 6, 5, 0, 0));
      expect(adapter.sessionExpiry(c)).toBe(update.expiresAt);
      const summary = await adapter.validate(c);
      expect(summary).toEqual({ accountMasked: '••••4567', accountType: 'DEMO', buyingPower: 100_000, currency: 'USD' });
      clock.advance(1_000);
    }),
    behaviour('signIn', 'expires after 6 idle minutes unless kept alive', async () => {
      const { ctx, clock } = await setup();
      const c = ctx();
      await adapter.validate(c);
      clock.advance(5 * 60_000);
      expect(await keepAlive(c)).toEqual({ authenticated: true, competing: false, connected: true });
      clock.advance(5 * 60_000);
      await adapter.validate(c);
      clock.advance(6 * 60_000 + 1_000);
      expect((await failure(keepAlive(c))).code).toBe('TOKEN_EXPIRED');
      expect((await failure(adapter.funds(c))).code).toBe('TOKEN_EXPIRED');
    }),
    behaviour('signIn', 'reports a competing session and takes it back on login', async () => {
      const { sim, ctx, clock } = await setup();
      const c = ctx();
      await adapter.validate(c);
      sim.setCompeting(true);
      const err = await failure(adapter.validate(c));
      expect(err.code).toBe('TOKEN_EXPIRED');
      expect(err.message).toContain('Another IBKR session');
      clock.advance(1_000);
      expect((await failure(keepAlive(c))).code).toBe('TOKEN_EXPIRED');
      await adapter.login!(c);
      expect((await adapter.validate(c)).accountMasked).toBe('••••4567');
    }),
    behaviour('signIn', 'refuses a paper gateway login for a live connection', async () => {
      const { ctx } = await setup();
      const err = await failure(adapter.validate(ctx({ environment: 'live' })));
      expect(err.code).toBe('INVALID_CREDENTIALS');
      expect(err.message).toContain('paper account');
    }),
    behaviour('validate', 'switches to the account the user chose', async () => {
      const { sim, ctx, paths } = await setup({ accounts: ['DU1234567', 'DU7654321'] });
      const c = ctx({ credentials: { accountId: 'DU7654321' } });
      expect((await adapter.validate(c)).accountMasked).toBe('••••4321');
      expect(paths).toContain('POST /iserver/account');
      await adapter.placeOrder(c, order());
      expect([...sim.exchange.orders.values()][0]!.extra.account).toBe('DU7654321');
      const err = await failure(adapter.validate(ctx({ credentials: { accountId: 'DU9999999' } })));
      expect(err.code).toBe('INVALID_CREDENTIALS');
    }),
    behaviour('signIn', 'computes the midnight New York expiry across daylight saving time', () => {
      expect(nextNewYorkMidnight(Date.UTC(2026, 6, 1, 15))).toBe(Date.UTC(2026, 6, 2, 4));
      expect(nextNewYorkMidnight(Date.UTC(2026, 0, 5, 4, 30))).toBe(Date.UTC(2026, 0, 5, 5));
    }),
    behaviour('rateLimits', 'answers RATE_LIMITED when the tickle pacing is exceeded', async () => {
      const { ctx } = await setup();
      const c = ctx();
      await keepAlive(c);
      expect((await failure(keepAlive(c))).code).toBe('RATE_LIMITED');
    }),
    behaviour('rateLimits', 'answers RATE_LIMITED under the gateway-wide 10 requests per second', async () => {
      const { ctx } = await setup({ globalPerSecond: 10 });
      const c = ctx();
      await adapter.validate(c);
      const err = await failure(Promise.all(Array.from({ length: 12 }, () => adapter.funds(c))));
      expect(err.code).toBe('RATE_LIMITED');
    }),
    behaviour('errors', 'maps a closed port to NETWORK', async () => {
      const { sim, ctx } = await setup();
      const baseUrl = sim.baseUrl;
      await sim.close();
      running.splice(running.indexOf(sim), 1);
      expect((await failure(adapter.validate(ctx({ baseUrl })))).code).toBe('NETWORK');
    }),
    behaviour(['validate', 'quotes'], 'reads funds, quotes (with the snapshot pre-flight) and caches conids', async () => {
      const { ctx, clock, paths } = await setup();
      const c = ctx();
      expect(await adapter.funds(c)).toEqual({ available: 100_000, used: 0, total: 100_000, currency: 'USD' });
      const quotes = await adapter.quotes(c, ['US:AAPL', 'US:MSFT', 'US:IBM']);
      expect(quotes.map((q) => q.symbol)).toEqual(['US:AAPL', 'US:MSFT', 'US:IBM']);
      for (const q of quotes) {
        const last = priceAt(q.symbol, clock.now());
        expect(q.last).toBeCloseTo(last, 2);
        expect(q.bid).toBeCloseTo(last - 0.05, 2);
        expect(q.ask).toBeCloseTo(last + 0.05, 2);
        expect(q.at).toBe(clock.now());
      }
      expect(paths.filter((p) => p.endsWith('/marketdata/snapshot'))).toHaveLength(2);
      const searches = paths.filter((p) => p.endsWith('/secdef/search')).length;
      await adapter.quotes(c, ['US:AAPL']);
      expect(paths.filter((p) => p.endsWith('/secdef/search'))).toHaveLength(searches);
      expect((await failure(adapter.quotes(c, ['US:NOPE']))).message).toContain('no US stock NOPE');
      expect((await failure(adapter.quotes(c, ['NSE:INFY']))).code).toBe('BROKER_REJECTED');
    }),
    behaviour('quotes', 'asks a third time after a 1 s pause on the scheduler when the second snapshot is still empty', async () => {
      const { ctx, clock } = await setup();
      const scheduler = new ManualScheduler(clock);
      let snapshots = 0;
      // The gateway is still warming up: its second answer carries no fields either.
      const warmingUp: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        if (!String(input).includes('/marketdata/snapshot') || ++snapshots !== 2) return res;
        const items = (await res.json()) as { conid: number }[];
        return Response.json(items.map((item) => ({ conid: item.conid })));
      };
      let quoted: unknown = null;
      const quoting = adapter.quotes(ctx({ fetch: warmingUp, scheduler }), ['US:AAPL']).then((q) => (quoted = q));
      for (let i = 0; i < 500 && scheduler.pending === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(snapshots).toBe(2);
      await scheduler.advance(999);
      expect([snapshots, quoted]).toEqual([2, null]);
      await scheduler.advance(1);
      await quoting;
      expect(snapshots).toBe(3);
      expect(quoted).toEqual([expect.objectContaining({ symbol: 'US:AAPL', last: expect.any(Number) })]);
    }),
    behaviour(['orders', 'positions'], 'places, looks up by broker id and by cOID, cancels, lists orders and positions', async () => {
      const { sim, ctx, clock } = await setup();
      const c = ctx();
      const buy = order({ quantity: 2 });
      const ack = await adapter.placeOrder(c, buy);
      expect(ack.state).toBe('FILLED');
      const placed = sim.exchange.get(ack.brokerOrderId)!;
      expect(placed.extra.conid).toBe('265598');
      expect(placed.clientOrderId).toBe(buy.clientOrderId);

      const byId = await adapter.getOrder(c, { brokerOrderId: ack.brokerOrderId });
      expect(byId).toMatchObject({
        brokerOrderId: ack.brokerOrderId,
        clientOrderId: buy.clientOrderId,
        symbol: 'US:AAPL',
        side: 'BUY',
        quantity: 2,
        filledQuantity: 2,
        type: 'MARKET',
        state: 'FILLED',
      });
      expect(byId!.averagePrice).toBeCloseTo(priceAt('US:AAPL', clock.now()), 2);
      expect(await adapter.getOrder(c, { clientOrderId: buy.clientOrderId })).toMatchObject({ brokerOrderId: ack.brokerOrderId });
      // A fresh connection (app restart) finds the order through the live-orders list and its order_ref.
      expect(await adapter.getOrder(ctx(), { clientOrderId: buy.clientOrderId })).toMatchObject({ brokerOrderId: ack.brokerOrderId, state: 'FILLED' });
      expect(await adapter.getOrder(c, { brokerOrderId: '999999' })).toBeNull();

      const low = priceAt('US:MSFT', clock.now()) * 0.5;
      const limit = order({ symbol: 'US:MSFT', type: 'LIMIT', limitPrice: Math.round(low), quantity: 3 });
      const open = await adapter.placeOrder(c, limit);
      expect(open.state).toBe('OPEN');
      await adapter.cancelOrder(c, open.brokerOrderId);
      expect(await adapter.getOrder(c, { clientOrderId: limit.clientOrderId })).toMatchObject({ state: 'CANCELLED', limitPrice: Math.round(low) });
      const again = await failure(adapter.cancelOrder(c, open.brokerOrderId));
      expect(again.code).toBe('BROKER_REJECTED');
      expect(again.message).toContain('cannot be cancelled');

      clock.advance(5_000);
      const book = await adapter.orders(c);
      expect(book.map((o) => [o.clientOrderId, o.state])).toEqual([
        [buy.clientOrderId, 'FILLED'],
        [limit.clientOrderId, 'CANCELLED'],
      ]);
      const positions = await adapter.positions(c);
      expect(positions).toHaveLength(1);
      expect(positions[0]).toMatchObject({ symbol: 'US:AAPL', quantity: 2 });
      expect(positions[0]!.averagePrice).toBeCloseTo(byId!.averagePrice!, 2);
    }),
    behaviour(
      'books',
      'lists today’s executions from /iserver/account/trades within its 1 per 5 s pacing; offers no holdings (its positions are the held shares)',
      async () => {
        expect(adapter.holdings).toBeUndefined();
        const { sim, ctx, clock, paths } = await setup({ accounts: ['DU1234567', 'DU7654321'] });
        // Another account of the same login traded too: its execution is not this connection's.
        await adapter.placeOrder(ctx({ credentials: { accountId: 'DU7654321' } }), order({ symbol: 'US:IBM' }));
        const c = ctx();
        const buy = await adapter.placeOrder(c, order({ quantity: 3 }));
        clock.advance(60_000);
        const sell = await adapter.placeOrder(c, order({ side: 'SELL', quantity: 1 }));
        const low = Math.round(priceAt('US:MSFT', clock.now()) * 0.5);
        await adapter.placeOrder(c, order({ symbol: 'US:MSFT', type: 'LIMIT', limitPrice: low }));
        const fill = (id: string) => sim.exchange.tradeList().find((f) => f.orderId === id)!;
        // A fresh connection (app restart): the symbol comes from the execution's own ticker and sec_type.
        const book = await adapter.trades!(ctx());
        expect(book.map((t) => [t.brokerOrderId, t.symbol, t.side, t.quantity, t.price, t.executedAt])).toEqual([
          [buy.brokerOrderId, 'US:AAPL', 'BUY', 3, fill(buy.brokerOrderId).price, fill(buy.brokerOrderId).at],
          [sell.brokerOrderId, 'US:AAPL', 'SELL', 1, fill(sell.brokerOrderId).price, fill(sell.brokerOrderId).at],
        ]);
        expect(new Set(book.map((t) => t.tradeId)).size).toBe(2);
        expect(book.every((t) => t.tradeId !== '')).toBe(true);
        // Within 5 s the last answer is reused instead of drawing a 429; after them the gateway is asked again.
        const asked = () => paths.filter((p) => p === 'GET /iserver/account/trades').length;
        clock.advance(5_000);
        await adapter.trades!(c);
        const [first, second] = [adapter.trades!(c), adapter.trades!(c)];
        expect(await first).toEqual(await second);
        const before = asked();
        clock.advance(4_000);
        await adapter.trades!(c);
        expect(asked()).toBe(before);
        // The next day starts with an empty trade book.
        sim.exchange.rollDay();
        clock.advance(1_000);
        expect(await adapter.trades!(c)).toEqual([]);
        expect(asked()).toBe(before + 1);
      },
    ),
    behaviour('orders', 'sends stop and stop-limit prices in price/auxPrice', async () => {
      const { sim, ctx, clock } = await setup();
      const c = ctx();
      const p = priceAt('US:IBM', clock.now());
      const stop = await adapter.placeOrder(c, order({ symbol: 'US:IBM', side: 'SELL', type: 'STOP', stopPrice: Math.round(p * 0.5) }));
      expect(sim.exchange.get(stop.brokerOrderId)).toMatchObject({ type: 'STOP', stopPrice: Math.round(p * 0.5), status: 'OPEN' });
      const sl = await adapter.placeOrder(c, order({ symbol: 'US:IBM', type: 'STOP_LIMIT', stopPrice: Math.round(p * 2), limitPrice: Math.round(p * 2.1) }));
      expect(sim.exchange.get(sl.brokerOrderId)).toMatchObject({ type: 'STOP_LIMIT', stopPrice: Math.round(p * 2), limitPrice: Math.round(p * 2.1) });
      expect((await adapter.getOrder(c, { brokerOrderId: sl.brokerOrderId }))!.type).toBe('STOP_LIMIT');
    }),
    behaviour(
      ['orders', 'specific'],
      'never auto-confirms: a value-limit question comes back with its reply id, and nothing is placed until confirmed',
      async () => {
        const { sim, ctx, clock } = await setup();
        const c = ctx();
        const qty = Math.ceil(30_000 / priceAt('US:AAPL', clock.now()));
        const big = order({ quantity: qty });
        const asked = await adapter.placeOrder(c, big).catch((e: unknown) => e);
        expect(asked).toBeInstanceOf(IbkrConfirmationRequired);
        const q = asked as IbkrConfirmationRequired;
        expect(q.code).toBe('BROKER_REJECTED');
        expect(q.prompts[0]).toContain('exceeds the Total Value Limit');
        expect(q.prompts[0]).not.toContain('<br>');
        expect(q.messageIds).toEqual(['o2137']);
        expect(sim.exchange.orders.size).toBe(0);
        const ack = await confirmReply(c, q.replyId, true);
        expect(ack!.state).toBe('FILLED');
        expect(sim.exchange.orders.size).toBe(1);
        expect(await adapter.getOrder(c, { clientOrderId: big.clientOrderId })).toMatchObject({ brokerOrderId: ack!.brokerOrderId, quantity: qty });
        // The reply id is used up.
        expect((await failure(confirmReply(c, q.replyId, true))).message).toContain('resubmit');
      },
    ),
    behaviour(['orders', 'specific'], 'chains questions, and a declined question places nothing', async () => {
      const { sim, ctx, clock } = await setup({}, Date.UTC(2026, 0, 5, 23, 0, 0)); // 18:00 New York: outside regular hours
      const c = ctx();
      const qty = Math.ceil(30_000 / priceAt('US:SPY', clock.now()));
      const first = (await adapter.placeOrder(c, order({ symbol: 'US:SPY', quantity: qty })).catch((e: unknown) => e)) as IbkrConfirmationRequired;
      expect(first).toBeInstanceOf(IbkrConfirmationRequired);
      const second = (await confirmReply(c, first.replyId, true).catch((e: unknown) => e)) as IbkrConfirmationRequired;
      expect(second).toBeInstanceOf(IbkrConfirmationRequired);
      expect(second.prompts[0]).toContain('outside regular trading hours');
      expect(second.replyId).not.toBe(first.replyId);
      expect(await confirmReply(c, second.replyId, false)).toBeNull();
      expect(sim.exchange.orders.size).toBe(0);
    }),
    behaviour(
      ['modify', 'specific'],
      'modifies on the order’s own id; a value-limit question is declined at the gateway and the change refused, nothing changed',
      async () => {
        const { sim, ctx, clock, paths } = await setup();
        const c = ctx();
        const low = Math.round(priceAt('US:AAPL', clock.now()) * 0.5);
        const placed = order({ type: 'LIMIT', limitPrice: low });
        const ack = await adapter.placeOrder(c, placed);
        const changed = await adapter.modifyOrder!(c, ack.brokerOrderId, { quantity: 2, limitPrice: low - 1 }, { ...placed, quantity: 2, limitPrice: low - 1 });
        expect(changed).toMatchObject({ brokerOrderId: ack.brokerOrderId });
        expect(sim.exchange.get(ack.brokerOrderId)).toMatchObject({ quantity: 2, limitPrice: low - 1, status: 'OPEN' });
        const qty = Math.ceil(30_000 / low);
        paths.length = 0;
        const refused = await failure(adapter.modifyOrder!(c, ack.brokerOrderId, { quantity: qty }, { ...placed, quantity: qty }));
        expect(refused).not.toBeInstanceOf(IbkrConfirmationRequired);
        expect(refused.code).toBe('BROKER_REJECTED');
        expect(refused.message).toMatch(
          /^IBKR asks before changing this order: .*exceeds the Total Value Limit.* BrokerVault does not confirm that for a change, so nothing was changed\./,
        );
        expect(refused.message).not.toContain('<br>');
        // Declined at the gateway: no change waits there for an answer.
        expect(paths.filter((p) => p.startsWith('POST /iserver/reply/'))).toHaveLength(1);
        expect(sim.pendingQuestions()).toBe(0);
        expect(sim.exchange.get(ack.brokerOrderId)!.quantity).toBe(2);
        await adapter.cancelOrder(c, ack.brokerOrderId);
        const closed = await failure(adapter.modifyOrder!(c, ack.brokerOrderId, { quantity: 3 }, { ...placed, quantity: 3 }));
        expect(closed.message).toContain('cannot be modified');
      },
    ),
    behaviour(['modify', 'specific'], 'a limit moved more than 3 % through the market is asked about (o163) and refused', async () => {
      const { sim, ctx, clock } = await setup();
      const c = ctx();
      const market = priceAt('US:AAPL', clock.now());
      const placed = order({ type: 'LIMIT', limitPrice: Math.round(market * 0.5) });
      const ack = await adapter.placeOrder(c, placed);
      const through = Math.round(market * 1.1 * 100) / 100;
      const refused = await failure(adapter.modifyOrder!(c, ack.brokerOrderId, { limitPrice: through }, { ...placed, limitPrice: through }));
      expect(refused.message).toContain('price exceeds the Percentage constraint of 3%');
      expect(sim.exchange.get(ack.brokerOrderId)).toMatchObject({ limitPrice: Math.round(market * 0.5), status: 'OPEN' });
      expect(sim.pendingQuestions()).toBe(0);
    }),
    behaviour(['modify', 'specific'], 'an informational notice about a change (outside regular hours) is confirmed and the change made', async () => {
      const { sim, ctx, clock, paths } = await setup({}, Date.UTC(2026, 0, 5, 23, 0, 0)); // 18:00 New York
      const c = ctx();
      const market = priceAt('US:AAPL', clock.now());
      const placed = order({ type: 'LIMIT', limitPrice: Math.round(market * 0.5) });
      const ack = await adapter.placeOrder(c, placed);
      paths.length = 0;
      // A limit becomes a market order outside regular hours: the gateway says it is held until the open.
      const changed = await adapter.modifyOrder!(c, ack.brokerOrderId, { type: 'MARKET' }, { ...placed, type: 'MARKET', limitPrice: undefined });
      expect(changed).toMatchObject({ brokerOrderId: ack.brokerOrderId });
      expect(paths.filter((p) => p.startsWith('POST /iserver/reply/'))).toHaveLength(1);
      expect(sim.exchange.get(ack.brokerOrderId)!.type).toBe('MARKET');
      // A notice and a refusal in one chain: the refusal wins, nothing changes.
      const other = await adapter.placeOrder(c, order({ type: 'LIMIT', limitPrice: Math.round(market * 0.5) }));
      const qty = Math.ceil(30_000 / market);
      const refused = await failure(
        adapter.modifyOrder!(c, other.brokerOrderId, { type: 'MARKET', quantity: qty }, { ...placed, type: 'MARKET', limitPrice: undefined, quantity: qty }),
      );
      expect(refused.message).toContain('Total Value Limit');
      expect(sim.exchange.get(other.brokerOrderId)).toMatchObject({ type: 'LIMIT', quantity: 1 });
      expect(sim.pendingQuestions()).toBe(0);
    }),
    behaviour('orders', 'treats a resubmitted cOID as the same order', async () => {
      const { sim, ctx } = await setup();
      const c = ctx();
      const o = order();
      const first = await adapter.placeOrder(c, o);
      const retry = await adapter.placeOrder(ctx(), o);
      expect(retry.brokerOrderId).toBe(first.brokerOrderId);
      expect(sim.exchange.orders.size).toBe(1);
    }),
    behaviour(['orders', 'errors'], 'passes the broker rejection text through', async () => {
      const { ctx, clock } = await setup();
      const c = ctx();
      const qty = Math.ceil(200_000 / priceAt('US:MSFT', clock.now()));
      const err = await failure(
        adapter
          .placeOrder(c, order({ symbol: 'US:MSFT', type: 'LIMIT', limitPrice: priceAt('US:MSFT', clock.now()), quantity: qty }))
          .catch(async (e: unknown) => {
            // The value-limit question comes first; confirming it reaches the margin check.
            if (e instanceof IbkrConfirmationRequired) return confirmReply(c, e.replyId, true);
            throw e;
          }),
      );
      expect(err.code).toBe('BROKER_REJECTED');
      expect(err.message).toContain('YOUR ORDER IS NOT ACCEPTED');
      expect((await failure(adapter.placeOrder(c, order({ type: 'LIMIT' })))).message).toContain('limit price');
    }),
    behaviour('specific', 'pins the self-signed certificate on first use and refuses a different one', async () => {
      const { sim, ctx } = await setup({ https: true });
      expect(sim.baseUrl.startsWith('https://127.0.0.1:')).toBe(true);
      // Plain fetch refuses the self-signed certificate; the adapter does not use it for loopback https.
      await expect(fetch(`${sim.baseUrl}/iserver/auth/status`, { method: 'POST' })).rejects.toThrow();
      const first = ctx({ credentials: {} });
      const update = await adapter.login!(first);
      expect(update.fields[PIN_FIELD]).toBe(sim.certFingerprint256);
      expect((await adapter.validate(ctx({ credentials: update.fields }))).accountMasked).toBe('••••4567');

      const other = await startIbkrGateway({ https: true, clock: new ManualClock(MONDAY_10_NY) });
      running.push(other);
      const err = await failure(adapter.validate(ctx({ baseUrl: other.baseUrl, credentials: update.fields })));
      expect(err.code).toBe('NETWORK');
      expect(err.message).toContain('different certificate');
    }),
    behaviour('specific', 'leaves certificate checks to ctx.fetch for any host that is not this computer', async () => {
      const seen: string[] = [];
      const spy: typeof fetch = async (input) => {
        seen.push(new URL(String(input)).host);
        return new Response('', { status: 401 });
      };
      const c = brokerContext({
        baseUrl: 'https://gateway.example.test:5000/v1/api',
        environment: 'live',
        credentials: {},
        fetch: spy,
        clock: new ManualClock(MONDAY_10_NY),
        timeoutMs: 1_000,
      });
      expect((await failure(adapter.validate(c))).code).toBe('TOKEN_EXPIRED');
      expect(seen).toEqual(['gateway.example.test:5000']);
      expect(isLoopbackHost('localhost')).toBe(true);
      expect(isLoopbackHost('[::1]')).toBe(true);
      expect(isLoopbackHost('127.0.0.2')).toBe(false);
      expect(isLoopbackHost('localhost.example.com')).toBe(false);
    }),
    behaviour('secrets', 'never shows a credential in results or errors (canary)', async () => {
      const canary = 'CANARYq7w3e9r1t5';
      const forms = canaryForms(canary);
      const outputs: string[] = [];
      const record = (value: unknown) => outputs.push(JSON.stringify(value) ?? '');
      const recordError = (error: unknown) => {
        const e = error as Error;
        outputs.push(e.message, e.stack ?? '', JSON.stringify(e));
      };

      const { ctx } = await setup();
      const bad = ctx({ credentials: { accountId: `DU${canary}`, note: canary } });
      await adapter.validate(bad).then(record, recordError);
      await adapter.placeOrder(bad, order()).then(record, recordError);
      const good = ctx({ credentials: { accountId: 'DU1234567', note: canary } });
      await adapter.funds(good).then(record, recordError);
      await adapter.login!(good).then(record, recordError);
      await adapter.quotes(good, ['US:AAPL']).then(record, recordError);

      const tls = await setup({ https: true });
      const pinned = tls.ctx({ credentials: { [PIN_FIELD]: Buffer.from(canary).toString('hex') } });
      await adapter.validate(pinned).then(record, recordError);
      await keepAlive(pinned).then(record, recordError);

      expect(outputs.length).toBeGreaterThan(8);
      for (const out of outputs) for (const form of forms) expect(out).not.toContain(form);
    }),
    behaviour('specific', 'searches the contract search live: US listings as US:<ticker>, conid as token, name and exchange', async () => {
      const { ctx } = await setup();
      const c = ctx();
      const found = await adapter.searchSymbols!(c, 'A', 20);
      expect(found.map((i) => i.symbol)).toEqual(['US:AAPL', 'US:AMZN']);
      // AAPL's Mexican listing is skipped: one US listing per ticker.
      expect(found[0]).toEqual({
        symbol: 'US:AAPL',
        exchange: 'NASDAQ',
        brokerSymbol: 'AAPL',
        token: '265598',
        name: 'APPLE INC',
        lotSize: 1,
        tickSize: 0.01,
        segment: 'STK',
      });
      expect(found[1]).toMatchObject({ symbol: 'US:AMZN', token: '3691937', name: 'AMAZON.COM INC' });
      expect((await adapter.searchSymbols!(c, 'us:spy', 20)).map((i) => [i.symbol, i.exchange])).toEqual([['US:SPY', 'ARCA']]);
      expect((await adapter.searchSymbols!(c, 'A', 1)).map((i) => i.symbol)).toEqual(['US:AAPL']);
      expect(await adapter.searchSymbols!(c, 'NOPE', 20)).toEqual([]);
      expect(await adapter.searchSymbols!(c, '  ', 20)).toEqual([]);
    }),
    behaviour('specific', 'caches found conids, so quoting and ordering a found symbol needs no second contract lookup', async () => {
      const { sim, ctx, paths } = await setup();
      const c = ctx();
      const [tsla] = await adapter.searchSymbols!(c, 'TSLA', 20);
      expect(tsla).toMatchObject({ symbol: 'US:TSLA', token: '76792991' });
      const searches = paths.filter((p) => p.endsWith('/secdef/search')).length;
      expect(searches).toBe(1);
      await adapter.quotes(c, ['US:TSLA']);
      const ack = await adapter.placeOrder(c, order({ symbol: 'US:TSLA' }));
      expect(sim.exchange.get(ack.brokerOrderId)!.extra.conid).toBe('76792991');
      expect(paths.filter((p) => p.endsWith('/secdef/search'))).toHaveLength(searches);
    }),
    behaviour('specific', 'needs the brokerage session like every /iserver call', async () => {
      const { sim, ctx } = await setup();
      sim.dropBrokerageSession();
      expect((await failure(adapter.searchSymbols!(ctx(), 'AAPL', 20))).code).toBe('TOKEN_EXPIRED');
    }),
    behaviour('history', 'bars from /iserver/marketdata/history agree with the price path, up to the current bar', async () => {
      const { ctx, clock } = await setup();
      expect(adapter.historyIntervals).toEqual(['1m', '5m', '15m', '30m', '1h', '1d']);
      const now = clock.now();
      const bars = await adapter.history!(ctx(), 'US:AAPL', '5m', now - 2 * 3_600_000, now + 1);
      expect(bars.length).toBeGreaterThanOrEqual(24);
      expect(bars.every((b) => b.time % 300_000 === 0 && b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close) && b.volume > 0)).toBe(true);
      expect(bars[0]!.open).toBe(priceAt('US:AAPL', bars[0]!.time));
      expect(bars.at(-1)!.close).toBe(priceAt('US:AAPL', now));
    }),
    behaviour('history', 'a range past the 1,000 bars of one request goes back in 8-hour windows: a day of minutes in four calls, none twice', async () => {
      const { ctx, clock, paths } = await setup();
      const now = clock.now();
      const minutes = await adapter.history!(ctx(), 'US:AAPL', '1m', now - 86_400_000, now + 1);
      expect(minutes.length).toBe(1440 + 1);
      expect(new Set(minutes.map((m) => m.time)).size).toBe(minutes.length);
      expect(paths.filter((p) => p === 'GET /iserver/marketdata/history')).toHaveLength(4);
    }),
    ...ibkrStreamingCases,
    ...ibkrExitCases,
  ],
};
