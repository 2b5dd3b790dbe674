import { BrokerError, maskAccount, type BrokerAdapter, type BrokerContext, type BrokerOrder, type OrderRequest, type Quote } from '../types';
import { ACCESS_TOKEN, ACCESS_TOKEN_EXPIRES_AT, accountNumber, accountPath, customerAccounts, data, exchangeRefreshToken, tastyCall } from './client';
import { descriptor } from './descriptor';
import { tradesFromOrders } from '../order-trades';
import { tastyRateLimits } from './limits';
import { toBrokerOrder, toFunds, toPosition, toQuote, type TastyOrder, type TastyPosition, type TastyQuote } from './mapping';
import { tastytradeOrderStream } from './order-stream';
import { orderBody, toDryRun, type DryRunResult } from './orders';
import { searchSymbols } from './search';
import { tastytradeMarketStream } from './stream';
import { toTastySymbol } from './symbols';
import { tastytradeExits } from './exits';

export type { DryRunResult } from './orders';

async function funds(ctx: BrokerContext) {
  const account = await accountNumber(ctx);
  return toFunds(data<Record<string, unknown>>(await tastyCall(ctx, { method: 'GET', path: accountPath(account, '/balances') })));
}

/** Today's orders (working and finished today): where an order is found again by its external identifier. */
async function liveOrders(ctx: BrokerContext): Promise<BrokerOrder[]> {
  const account = await accountNumber(ctx);
  const items = data<{ items?: TastyOrder[] }>(await tastyCall(ctx, { method: 'GET', path: accountPath(account, '/orders/live') })).items ?? [];
  return items.map(toBrokerOrder);
}

/**
 * Pre-check an order with tastytrade's dry-run endpoint: nothing is placed. Resolves with the buying-power effect,
 * fees and warnings; a failed preflight check throws BROKER_REJECTED with tastytrade's reasons.
 */
export async function dryRunOrder(ctx: BrokerContext, order: OrderRequest): Promise<DryRunResult> {
  const account = await accountNumber(ctx);
  const response = await tastyCall(ctx, { method: 'POST', path: accountPath(account, '/orders/dry-run'), json: orderBody(ctx, order) });
  return toDryRun(data(response));
}

