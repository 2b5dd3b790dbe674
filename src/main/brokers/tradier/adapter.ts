import { BrokerError, maskAccount, type BrokerAdapter, type BrokerContext, type BrokerOrder, type Position, type Quote } from '../types';
import { num } from '../json';
import { tradesFromOrders } from '../order-trades';
import { accountId, profileAccounts, tradierCall } from './client';
import { descriptor } from './descriptor';
import { tradierRateLimits } from './limits';
import { asList, toBrokerOrder, toFunds, toQuote, type TradierOrder, type TradierQuote } from './mapping';
import { tradierOrderStream } from './order-stream';
import { modifyForm, orderForm } from './orders';
import { searchSymbols } from './search';
import { tradierMarketStream } from './stream';
import { toTag, toTradierSymbol } from './symbols';
import { tradierHistory, tradierHistoryIntervals } from './history';
import { tradierExits } from './exits';

async function balances(ctx: BrokerContext) {
  const id = await accountId(ctx);
  const { body } = await tradierCall(ctx, { method: 'GET', path: `/accounts/${encodeURIComponent(id)}/balances` });
  return toFunds((body as { balances?: object }).balances ?? {});
}

async function listOrders(ctx: BrokerContext): Promise<BrokerOrder[]> {
  const id = await accountId(ctx);
  const { body } = await tradierCall(ctx, {
    method: 'GET',
    path: `/accounts/${encodeURIComponent(id)}/orders`,
    query: { includeTags: true },
  });
  // An advanced order (oco, otoco) is listed once with its legs under it: the book shows the legs, each an order.
  return asList<TradierOrder & { leg?: unknown }>((body as { orders?: { order?: unknown } }).orders?.order)
    .flatMap((o) => (o.leg === undefined ? [o] : asList<TradierOrder>(o.leg)))
    .map(toBrokerOrder);
}

async function fetchQuotes(ctx: BrokerContext, tickers: string[]): Promise<Quote[]> {
  if (tickers.length === 0) return [];
  const { body } = await tradierCall(ctx, {
    method: 'GET',
    path: '/markets/quotes',
    query: { symbols: tickers.join(','), greeks: false },
  });
  // Unknown tickers come back under quotes.unmatched_symbols and are simply absent here.
  const quotes = asList<TradierQuote>((body as { quotes?: { quote?: unknown } }).quotes?.quote);
  return quotes.map(toQuote).filter((q): q is Quote => q !== null);
}

export const adapter: BrokerAdapter = {
  symbolDialect: 'us',
  descriptor,
  rateLimits: tradierRateLimits,
  // OCO and OTOCO brackets are Tradier's own classes (see exits.ts).
  protectiveExits: tradierExits,
  historyIntervals: tradierHistoryIntervals,
  history: tradierHistory,

  async validate(ctx) {
    const accounts = await profileAccounts(ctx);
    const wanted = ctx.credentials.account_id?.trim();
    const account = wanted ? accounts.find((a) => a.account_number === wanted) : accounts.find((a) => a.status !== 'closed');
    if (!account?.account_number) {
      throw new BrokerError(
        'INVALID_CREDENTIALS',
        wanted ? 'This access token has no account with the number you entered.' : 'Tradier lists no open account for this access token.',
      );
    }
    ctx.memo.set('tradier.accountId', account.account_number);
    const funds = await balances(ctx);
    return {
      accountMasked: maskAccount(account.account_number),
      accountType: [account.classification, account.type].filter(Boolean).join(' ') || 'account',
      buyingPower: funds.available,
      currency: 'USD',
    };
  },

  funds: balances,

  async placeOrder(ctx, order) {
    const id = await accountId(ctx);
    const { body } = await tradierCall(ctx, {
      method: 'POST',
      path: `/accounts/${encodeURIComponent(id)}/orders`,
      form: orderForm(ctx, order),
    });
    const placed = (body as { order?: { id?: unknown } }).order;
    if (placed?.id === undefined) throw new BrokerError('BROKER_REJECTED', 'Tradier answered the order without an order id.');
    // status "ok" only means accepted for processing: risk checks may still reject it (seen on the next GET).
    return { brokerOrderId: String(placed.id), state: 'PENDING' };
  },

  async cancelOrder(ctx, brokerOrderId) {
    const id = await accountId(ctx);
    await tradierCall(ctx, {
      method: 'DELETE',
      path: `/accounts/${encodeURIComponent(id)}/orders/${encodeURIComponent(brokerOrderId)}`,
    });
  },

  async modifyOrder(ctx, brokerOrderId, change, order) {
    const form = modifyForm(change, order);
    const id = await accountId(ctx);
    await tradierCall(ctx, {
      method: 'PUT',
      path: `/accounts/${encodeURIComponent(id)}/orders/${encodeURIComponent(brokerOrderId)}`,
      form,
    });
  },

  async getOrder(ctx, lookup) {
    if (lookup.brokerOrderId) {
      const id = await accountId(ctx);
      try {
        const { body } = await tradierCall(ctx, {
          method: 'GET',
          path: `/accounts/${encodeURIComponent(id)}/orders/${encodeURIComponent(lookup.brokerOrderId)}`,
          query: { includeTags: true },
        });
        const order = (body as { order?: TradierOrder }).order;
        return order && typeof order === 'object' ? toBrokerOrder(order) : null;
      } catch (error) {
        if (error instanceof BrokerError && error.httpStatus === 404) return null;
        throw error;
      }
    }
    if (lookup.clientOrderId) {
      // Tradier has no client order id: the tag carries it, so search the order list.
      const tag = toTag(lookup.clientOrderId);
      return (await listOrders(ctx)).find((o) => o.clientOrderId === tag) ?? null;
    }
    return null;
  },

  orders: listOrders,
  // Tradier has no per-fill list (its history is by day): today's orders with fills, one trade each. No holdings:
  // its held shares are its positions.
  trades: async (ctx) => tradesFromOrders(await listOrders(ctx), ctx.clock.now(), 'America/New_York'),

  async positions(ctx) {
    const id = await accountId(ctx);
    const { body } = await tradierCall(ctx, { method: 'GET', path: `/accounts/${encodeURIComponent(id)}/positions` });
    const raw = asList<{ symbol: string; quantity: number; cost_basis: number }>((body as { positions?: { position?: unknown } }).positions?.position);
    // Positions carry no price: marks come from the quotes endpoint.
    const marks = new Map(
      (
        await fetchQuotes(
          ctx,
          raw.map((p) => p.symbol),
        )
      ).map((q) => [q.symbol, q.last]),
    );
    return raw.map((p): Position => {
      const quantity = num(p.quantity) ?? 0;
      const cost = num(p.cost_basis) ?? 0;
      const averagePrice = quantity !== 0 ? cost / quantity : 0;
      const lastPrice = marks.get(`US:${p.symbol}`) ?? null;
      return {
        symbol: `US:${p.symbol}`,
        quantity,
        averagePrice,
        lastPrice,
        unrealizedPnl: lastPrice === null ? null : (lastPrice - averagePrice) * quantity,
        realizedPnl: null,
      };
    });
  },

  async quotes(ctx, symbols) {
    return fetchQuotes(
      ctx,
      symbols.map((s) => toTradierSymbol(ctx, s)),
    );
  },

  // No instrument master: the console's symbol search uses Tradier's lookup live.
  searchSymbols,

  // Personal access tokens do not expire.
  sessionExpiry: () => null,

  marketStream: tradierMarketStream,
  orderStream: tradierOrderStream,
};
