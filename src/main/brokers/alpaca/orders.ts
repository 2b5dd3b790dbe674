import {
  BrokerError,
  type BrokerContext,
  type BrokerOrder,
  type ModifiedOrder,
  type OrderAck,
  type OrderChange,
  type OrderLookup,
  type OrderRequest,
  type Position,
} from '../types';
import { alpacaRequest, errorText } from './client';
import { alpacaSymbol, decimal, orderState, toBrokerOrder, toPosition, type AlpacaOrder, type AlpacaPosition } from './mapping';

const TYPE = { MARKET: 'market', LIMIT: 'limit', STOP: 'stop', STOP_LIMIT: 'stop_limit' } as const;

function orderBody(ctx: BrokerContext, order: OrderRequest): Record<string, unknown> {
  const symbol = alpacaSymbol(ctx, order.symbol);
  const crypto = symbol.includes('/');
  // Crypto accepts only gtc/ioc; equities default to a day order.
  const tif = order.timeInForce === 'IOC' ? 'ioc' : order.timeInForce === 'GTC' || crypto ? 'gtc' : 'day';
  const needsLimit = order.type === 'LIMIT' || order.type === 'STOP_LIMIT';
  const needsStop = order.type === 'STOP' || order.type === 'STOP_LIMIT';
  if (needsLimit && order.limitPrice === undefined) throw new BrokerError('BROKER_REJECTED', 'A limit order needs a limit price.');
  if (needsStop && order.stopPrice === undefined) throw new BrokerError('BROKER_REJECTED', 'A stop order needs a stop price.');
  return {
    symbol,
    qty: decimal(order.quantity),
    side: order.side === 'BUY' ? 'buy' : 'sell',
    type: TYPE[order.type],
    time_in_force: tif,
    limit_price: needsLimit ? decimal(order.limitPrice!) : undefined,
    stop_price: needsStop ? decimal(order.stopPrice!) : undefined,
    client_order_id: order.clientOrderId,
  };
}

export async function placeOrder(ctx: BrokerContext, order: OrderRequest): Promise<OrderAck> {
  const res = await alpacaRequest(ctx, { method: 'POST', path: '/v2/orders', json: orderBody(ctx, order) }, { allow: [422] });
  if (res.status === 422) {
    // A retry of an order that did reach Alpaca: client_order_id is unique per account, so return that order.
    if (/client_order_id/i.test(errorText(res.body))) {
      const existing = await getOrder(ctx, { clientOrderId: order.clientOrderId });
      if (existing) return { brokerOrderId: existing.brokerOrderId, state: existing.state };
    }
    throw new BrokerError('BROKER_REJECTED', `Alpaca rejected the order: ${errorText(res.body) || 'invalid parameters'}`, 422);
  }
  const placed = res.body as AlpacaOrder;
  return { brokerOrderId: placed.id, state: orderState(placed.status) };
}

export async function cancelOrder(ctx: BrokerContext, brokerOrderId: string): Promise<void> {
  await alpacaRequest(ctx, { method: 'DELETE', path: `/v2/orders/${encodeURIComponent(brokerOrderId)}` });
}

/**
 * Alpaca modifies by replacing (PATCH /v2/orders/{id}): the answer is a new order with a new id, and the old one ends
 * `replaced`. Quantity, limit and stop price can change; the type cannot (Alpaca's rule), so that is refused here.
 */
export async function modifyOrder(ctx: BrokerContext, brokerOrderId: string, change: OrderChange, order: ModifiedOrder): Promise<OrderAck> {
  if (change.type !== undefined) {
    throw new BrokerError('NOT_SUPPORTED', 'Alpaca cannot change the type of an order; cancel it and place a new one.');
  }
  const json = {
    qty: change.quantity === undefined ? undefined : decimal(order.quantity),
    limit_price: change.limitPrice === undefined ? undefined : decimal(change.limitPrice),
    stop_price: change.stopPrice === undefined ? undefined : decimal(change.stopPrice),
  };
  const res = await alpacaRequest(ctx, { method: 'PATCH', path: `/v2/orders/${encodeURIComponent(brokerOrderId)}`, json }, { allow: [404, 422] });
  if (res.status !== 200) {
    throw new BrokerError('BROKER_REJECTED', `Alpaca refused the change: ${errorText(res.body) || 'invalid parameters'}`, res.status);
  }
  const replacement = res.body as AlpacaOrder;
  return { brokerOrderId: replacement.id, state: orderState(replacement.status) };
}

/** Replacements an order lookup follows: a replaced order is looked up as the order that carries it on. */
const MAX_REPLACEMENTS = 5;

export async function getOrder(ctx: BrokerContext, lookup: OrderLookup): Promise<BrokerOrder | null> {
  let found = await getOne(ctx, lookup);
  for (let hop = 0; found?.status === 'replaced' && found.replaced_by && hop < MAX_REPLACEMENTS; hop += 1) {
    found = await getOne(ctx, { brokerOrderId: found.replaced_by });
  }
  return found ? toBrokerOrder(found) : null;
}

async function getOne(ctx: BrokerContext, lookup: OrderLookup): Promise<AlpacaOrder | null> {
  const req = lookup.brokerOrderId
    ? { method: 'GET' as const, path: `/v2/orders/${encodeURIComponent(lookup.brokerOrderId)}` }
    : lookup.clientOrderId
      ? { method: 'GET' as const, path: '/v2/orders:by_client_order_id', query: { client_order_id: lookup.clientOrderId } }
      : null;
  if (!req) return null;
  // 404: no such order; 422: not an order id at all.
  const res = await alpacaRequest(ctx, req, { allow: [404, 422] });
  return res.status === 200 ? (res.body as AlpacaOrder) : null;
}

export async function orders(ctx: BrokerContext): Promise<BrokerOrder[]> {
  const res = await alpacaRequest(ctx, {
    method: 'GET',
    path: '/v2/orders',
    query: { status: 'all', limit: 500, direction: 'desc' },
  });
  return (res.body as AlpacaOrder[]).map(toBrokerOrder);
}

export async function positions(ctx: BrokerContext): Promise<Position[]> {
  const res = await alpacaRequest(ctx, { method: 'GET', path: '/v2/positions' });
  return (res.body as AlpacaPosition[]).map(toPosition);
}
