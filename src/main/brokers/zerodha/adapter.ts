import {
  BrokerError,
  maskAccount,
  type AccountSummary,
  type BrokerAdapter,
  type BrokerContext,
  type BrokerOrder,
  type Funds,
  type OrderLookup,
  type Position,
  type Quote,
} from '../types';
import { holdings, trades } from './books';
import { kite } from './client';
import { descriptor } from './descriptor';
import { kiteRateLimits } from './limits';
import { fetchKiteInstruments } from './instruments';
import { kiteTag, orderForm, toBrokerOrder, toKiteInstrument, toPosition, toQuote } from './mapping';
import { completeKiteLogin, kiteLoginUrl, kiteSessionExpiry } from './session';
import { kiteMarketStream } from './stream';
import { kiteOrderStream } from './order-stream';
import { kiteHistory, kiteHistoryIntervals } from './history';
import { kiteProtectiveExits } from './gtt';
import { isRecord, num, record, text } from '../json';

/** GET /quote takes at most 500 instruments per call. */
const QUOTE_BATCH = 500;

function equityFunds(segment: unknown): Funds {
  const equity = record(segment);
  const available = num(equity.net) ?? 0;
  const used = num(record(equity.utilised).debits) ?? 0;
  return { available, used, total: available + used, currency: 'INR' };
}

/** The order's state history (GET /orders/{id}); null when Kite does not know the id. */
async function orderHistory(ctx: BrokerContext, orderId: string): Promise<Record<string, unknown>[] | null> {
  try {
    const history = await kite<unknown[]>(ctx, { kind: 'read', method: 'GET', path: `/orders/${encodeURIComponent(orderId)}` });
    return Array.isArray(history) ? history.filter(isRecord) : null;
  } catch (error) {
    if (error instanceof BrokerError && error.code === 'BROKER_REJECTED' && /find|not found|invalid/i.test(error.message)) return null;
    throw error;
  }
}

async function orderBook(ctx: BrokerContext): Promise<BrokerOrder[]> {
  const data = await kite<unknown[]>(ctx, { kind: 'read', method: 'GET', path: '/orders' });
  return (Array.isArray(data) ? data : []).map(toBrokerOrder);
}

export const adapter: BrokerAdapter = {
  symbolDialect: 'yymmm',
  descriptor,
  rateLimits: kiteRateLimits,

  fetchInstruments: fetchKiteInstruments,
  marketStream: kiteMarketStream,
  orderStream: kiteOrderStream,
  historyIntervals: kiteHistoryIntervals,
  history: kiteHistory,

  loginUrl: (ctx, _redirectUri, state) => kiteLoginUrl(ctx, state),
  completeLogin: (ctx, params) => completeKiteLogin(ctx, params),
  sessionExpiry: kiteSessionExpiry,

  async validate(ctx): Promise<AccountSummary> {
    const profile = record(await kite(ctx, { kind: 'read', method: 'GET', path: '/user/profile' }));
    const equity = await kite(ctx, { kind: 'read', method: 'GET', path: '/user/margins/equity' });
    return {
      accountMasked: maskAccount(text(profile.user_id) ?? ''),
      accountType: text(profile.user_type) ?? 'individual',
      buyingPower: equityFunds(equity).available,
      currency: 'INR',
    };
  },

  async funds(ctx) {
    const margins = record(await kite(ctx, { kind: 'read', method: 'GET', path: '/user/margins' }));
    return equityFunds(margins.equity);
  },

  async placeOrder(ctx, order) {
    const data = record(await kite(ctx, { kind: 'order', method: 'POST', path: '/orders/regular', form: orderForm(ctx, order) }));
    const orderId = text(data.order_id);
    if (!orderId) throw new BrokerError('BROKER_REJECTED', 'Zerodha accepted the request but returned no order id. Check the order book.');
    // A placed order is only acknowledged by Kite's OMS; the exchange may still reject it (see getOrder).
    return { brokerOrderId: orderId, state: 'PENDING' };
  },

  async cancelOrder(ctx, brokerOrderId) {
    const history = await orderHistory(ctx, brokerOrderId);
    const latest = history?.at(-1);
    if (!latest) throw new BrokerError('BROKER_REJECTED', 'Zerodha has no order with that id today.');
    const variety = text(latest.variety) ?? 'regular';
    await kite(ctx, {
      kind: 'order',
      method: 'DELETE',
      path: `/orders/${encodeURIComponent(variety)}/${encodeURIComponent(brokerOrderId)}`,
      query: { parent_order_id: text(latest.parent_order_id) ?? undefined },
    });
  },

  /**
   * PUT /orders/{variety}/{order_id} with the new quantity, type and prices (Kite keeps what is not sent). Kite's own
   * rules apply and come back in its words: about 25 modifications per order, market orders only with protection.
   */
  async modifyOrder(ctx, brokerOrderId, _change, order) {
    const latest = (await orderHistory(ctx, brokerOrderId))?.at(-1);
    if (!latest) throw new BrokerError('BROKER_REJECTED', 'Zerodha has no order with that id today.');
    const variety = text(latest.variety) ?? 'regular';
    const form = orderForm(ctx, { ...order, timeInForce: text(latest.validity) === 'IOC' ? 'IOC' : 'DAY' });
    await kite(ctx, {
      kind: 'order',
      method: 'PUT',
      path: `/orders/${encodeURIComponent(variety)}/${encodeURIComponent(brokerOrderId)}`,
      form: {
        quantity: form.quantity,
        order_type: form.order_type,
        price: form.price,
        trigger_price: form.trigger_price,
        validity: form.validity,
        market_protection: form.market_protection,
      },
    });
  },

  async getOrder(ctx, lookup: OrderLookup) {
    if (lookup.brokerOrderId) {
      const latest = (await orderHistory(ctx, lookup.brokerOrderId))?.at(-1);
      return latest ? toBrokerOrder(latest) : null;
    }
    if (lookup.clientOrderId) {
      // Kite has no lookup by tag: search today's order book, newest first.
      const tag = kiteTag(lookup.clientOrderId);
      return (await orderBook(ctx)).filter((o) => o.clientOrderId === tag).at(-1) ?? null;
    }
    return null;
  },

  orders: orderBook,

  async positions(ctx): Promise<Position[]> {
    const data = record(await kite(ctx, { kind: 'read', method: 'GET', path: '/portfolio/positions' }));
    return (Array.isArray(data.net) ? data.net : []).map(toPosition);
  },

  holdings,
  trades,
  protectiveExits: kiteProtectiveExits,

  async quotes(ctx, symbols): Promise<Quote[]> {
    const keys = symbols.map((symbol) => {
      const { exchange, tradingsymbol } = toKiteInstrument(ctx, symbol);
      return { symbol, key: `${exchange}:${tradingsymbol}` };
    });
    const out: Quote[] = [];
    for (let i = 0; i < keys.length; i += QUOTE_BATCH) {
      const batch = keys.slice(i, i + QUOTE_BATCH);
      const query = new URLSearchParams(batch.map((k): [string, string] => ['i', k.key]));
      // brokerRequest's query object cannot repeat a key, so the repeated i= goes into the path.
      const data = record(await kite(ctx, { kind: 'read', method: 'GET', path: `/quote?${query.toString()}` }));
      for (const { symbol, key } of batch) {
        const entry = data[key];
        if (isRecord(entry)) out.push(toQuote(symbol, entry));
      }
    }
    return out;
  },
};
