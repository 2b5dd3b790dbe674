import {
  BrokerError,
  maskAccount,
  type AccountSummary,
  type BrokerAdapter,
  type BrokerContext,
  type BrokerOrder,
  type Funds,
  type Position,
  type Quote,
} from '../types';
import { fyersProtectiveExits } from './exits';
import { holdings, trades } from './books';
import { fyers } from './client';
import { descriptor } from './descriptor';
import { fyersRateLimits } from './limits';
import { fetchFyersInstruments } from './instruments';
import { toBrokerOrder, orderBody, toPosition, toQuote } from './mapping';
import { completeFyersLogin, fyersLoginUrl, fyersSessionExpiry } from './session';
import { fyersTag, toFyersSymbol } from './symbols';
import { fyersMarketStream } from './stream';
import { fyersOrderStream } from './order-stream';
import { isRecord, num, record, text } from '../json';
import { fyersHistory, fyersHistoryIntervals } from './history';

/** GET /data/quotes takes at most 50 symbols per call. */
const QUOTE_BATCH = 50;
/** fund_limit ids: 1 Total Balance, 2 Utilized Amount, 10 Available Balance. */
const FUND_TOTAL = 1;
const FUND_USED = 2;
const FUND_AVAILABLE = 10;

function fundAmount(fundLimit: unknown, id: number): number {
  const row = (Array.isArray(fundLimit) ? fundLimit : []).map(record).find((r) => num(r.id) === id);
  return num(row?.equityAmount) ?? 0;
}

async function fetchFunds(ctx: BrokerContext): Promise<Funds> {
  const body = await fyers(ctx, { kind: 'read', method: 'GET', path: '/api/v3/funds' });
  return {
    available: fundAmount(body.fund_limit, FUND_AVAILABLE),
    used: fundAmount(body.fund_limit, FUND_USED),
    total: fundAmount(body.fund_limit, FUND_TOTAL),
    currency: 'INR',
  };
}

async function orderBook(ctx: BrokerContext, query: Record<string, string> = {}): Promise<BrokerOrder[]> {
  try {
    const body = await fyers(ctx, { kind: 'read', method: 'GET', path: '/api/v3/orders', query });
    return (Array.isArray(body.orderBook) ? body.orderBook : []).map((o) => toBrokerOrder(ctx, o));
  } catch (error) {
    // An id lookup for an order FYERS does not know answers "not found" rather than an empty book.
    if (query.id && error instanceof BrokerError && error.code === 'BROKER_REJECTED' && /not found|invalid order/i.test(error.message)) return [];
    throw error;
  }
}

function newest(orders: BrokerOrder[]): BrokerOrder | null {
  return orders.reduce<BrokerOrder | null>((best, o) => (!best || (o.updatedAt ?? 0) >= (best.updatedAt ?? 0) ? o : best), null);
}

export const adapter: BrokerAdapter = {
  symbolDialect: 'yymmm',
  descriptor,
  historyIntervals: fyersHistoryIntervals,
  history: fyersHistory,
  rateLimits: fyersRateLimits,

  fetchInstruments: fetchFyersInstruments,

  loginUrl: fyersLoginUrl,
  completeLogin: (ctx, params) => completeFyersLogin(ctx, params),
  sessionExpiry: fyersSessionExpiry,

  marketStream: fyersMarketStream,
  orderStream: fyersOrderStream,
  protectiveExits: fyersProtectiveExits,

  async validate(ctx): Promise<AccountSummary> {
    const profile = record((await fyers(ctx, { kind: 'read', method: 'GET', path: '/api/v3/profile' })).data);
    const funds = await fetchFunds(ctx);
    return { accountMasked: maskAccount(text(profile.fy_id) ?? ''), accountType: 'individual', buyingPower: funds.available, currency: 'INR' };
  },

  funds: fetchFunds,

  async placeOrder(ctx, order) {
    const body = await fyers(ctx, { kind: 'order', method: 'POST', path: '/api/v3/orders/sync', json: orderBody(ctx, order) });
    const id = text(body.id);
    if (!id) throw new BrokerError('BROKER_REJECTED', 'FYERS accepted the request but returned no order id. Check the order book.');
    return { brokerOrderId: id, state: 'OPEN' };
  },

  async cancelOrder(ctx, brokerOrderId) {
    await fyers(ctx, { kind: 'order', method: 'DELETE', path: '/api/v3/orders/sync', json: { id: brokerOrderId } });
  },

  /** PATCH /api/v3/orders/sync {id, type, qty, limitPrice, stopPrice}: the order keeps its id; FYERS's refusals in its words. */
  async modifyOrder(ctx, brokerOrderId, _change, order) {
    const body = orderBody(ctx, { ...order, timeInForce: 'DAY' });
    await fyers(ctx, {
      kind: 'order',
      method: 'PATCH',
      path: '/api/v3/orders/sync',
      json: { id: brokerOrderId, type: body.type, qty: body.qty, limitPrice: body.limitPrice, stopPrice: body.stopPrice },
    });
  },

  async getOrder(ctx, lookup) {
    if (lookup.brokerOrderId) {
      const id = lookup.brokerOrderId;
      return (await orderBook(ctx, { id })).find((o) => o.brokerOrderId === id) ?? null;
    }
    if (lookup.clientOrderId) {
      const tag = fyersTag(lookup.clientOrderId);
      // order_tag narrows the book where FYERS supports it; the tag is re-checked here either way.
      return newest((await orderBook(ctx, { order_tag: tag })).filter((o) => o.clientOrderId === tag));
    }
    return null;
  },

  orders: (ctx) => orderBook(ctx),

  async positions(ctx): Promise<Position[]> {
    const body = await fyers(ctx, { kind: 'read', method: 'GET', path: '/api/v3/positions' });
    return (Array.isArray(body.netPositions) ? body.netPositions : []).map((p) => toPosition(ctx, p));
  },

  holdings,
  trades,

  async quotes(ctx, symbols): Promise<Quote[]> {
    const tickers = symbols.map((symbol) => ({ symbol, ticker: toFyersSymbol(ctx, symbol) }));
    const out: Quote[] = [];
    for (let i = 0; i < tickers.length; i += QUOTE_BATCH) {
      const batch = tickers.slice(i, i + QUOTE_BATCH);
      const body = await fyers(ctx, { kind: 'read', method: 'GET', path: '/data/quotes', query: { symbols: batch.map((t) => t.ticker).join(',') } });
      const entries = (Array.isArray(body.d) ? body.d : []).filter(isRecord);
      for (const { symbol, ticker } of batch) {
        const entry = entries.find((e) => e.n === ticker);
        const quote = entry ? toQuote(symbol, entry) : null;
        if (quote) out.push(quote);
      }
    }
    return out;
  },
};
