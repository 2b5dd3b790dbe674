import {
  BrokerError,
  maskAccount,
  type AccountSummary,
  type BrokerAdapter,
  type BrokerContext,
  type BrokerOrder,
  type Funds,
  type ModifiedOrder,
  type OrderAck,
  type OrderChange,
  type OrderLookup,
  type OrderRequest,
  type Position,
  type Quote,
} from '../types';
import { numOrZero } from '../json';
import { angelProtectiveExits } from './exits';
import { holdings, trades } from './books';
import { angelCall, PATHS } from './client';
import { descriptor } from './descriptor';
import { angelHistory, angelHistoryIntervals } from './history';
import { angelRateLimits } from './limits';
import { fetchInstruments, requireInstrument } from './instruments';
import { orderTag, toBrokerOrder, toPlaceOrderBody, toPosition, toQuote, type AngelOrderRow } from './mapping';
import { angelOrderStream } from './order-stream';
import { login, sessionExpiry } from './session';
import { angelMarketStream } from './stream';

/** SmartAPI's market/v1/quote takes at most 50 tokens per call. */
const QUOTE_BATCH = 50;

interface RmsData {
  net?: string;
  availablecash?: string;
  utiliseddebits?: string;
}

async function funds(ctx: BrokerContext): Promise<Funds> {
  const rms = await angelCall<RmsData | null>(ctx, { method: 'GET', path: PATHS.rms });
  const available = numOrZero(rms?.net);
  const used = numOrZero(rms?.utiliseddebits);
  return { available, used, total: available + used, currency: 'INR' };
}

async function validate(ctx: BrokerContext): Promise<AccountSummary> {
  const profile = await angelCall<{ clientcode?: string } | null>(ctx, { method: 'GET', path: PATHS.profile });
  const { available } = await funds(ctx);
  return {
    accountMasked: maskAccount(profile?.clientcode ?? ctx.credentials.clientcode ?? ''),
    accountType: 'Individual (SmartAPI)',
    buyingPower: available,
    currency: 'INR',
  };
}

async function placeOrder(ctx: BrokerContext, order: OrderRequest): Promise<OrderAck> {
  const instrument = requireInstrument(ctx, order.symbol);
  const body = toPlaceOrderBody(order, instrument);
  const data = await angelCall<{ orderid?: string } | null>(ctx, { method: 'POST', path: PATHS.placeOrder, json: body });
  if (!data?.orderid) throw new BrokerError('BROKER_REJECTED', 'Angel One accepted the order without an order id. Check the order book.');
  rememberVariety(ctx, data.orderid, String(body.variety));
  // A SUCCESS here only means "received": acceptance or rejection shows in the order book.
  return { brokerOrderId: data.orderid, state: 'PENDING' };
}

/** Cancel needs the order's variety. It is remembered when we place or read an order, so cancelling
 * does not spend the 1/s order-book budget (a kill switch reads the book once, then cancels many). */
function rememberVariety(ctx: BrokerContext, orderId: string, variety: unknown): void {
  if (typeof variety === 'string' && variety) ctx.memo.set(`angel.variety.${orderId}`, variety);
}

async function orders(ctx: BrokerContext): Promise<BrokerOrder[]> {
  const rows = await angelCall<AngelOrderRow[] | null>(ctx, { method: 'GET', path: PATHS.orderBook });
  for (const row of rows ?? []) rememberVariety(ctx, String(row.orderid), row.variety);
  return (rows ?? []).map(toBrokerOrder);
}

async function cancelOrder(ctx: BrokerContext, brokerOrderId: string): Promise<void> {
  let variety = ctx.memo.get(`angel.variety.${brokerOrderId}`) as string | undefined;
  if (!variety) {
    // An order placed elsewhere and never read here: look its variety up in the book.
    await orders(ctx);
    variety = (ctx.memo.get(`angel.variety.${brokerOrderId}`) as string | undefined) ?? 'NORMAL';
  }
  await angelCall(ctx, { method: 'POST', path: PATHS.cancelOrder, json: { variety, orderid: brokerOrderId } });
}

