import { checkExitTerms, exitStatus } from '../exit-terms';
import {
  BrokerError,
  type BrokerContext,
  type ExitKind,
  type ProtectiveExitAck,
  type ProtectiveExitCapability,
  type ProtectiveExitRequest,
  type ProtectiveExitStatus,
} from '../types';
import { signedRequest } from './client';
import { errorBody } from './errors';
import { binanceClientId, binanceSymbol, brokerOrderId, decimal, orderState, toBrokerOrder, type BinanceOrder } from './mapping';
import type { Params } from './signing';

/** OCO only: Binance's OTOCO (a bracket) and trailingDelta stops are not used yet, so BrokerVault manages those kinds. */
const KINDS: readonly ExitKind[] = ['oco'];

/** An order list (GET /api/v3/orderList, spot_api.yaml): its id and its two orders. */
interface OrderList {
  orderListId: number;
  listClientOrderId: string;
  listOrderStatus: string;
  symbol: string;
  orders: { symbol: string; orderId: number; clientOrderId: string }[];
}

/** Our group id for an order list: its symbol (every list call needs it) and Binance's orderListId. */
const groupIdOf = (symbol: string, orderListId: number) => `${symbol}:list:${orderListId}`;
function parseGroupId(id: string): { symbol: string; orderListId: string } {
  const m = /^([A-Z0-9]+):list:(\d+)$/.exec(id);
  if (!m) throw new BrokerError('BROKER_REJECTED', 'Not a Binance order list id (expected SYMBOL:list:ID).');
  return { symbol: m[1]!, orderListId: m[2]! };
}

/**
 * POST /api/v3/orderList/oco (the current OCO endpoint): "above" and "below" legs. Protecting a long (SELL), the take-profit
 * is the LIMIT_MAKER above the market and the stop (STOP_LOSS, or STOP_LOSS_LIMIT with a limit price) below it; protecting a
 * short (BUY), the stop is above and the LIMIT_MAKER below.
 */
function ocoParams(symbol: string, r: ProtectiveExitRequest): Params {
  const target: Params = [
    ['Type', 'LIMIT_MAKER'],
    ['Price', decimal(r.targetPrice!)],
    ['ClientOrderId', binanceClientId(`${r.clientOrderId}-tp`)],
  ];
  const stop: Params =
    r.stopLimitPrice === undefined
      ? [
          ['Type', 'STOP_LOSS'],
          ['StopPrice', decimal(r.stopPrice!)],
        ]
      : [
          ['Type', 'STOP_LOSS_LIMIT'],
          ['StopPrice', decimal(r.stopPrice!)],
          ['Price', decimal(r.stopLimitPrice)],
          ['TimeInForce', 'GTC'],
        ];
  stop.push(['ClientOrderId', binanceClientId(`${r.clientOrderId}-sl`)]);
  const [above, below] = r.exitSide === 'SELL' ? [target, stop] : [stop, target];
  return [
    ['symbol', symbol],
    ['side', r.exitSide],
    ['quantity', decimal(r.quantity)],
    ['listClientOrderId', binanceClientId(r.clientOrderId)],
    ...above.map(([k, v]): [string, string] => [`above${k}`, v]),
    ...below.map(([k, v]): [string, string] => [`below${k}`, v]),
    ['newOrderRespType', 'RESULT'],
  ];
}

async function getList(ctx: BrokerContext, params: Params): Promise<OrderList | null> {
  const res = await signedRequest(ctx, { method: 'GET', path: '/api/v3/orderList', params, handle: [-2013] });
  return res.status === 200 ? (res.body as OrderList) : null;
}

async function legOrders(ctx: BrokerContext, list: OrderList): Promise<BinanceOrder[]> {
  const out: BinanceOrder[] = [];
  for (const o of list.orders) {
    const params: Params = [
      ['symbol', o.symbol],
      ['orderId', String(o.orderId)],
    ];
    out.push((await signedRequest(ctx, { method: 'GET', path: '/api/v3/order', params })).body as BinanceOrder);
  }
  return out;
}

const roleOf = (o: BinanceOrder) => (o.type === 'LIMIT_MAKER' ? ('target' as const) : ('stop' as const));

async function place(ctx: BrokerContext, request: ProtectiveExitRequest): Promise<ProtectiveExitAck> {
  checkExitTerms('Binance', KINDS, request);
  const symbol = binanceSymbol(ctx, request.symbol);
  const res = await signedRequest(ctx, { method: 'POST', path: '/api/v3/orderList/oco', params: ocoParams(symbol, request), trading: true, handle: [-2010] });
  if (res.status !== 200) {
    const msg = errorBody(res.body)?.msg ?? '';
    // A retry of an OCO that reached Binance and still works: its listClientOrderId is refused while open.
    if (msg === 'Duplicate order sent.') {
      const existing = await getList(ctx, [['origClientOrderId', binanceClientId(request.clientOrderId)]]);
      if (existing) return ackOf(existing, await legOrders(ctx, existing));
    }
    throw new BrokerError('BROKER_REJECTED', `Binance rejected the OCO: ${msg || `HTTP ${res.status}`}`, res.status);
  }
  const placed = res.body as OrderList & { orderReports: BinanceOrder[] };
  return ackOf(placed, placed.orderReports);
}

function ackOf(list: OrderList, orders: BinanceOrder[]): ProtectiveExitAck {
  return {
    groupId: groupIdOf(list.symbol, list.orderListId),
    legs: orders.map((o) => ({ role: roleOf(o), brokerOrderId: brokerOrderId(o.symbol, o.orderId), state: orderState(o.status) })),
  };
}

async function status(ctx: BrokerContext, groupId: string): Promise<ProtectiveExitStatus | null> {
  const { orderListId } = parseGroupId(groupId);
  const list = await getList(ctx, [['orderListId', orderListId]]);
  if (!list) return null;
  return exitStatus((await legOrders(ctx, list)).map((o) => ({ ...toBrokerOrder(o), role: roleOf(o) })));
}

/** DELETE /api/v3/orderList cancels both legs; a list that already ended (-2011) is not an error. */
async function cancel(ctx: BrokerContext, groupId: string): Promise<void> {
  const { symbol, orderListId } = parseGroupId(groupId);
  const params: Params = [
    ['symbol', symbol],
    ['orderListId', orderListId],
  ];
  await signedRequest(ctx, { method: 'DELETE', path: '/api/v3/orderList', params, trading: true, handle: [-2011] });
}

export const binanceExits: ProtectiveExitCapability = { kinds: KINDS, place, cancel, status };
