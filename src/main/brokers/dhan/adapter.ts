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
import { holdings, trades } from './books';
import { dhanCall, dhanIdentity } from './client';
import { descriptor } from './descriptor';
import { dhanHistory, dhanHistoryIntervals } from './history';
import { dhanRateLimits } from './limits';
import { fetchInstruments, requireInstrument } from './instruments';
import { correlationId, toBrokerOrder, toOrderBody, toOrderState, toPosition, toQuote, type DhanOrder } from './mapping';
import { dhanOrderStream } from './order-stream';
import { dhanProtectiveExits } from './exits';
import { login, sessionExpiry } from './session';
import { dhanMarketStream } from './stream';

/** Market quote calls take up to 1000 instruments. */
const QUOTE_BATCH = 1000;

interface FundLimit {
  availabelBalance?: number;
  utilizedAmount?: number;
}

async function funds(ctx: BrokerContext): Promise<Funds> {
  const f = await dhanCall<FundLimit | null>(ctx, { method: 'GET', path: '/fundlimit' });
  // Dhan spells the key "availabelBalance".
  const available = numOrZero(f?.availabelBalance);
  const used = numOrZero(f?.utilizedAmount);
  return { available, used, total: available + used, currency: 'INR' };
}

async function validate(ctx: BrokerContext): Promise<AccountSummary> {
  const profile = await dhanCall<{ dhanClientId?: string } | null>(ctx, { method: 'GET', path: '/profile' });
  const { available } = await funds(ctx);
  return {
    accountMasked: maskAccount(String(profile?.dhanClientId ?? ctx.credentials.dhanClientId ?? '')),
    accountType: ctx.environment === 'sandbox' ? 'Sandbox' : 'Individual',
    buyingPower: available,
    currency: 'INR',
  };
}

async function placeOrder(ctx: BrokerContext, order: OrderRequest): Promise<OrderAck> {
  const { clientId } = dhanIdentity(ctx);
  const instrument = requireInstrument(ctx, order.symbol);
  const ack = await dhanCall<{ orderId?: string; orderStatus?: string } | null>(ctx, {
    method: 'POST',
    path: '/orders',
    json: toOrderBody(clientId, order, instrument),
  });
  if (!ack?.orderId) throw new BrokerError('BROKER_REJECTED', 'Dhan accepted the order without an order id. Check the order book.');
  return { brokerOrderId: String(ack.orderId), state: toOrderState(ack.orderStatus) };
}

async function cancelOrder(ctx: BrokerContext, brokerOrderId: string): Promise<void> {
  await dhanCall(ctx, { method: 'DELETE', path: `/orders/${encodeURIComponent(brokerOrderId)}` });
}

/**
 * PUT /orders/{orderId} with the full new terms (order type, quantity, price, trigger, validity); the order keeps its id.
 * Dhan's own rules (at most 25 modifications per order) come back in its words.
 */
async function modifyOrder(ctx: BrokerContext, brokerOrderId: string, _change: OrderChange, order: ModifiedOrder): Promise<void> {
  const { clientId } = dhanIdentity(ctx);
  const body = toOrderBody(clientId, order, requireInstrument(ctx, order.symbol));
  await dhanCall(ctx, {
    method: 'PUT',
    path: `/orders/${encodeURIComponent(brokerOrderId)}`,
    json: {
      dhanClientId: clientId,
      orderId: brokerOrderId,
      orderType: body.orderType,
      legName: '',
      quantity: body.quantity,
      price: body.price,
      disclosedQuantity: 0,
      triggerPrice: body.triggerPrice,
      validity: body.validity,
    },
  });
}

/** Single-order answers are an object; accept a one-element list too. */
function single(answer: DhanOrder | DhanOrder[] | null): DhanOrder | null {
  const order = Array.isArray(answer) ? answer[0] : answer;
  return order && order.orderId ? order : null;
}

async function getOrder(ctx: BrokerContext, lookup: OrderLookup): Promise<BrokerOrder | null> {
  const path = lookup.brokerOrderId
    ? `/orders/${encodeURIComponent(lookup.brokerOrderId)}`
    : lookup.clientOrderId
      ? `/orders/external/${encodeURIComponent(correlationId(lookup.clientOrderId))}`
      : null;
  if (!path) return null;
  try {
    const order = single(await dhanCall<DhanOrder | DhanOrder[] | null>(ctx, { method: 'GET', path }));
    if (!order) return null;
    const mapped = toBrokerOrder(order);
    return lookup.clientOrderId ? { ...mapped, clientOrderId: lookup.clientOrderId } : mapped;
  } catch (error) {
    // An unknown id comes back as a data/order error; that means "no such order", not a failure.
    if (error instanceof BrokerError && error.code === 'BROKER_REJECTED' && (error.httpStatus === 404 || /DH-90[67]/.test(error.message))) return null;
    throw error;
  }
}

async function orders(ctx: BrokerContext): Promise<BrokerOrder[]> {
  const list = await dhanCall<DhanOrder[] | null>(ctx, { method: 'GET', path: '/orders' });
  return (list ?? []).map(toBrokerOrder);
}

async function positions(ctx: BrokerContext): Promise<Position[]> {
  const list = await dhanCall<Record<string, unknown>[] | null>(ctx, { method: 'GET', path: '/positions' });
  return (list ?? []).filter((p) => p.positionType !== 'CLOSED' || numOrZero(p.realizedProfit) !== 0).map(toPosition);
}

async function quotes(ctx: BrokerContext, symbols: string[]): Promise<Quote[]> {
  const wanted = symbols.map((symbol) => ({ symbol, instrument: requireInstrument(ctx, symbol) }));
  const out: Quote[] = [];
  for (let i = 0; i < wanted.length; i += QUOTE_BATCH) {
    const batch = wanted.slice(i, i + QUOTE_BATCH);
    const body: Record<string, number[]> = {};
    for (const { instrument } of batch) (body[instrument.segment] ??= []).push(Number(instrument.token));
    const answer = await dhanCall<{ data?: Record<string, Record<string, Record<string, unknown>>> } | null>(ctx, {
      method: 'POST',
      path: '/marketfeed/quote',
      json: body,
    });
    for (const { symbol, instrument } of batch) {
      const row = answer?.data?.[instrument.segment]?.[instrument.token];
      if (row) out.push(toQuote(symbol, row));
    }
  }
  return out;
}

export const adapter: BrokerAdapter = {
  symbolDialect: 'dashed',
  descriptor,
  rateLimits: dhanRateLimits,
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
  historyIntervals: dhanHistoryIntervals,
  history: dhanHistory,
  holdings,
  trades,
  protectiveExits: dhanProtectiveExits,
  sessionExpiry,
  marketStream: dhanMarketStream,
  orderStream: dhanOrderStream,
};