/**
 * POST modifyOrder with the order's full new terms (SmartAPI wants them all again). The variety (NORMAL for market and
 * limit, STOPLOSS for stops) cannot change, so a type change across the two is refused here in our words.
 */
async function modifyOrder(ctx: BrokerContext, brokerOrderId: string, _change: OrderChange, order: ModifiedOrder): Promise<void> {
  let variety = ctx.memo.get(`angel.variety.${brokerOrderId}`) as string | undefined;
  if (!variety) {
    await orders(ctx);
    variety = (ctx.memo.get(`angel.variety.${brokerOrderId}`) as string | undefined) ?? 'NORMAL';
  }
  const body = toPlaceOrderBody(order, requireInstrument(ctx, order.symbol));
  if (body.variety !== variety) {
    throw new BrokerError('NOT_SUPPORTED', 'Angel One cannot turn a regular order into a stop-loss order or back; cancel it and place a new one.');
  }
  await angelCall(ctx, {
    method: 'POST',
    path: PATHS.modifyOrder,
    json: {
      variety,
      orderid: brokerOrderId,
      ordertype: body.ordertype,
      producttype: body.producttype,
      duration: body.duration,
      price: body.price,
      triggerprice: body.triggerprice,
      quantity: body.quantity,
      tradingsymbol: body.tradingsymbol,
      symboltoken: body.symboltoken,
      exchange: body.exchange,
    },
  });
}

/** SmartAPI has no lookup by tag, so both lookups search the order book. */
async function getOrder(ctx: BrokerContext, lookup: OrderLookup): Promise<BrokerOrder | null> {
  const all = await orders(ctx);
  if (lookup.brokerOrderId) return all.find((o) => o.brokerOrderId === lookup.brokerOrderId) ?? null;
  if (lookup.clientOrderId) {
    const tag = orderTag(lookup.clientOrderId);
    const found = all.find((o) => o.clientOrderId === tag);
    return found ? { ...found, clientOrderId: lookup.clientOrderId } : null;
  }
  return null;
}

async function positions(ctx: BrokerContext): Promise<Position[]> {
  const rows = await angelCall<Record<string, unknown>[] | null>(ctx, { method: 'GET', path: PATHS.positions });
  return (rows ?? []).map(toPosition);
}

async function quotes(ctx: BrokerContext, symbols: string[]): Promise<Quote[]> {
  const wanted = symbols.map((symbol) => ({ symbol, instrument: requireInstrument(ctx, symbol) }));
  const out: Quote[] = [];
  for (let i = 0; i < wanted.length; i += QUOTE_BATCH) {
    const batch = wanted.slice(i, i + QUOTE_BATCH);
    const exchangeTokens: Record<string, string[]> = {};
    for (const { instrument } of batch) (exchangeTokens[instrument.exchange] ??= []).push(instrument.token);
    const data = await angelCall<{ fetched?: Record<string, unknown>[] } | null>(ctx, {
      method: 'POST',
      path: PATHS.quote,
      json: { mode: 'FULL', exchangeTokens },
    });
    for (const { symbol, instrument } of batch) {
      const row = data?.fetched?.find((f) => String(f.exchange) === instrument.exchange && String(f.symbolToken) === instrument.token);
      if (row) out.push(toQuote(symbol, row));
    }
  }
  return out;
}

export const adapter: BrokerAdapter = {
  symbolDialect: 'ddmmmyy',
  descriptor,
  rateLimits: angelRateLimits,
  fetchInstruments,
  login,
  validate,
  funds,
  placeOrder,
  cancelOrder,
  modifyOrder,
  getOrder,
  orders,
  positions,
  quotes,
  historyIntervals: angelHistoryIntervals,
  history: angelHistory,
  holdings,
  trades,
  protectiveExits: angelProtectiveExits,
  sessionExpiry,
  marketStream: angelMarketStream,
  orderStream: angelOrderStream,
};
