import { BrokerError, type BrokerContext, type BrokerOrder, type OrderAck, type OrderLookup, type OrderRequest } from '../types';
import { signedRequest } from './client';
import { binanceError, errorBody } from './errors';
import { binanceClientId, binanceSymbol, brokerOrderId, decimal, orderState, parseBrokerOrderId, toBrokerOrder, type BinanceOrder } from './mapping';
import type { Params } from './signing';

/**
 * Every Binance order call needs the symbol. Remember which symbol each client order id went to, so a
 * look-up by client order id (e.g. after a timeout) is one direct call; this memory lasts a connection.
 */
const SYMBOLS_KEY = 'binance:clientOrderSymbols';
function symbolMemory(ctx: BrokerContext): Map<string, string> {
  let map = ctx.memo.get(SYMBOLS_KEY) as Map<string, string> | undefined;
  if (!map) {
    map = new Map();
    ctx.memo.set(SYMBOLS_KEY, map);
  }
  return map;
}

const TYPES = { MARKET: 'MARKET', LIMIT: 'LIMIT', STOP: 'STOP_LOSS', STOP_LIMIT: 'STOP_LOSS_LIMIT' } as const;

function orderParams(symbol: string, clientId: string, order: OrderRequest): Params {
  const params: Params = [
    ['symbol', symbol],
    ['side', order.side],
    ['type', TYPES[order.type]],
  ];
  const limited = order.type === 'LIMIT' || order.type === 'STOP_LIMIT';
  const stopped = order.type === 'STOP' || order.type === 'STOP_LIMIT';
  if (limited && order.limitPrice === undefined) throw new BrokerError('BROKER_REJECTED', 'A limit order needs a limit price.');
  if (stopped && order.stopPrice === undefined) throw new BrokerError('BROKER_REJECTED', 'A stop order needs a stop price.');
  // Crypto trades around the clock: there is no trading day for a DAY order to end with, so it rests as GTC.
  if (limited) params.push(['timeInForce', order.timeInForce === 'IOC' ? 'IOC' : 'GTC']);
  params.push(['quantity', decimal(order.quantity)]);
  if (limited) params.push(['price', decimal(order.limitPrice!)]);
  if (stopped) params.push(['stopPrice', decimal(order.stopPrice!)]);
  params.push(['newClientOrderId', clientId], ['newOrderRespType', 'RESULT']);
  return params;
}

async function orderByClientId(ctx: BrokerContext, symbol: string, clientId: string): Promise<BinanceOrder | null> {
  const res = await signedRequest(ctx, {
    method: 'GET',
    path: '/api/v3/order',
    params: [
      ['symbol', symbol],
      ['origClientOrderId', clientId],
    ],
    handle: [-2013],
  });
  return res.status === 200 ? (res.body as BinanceOrder) : null;
}

async function openOrders(ctx: BrokerContext): Promise<BinanceOrder[]> {
  return (await signedRequest(ctx, { method: 'GET', path: '/api/v3/openOrders', params: [] })).body as BinanceOrder[];
}

export async function placeOrder(ctx: BrokerContext, order: OrderRequest): Promise<OrderAck> {
  const symbol = binanceSymbol(ctx, order.symbol);
  const clientId = binanceClientId(order.clientOrderId);
  symbolMemory(ctx).set(clientId, symbol); // before sending: a timed-out order must still be findable
  const res = await signedRequest(ctx, { method: 'POST', path: '/api/v3/order', params: orderParams(symbol, clientId, order), trading: true, handle: [-2010] });
  if (res.status === 200) {
    const placed = res.body as BinanceOrder;
    return { brokerOrderId: brokerOrderId(placed.symbol, placed.orderId), state: orderState(placed.status) };
  }
  // A retry of an order that reached Binance and is still open: the same client id is refused while open.
  if (errorBody(res.body)?.msg === 'Duplicate order sent.') {
    const existing = await orderByClientId(ctx, symbol, clientId);
    if (existing) return { brokerOrderId: brokerOrderId(existing.symbol, existing.orderId), state: orderState(existing.status) };
  }
  throw binanceError(res, true, undefined);
}

export async function cancelOrder(ctx: BrokerContext, id: string): Promise<void> {
  const { symbol, orderId } = parseBrokerOrderId(id);
  await signedRequest(ctx, {
    method: 'DELETE',
    path: '/api/v3/order',
    params: [
      ['symbol', symbol],
      ['orderId', orderId],
    ],
    trading: true,
  });
}

export async function getOrder(ctx: BrokerContext, lookup: OrderLookup): Promise<BrokerOrder | null> {
  if (lookup.brokerOrderId) {
    const { symbol, orderId } = parseBrokerOrderId(lookup.brokerOrderId);
    const res = await signedRequest(ctx, {
      method: 'GET',
      path: '/api/v3/order',
      params: [
        ['symbol', symbol],
        ['orderId', orderId],
      ],
      handle: [-2013],
    });
    return res.status === 200 ? toBrokerOrder(res.body as BinanceOrder) : null;
  }
  if (!lookup.clientOrderId) return null;
  const clientId = binanceClientId(lookup.clientOrderId);
  const symbol = symbolMemory(ctx).get(clientId);
  // Without the symbol only open orders can be searched (all symbols at once).
  const found = symbol ? await orderByClientId(ctx, symbol, clientId) : ((await openOrders(ctx)).find((o) => o.clientOrderId === clientId) ?? null);
  return found ? toBrokerOrder(found, lookup.clientOrderId) : null;
}

/** Open orders of every symbol, plus recent history of the symbols traded on this connection. */
export async function orders(ctx: BrokerContext): Promise<BrokerOrder[]> {
  const all = new Map<string, BinanceOrder>();
  for (const o of await openOrders(ctx)) all.set(brokerOrderId(o.symbol, o.orderId), o);
  for (const symbol of new Set(symbolMemory(ctx).values())) {
    const res = await signedRequest(ctx, {
      method: 'GET',
      path: '/api/v3/allOrders',
      params: [
        ['symbol', symbol],
        ['limit', '100'],
      ],
    });
    for (const o of res.body as BinanceOrder[]) all.set(brokerOrderId(o.symbol, o.orderId), o);
  }
  return [...all.values()].sort((a, b) => (b.time ?? 0) - (a.time ?? 0)).map((o) => toBrokerOrder(o));
}