export const adapter: BrokerAdapter = {
  symbolDialect: 'us',
  descriptor,
  rateLimits: tastyRateLimits,

  login: exchangeRefreshToken,
  // A failed dry run throws BROKER_REJECTED with tastytrade's reasons, before anything is placed.
  async precheckOrder(ctx, order) {
    await dryRunOrder(ctx, order);
  },

  async validate(ctx) {
    const items = await customerAccounts(ctx);
    const wanted = ctx.credentials.account_number?.trim();
    const item = items.find((i) => (wanted ? i.account?.['account-number'] === wanted : i.account?.['account-number'] && !i.account['is-closed']));
    const account = item?.account;
    if (!account?.['account-number']) {
      throw new BrokerError(
        'INVALID_CREDENTIALS',
        wanted ? 'This login has no account with the number you entered.' : 'tastytrade lists no open account for this login.',
      );
    }
    ctx.memo.set('tastytrade.account', account['account-number']);
    const balance = await funds(ctx);
    return {
      accountMasked: maskAccount(account['account-number']),
      accountType: [account['account-type-name'], account['margin-or-cash']].filter(Boolean).join(' ') || 'account',
      buyingPower: balance.available,
      currency: balance.currency,
    };
  },

  funds,

  async placeOrder(ctx, order) {
    const account = await accountNumber(ctx);
    const response = await tastyCall(ctx, { method: 'POST', path: accountPath(account, '/orders'), json: orderBody(ctx, order) });
    const placed = data<{ order?: TastyOrder }>(response).order;
    if (!placed || placed.id === undefined) throw new BrokerError('BROKER_REJECTED', 'tastytrade answered the order without an order id.');
    return { brokerOrderId: String(placed.id), state: toBrokerOrder(placed).state };
  },

  /**
   * PUT /accounts/{n}/orders/{id}: a cancel-replace with the full new order. tastytrade answers with the replacement,
   * which carries a new id; the journal follows it.
   */
  async modifyOrder(ctx, brokerOrderId, _change, order) {
    const account = await accountNumber(ctx);
    const response = await tastyCall(ctx, {
      method: 'PUT',
      path: accountPath(account, `/orders/${encodeURIComponent(brokerOrderId)}`),
      json: orderBody(ctx, order),
    });
    const replacement = data<TastyOrder & { order?: TastyOrder }>(response);
    const placed = replacement.order ?? replacement;
    if (placed.id === undefined) throw new BrokerError('BROKER_REJECTED', 'tastytrade answered the change without an order id.');
    return { brokerOrderId: String(placed.id), state: toBrokerOrder(placed).state };
  },

  async cancelOrder(ctx, brokerOrderId) {
    const account = await accountNumber(ctx);
    // Answers "Cancel Requested"; the order turns Cancelled shortly after.
    await tastyCall(ctx, { method: 'DELETE', path: accountPath(account, `/orders/${encodeURIComponent(brokerOrderId)}`) });
  },

  async getOrder(ctx, lookup) {
    if (lookup.brokerOrderId) {
      const account = await accountNumber(ctx);
      try {
        const response = await tastyCall(ctx, { method: 'GET', path: accountPath(account, `/orders/${encodeURIComponent(lookup.brokerOrderId)}`) });
        return toBrokerOrder(data<TastyOrder>(response));
      } catch (error) {
        if (error instanceof BrokerError && error.httpStatus === 404) return null;
        throw error;
      }
    }
    if (lookup.clientOrderId) {
      // external-identifier is echoed but not indexed: search today's orders.
      return (await liveOrders(ctx)).find((o) => o.clientOrderId === lookup.clientOrderId) ?? null;
    }
    return null;
  },

  orders: liveOrders,
  // Today's filled orders, one trade each, from the live orders (today's book). No holdings: its held shares are its
  // positions.
  trades: async (ctx) => tradesFromOrders(await liveOrders(ctx), ctx.clock.now(), 'America/New_York'),

  async positions(ctx) {
    const account = await accountNumber(ctx);
    const response = await tastyCall(ctx, { method: 'GET', path: accountPath(account, '/positions'), query: { 'include-marks': true } });
    return (data<{ items?: TastyPosition[] }>(response).items ?? []).map(toPosition).filter((p) => p.quantity !== 0);
  },

  async quotes(ctx, symbols) {
    const instruments = symbols.map((s) => toTastySymbol(ctx, s));
    const out: Quote[] = [];
    // At most 100 symbols per request, across all instrument types.
    for (let i = 0; i < instruments.length; i += 100) {
      const chunk = instruments.slice(i, i + 100);
      const query: Record<string, string> = {};
      for (const inst of chunk) query[inst.queryKey] = query[inst.queryKey] ? `${query[inst.queryKey]},${inst.symbol}` : inst.symbol;
      const response = await tastyCall(ctx, { method: 'GET', path: '/market-data/by-type', query });
      for (const q of data<{ items?: TastyQuote[] }>(response).items ?? []) {
        const quote = toQuote(q);
        if (quote) out.push(quote);
      }
    }
    return out;
  },

  // No instrument master: the console's symbol search uses tastytrade's symbol search live.
  searchSymbols,

  sessionExpiry(ctx) {
    if (!ctx.credentials[ACCESS_TOKEN]) return 0;
    const at = Number(ctx.credentials[ACCESS_TOKEN_EXPIRES_AT]);
    return Number.isFinite(at) && at > 0 ? at : null;
  },

  // OCO and OTOCO brackets are tastytrade complex orders (see exits.ts).
  protectiveExits: tastytradeExits,
  marketStream: tastytradeMarketStream,
  orderStream: tastytradeOrderStream,
};
