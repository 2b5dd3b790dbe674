import { randomBytes } from 'node:crypto';
import type { SimExchange, SimOrder } from '../exchange';
import type { SimResponse } from '../harness';
import { fail, mandatory } from './auth';
import { amt, isPair, MIN_NOTIONAL, onStep, PAIRS, STEP_SIZE, TICK_SIZE, type Pair } from './market';

const STATUS: Record<SimOrder['status'], string> = { OPEN: 'NEW', FILLED: 'FILLED', CANCELLED: 'CANCELED', REJECTED: 'REJECTED' };
/** Binance's status of an order: an order-list leg its sibling's fill ended is EXPIRED, not CANCELED. */
export const statusOf = (o: SimOrder): string => (o.status === 'CANCELLED' && o.extra.cancelReason === 'sibling filled' ? 'EXPIRED' : STATUS[o.status]);
const SIM_TYPE: Record<string, SimOrder['type']> = { MARKET: 'MARKET', LIMIT: 'LIMIT', STOP_LOSS: 'STOP', STOP_LOSS_LIMIT: 'STOP_LIMIT' };
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

export const orderIdOf = (o: SimOrder) => Number(o.id);
const randomClientId = () => randomBytes(16).toString('base64url').slice(0, 22);

/** Base asset locked by open sells, quote (USDT) locked by open buys. */
export function locked(ex: SimExchange, asset: string): number {
  return (
    ex
      .list()
      // An order-list stop leg locks the same balance as its limit maker.
      .filter((o) => o.status === 'OPEN' && o.extra.sharesWith === undefined)
      .reduce((sum, o) => {
        if (asset === 'USDT' && o.side === 'BUY') return sum + o.quantity * (o.limitPrice ?? o.stopPrice ?? ex.price(o.symbol));
        if (o.side === 'SELL' && PAIRS[o.symbol as Pair]?.base === asset) return sum + o.quantity;
        return sum;
      }, 0)
  );
}

export function balances(ex: SimExchange) {
  const total = (asset: string) => (asset === 'USDT' ? ex.cash : (ex.positionList().find((p) => PAIRS[p.symbol as Pair]?.base === asset)?.quantity ?? 0));
  return ['USDT', ...Object.values(PAIRS).map((p) => p.base)].map((asset) => {
    const lockedNow = locked(ex, asset);
    return { asset, free: amt(total(asset) - lockedNow), locked: amt(lockedNow) };
  });
}

/** GET /api/v3/order, openOrders, allOrders shape (orderDetails). */
export function orderDetails(o: SimOrder) {
  const working = o.type === 'MARKET' || o.type === 'LIMIT';
  return {
    ...orderCore(o),
    stopPrice: amt(o.stopPrice ?? 0),
    icebergQty: amt(0),
    time: o.createdAt,
    updateTime: o.updatedAt,
    isWorking: working,
    workingTime: working ? o.createdAt : -1,
    origQuoteOrderQty: amt(0),
  };
}

export const orderCoreOf = (o: SimOrder) => orderCore(o);

function orderCore(o: SimOrder) {
  const filled = o.status === 'FILLED' ? o.filledQuantity : 0;
  return {
    symbol: o.symbol,
    orderId: orderIdOf(o),
    orderListId: Number(o.extra.orderListId ?? -1),
    clientOrderId: o.clientOrderId ?? '',
    price: amt(o.limitPrice ?? 0),
    origQty: amt(o.quantity),
    executedQty: amt(filled),
    cummulativeQuoteQty: amt(filled * (o.averagePrice ?? 0)),
    status: statusOf(o),
    timeInForce: o.extra.timeInForce ?? 'GTC',
    type: o.extra.type ?? 'MARKET',
    side: o.side,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** POST /api/v3/order answer in the requested newOrderRespType (MARKET/LIMIT default FULL, others ACK). */
export function newOrderResponse(o: SimOrder, respType: string) {
  const ack = { symbol: o.symbol, orderId: orderIdOf(o), orderListId: -1, clientOrderId: o.clientOrderId ?? '', transactTime: o.createdAt };
  if (respType === 'ACK') return ack;
  const core = orderCore(o);
  const result = { ...ack, ...core, transactTime: o.createdAt, workingTime: o.type === 'MARKET' || o.type === 'LIMIT' ? o.createdAt : -1 };
  if (respType === 'RESULT') return result;
  const fills =
    o.status === 'FILLED'
      ? [{ price: amt(o.averagePrice ?? 0), qty: amt(o.quantity), commission: amt(0), commissionAsset: PAIRS[o.symbol as Pair].base, tradeId: orderIdOf(o) }]
      : [];
  return { ...result, fills };
}

/** DELETE /api/v3/order answer (schema `order`): the cancel gets its own client id. */
export function cancelResponse(o: SimOrder, cancelClientId: string | null, now: number) {
  return { ...orderCore(o), origClientOrderId: o.clientOrderId ?? '', clientOrderId: cancelClientId ?? randomClientId(), transactTime: now };
}

/** A filled order is one trade in GET /api/v3/myTrades. */
export function tradeOf(o: SimOrder) {
  const price = o.averagePrice ?? 0;
  return {
    symbol: o.symbol,
    id: orderIdOf(o),
    orderId: orderIdOf(o),
    orderListId: -1,
    price: amt(price),
    qty: amt(o.quantity),
    quoteQty: amt(o.quantity * price),
    commission: amt(0),
    commissionAsset: PAIRS[o.symbol as Pair].base,
    time: o.updatedAt,
    isBuyer: o.side === 'BUY',
    isMaker: false,
    isBestMatch: true,
  };
}

/** Binance's checks on a new order, in its order; a SimOrder when they pass. */
export function placeOrder(ex: SimExchange, p: URLSearchParams): SimResponse | SimOrder {
  for (const name of ['symbol', 'side', 'type']) if (!p.get(name)) return mandatory(name);
  const symbol = p.get('symbol')!;
  if (!isPair(symbol)) return fail(400, -1121, 'Invalid symbol.');
  const side = p.get('side')!;
  if (side !== 'BUY' && side !== 'SELL') return fail(400, -1117, 'Invalid side.');
  const type = p.get('type')!;
  if (!SIM_TYPE[type]) return fail(400, -1116, 'Invalid orderType.');
  const limited = type === 'LIMIT' || type === 'STOP_LOSS_LIMIT';
  const stopped = type === 'STOP_LOSS' || type === 'STOP_LOSS_LIMIT';
  const tif = p.get('timeInForce');
  if (limited && !tif) return mandatory('timeInForce');
  if (tif && !['GTC', 'IOC', 'FOK'].includes(tif)) return fail(400, -1115, 'Invalid timeInForce.');
  if (!p.get('quantity')) return mandatory('quantity');
  if (limited && !p.get('price')) return mandatory('price');
  if (stopped && !p.get('stopPrice')) return mandatory('stopPrice');
  const clientId = p.get('newClientOrderId') ?? randomClientId();
  if (!CLIENT_ID.test(clientId)) {
    return fail(400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
  }
  const quantity = Number(p.get('quantity'));
  const price = limited ? Number(p.get('price')) : null;
  const stop = stopped ? Number(p.get('stopPrice')) : null;
  if ([price, stop].some((v) => v !== null && (!(v > 0) || !onStep(v, TICK_SIZE)))) return fail(400, -1013, 'Filter failure: PRICE_FILTER');
  if (!(quantity >= STEP_SIZE) || !onStep(quantity, STEP_SIZE)) return fail(400, -1013, 'Filter failure: LOT_SIZE');
  const reference = price ?? stop ?? ex.price(symbol);
  if (quantity * reference < MIN_NOTIONAL) return fail(400, -1013, 'Filter failure: NOTIONAL');
  // A client id may be reused once its earlier order is closed, never while it is open.
  if (ex.list().some((o) => o.clientOrderId === clientId && o.status === 'OPEN')) return fail(400, -2010, 'Duplicate order sent.');
  const free = (asset: string) => Number(balances(ex).find((b) => b.asset === asset)?.free ?? 0);
  const short = side === 'BUY' ? quantity * reference > free('USDT') : quantity > free(PAIRS[symbol].base);
  if (short) return fail(400, -2010, 'Account has insufficient balance for requested action.');
  return ex.place({
    symbol,
    side,
    quantity,
    type: SIM_TYPE[type]!,
    limitPrice: price,
    stopPrice: stop,
    clientOrderId: clientId,
    extra: { type, timeInForce: tif ?? 'GTC' },
  });
}

/** The order a GET/DELETE names by orderId or origClientOrderId (latest with that client id). */
export function findOrder(ex: SimExchange, p: URLSearchParams): SimOrder | 'missing-param' | null {
  const symbol = p.get('symbol');
  const orderId = p.get('orderId');
  const clientId = p.get('origClientOrderId');
  if (!orderId && !clientId) return 'missing-param';
  const candidates = ex.list().filter((o) => o.symbol === symbol);
  if (orderId) return candidates.find((o) => orderIdOf(o) === Number(orderId)) ?? null;
  return candidates.filter((o) => o.clientOrderId === clientId).pop() ?? null;
}
