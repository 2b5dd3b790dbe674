import { isWorkingOrderState } from '../../../shared/orders';
import { checkExitTerms, exitStatus } from '../exit-terms';
import {
  BrokerError,
  type BrokerContext,
  type ExitKind,
  type ExitLegRole,
  type ProtectiveExitAck,
  type ProtectiveExitCapability,
  type ProtectiveExitRequest,
} from '../types';
import { alpacaRequest, errorText } from './client';
import { alpacaSymbol, decimal, orderState, toBrokerOrder, type AlpacaOrder } from './mapping';

const KINDS: readonly ExitKind[] = ['bracket', 'oco', 'trailing'];

/**
 * Alpaca's own advanced orders (POST /v2/orders): `order_class: bracket` (an entry whose take-profit and stop-loss legs
 * are held until it fills), `order_class: oco` (a take-profit limit and a stop for shares already held; one fill cancels
 * the other) and `type: trailing_stop` (trail_price or trail_percent). The group id is the id of the order that heads it
 * (the bracket's entry, the oco's take-profit, the trailing stop itself); Alpaca shows the legs under it with nested=true.
 */
function exitBody(ctx: BrokerContext, r: ProtectiveExitRequest): Record<string, unknown> {
  const exitSide = r.exitSide === 'BUY' ? 'buy' : 'sell';
  const common = {
    symbol: alpacaSymbol(ctx, r.symbol),
    qty: decimal(r.quantity),
    // Alpaca holds advanced orders as day or gtc only.
    time_in_force: r.timeInForce === 'GTC' ? 'gtc' : 'day',
    client_order_id: r.clientOrderId,
  };
  if (r.kind === 'trailing') {
    const trail = r.trail!;
    return {
      ...common,
      side: exitSide,
      type: 'trailing_stop',
      ...('amount' in trail ? { trail_price: decimal(trail.amount) } : { trail_percent: decimal(trail.percent) }),
    };
  }
  const legs = {
    take_profit: { limit_price: decimal(r.targetPrice!) },
    stop_loss: { stop_price: decimal(r.stopPrice!), ...(r.stopLimitPrice === undefined ? {} : { limit_price: decimal(r.stopLimitPrice) }) },
  };
  if (r.kind === 'oco') return { ...common, side: exitSide, type: 'limit', order_class: 'oco', ...legs };
  const entry = r.entry!;
  return {
    ...common,
    side: exitSide === 'sell' ? 'buy' : 'sell',
    type: entry.type === 'LIMIT' ? 'limit' : 'market',
    limit_price: entry.type === 'LIMIT' ? decimal(entry.limitPrice!) : undefined,
    order_class: 'bracket',
    ...legs,
  };
}

/** The part each order of a group plays: a bracket's head is its entry, an oco's its target; a stop leg is a stop. */
function roleOf(order: AlpacaOrder, head: boolean): ExitLegRole {
  if (head && order.order_class === 'bracket') return 'entry';
  return order.type === 'limit' ? 'target' : 'stop';
}

function groupOrders(head: AlpacaOrder): { order: AlpacaOrder; role: ExitLegRole }[] {
  return [{ order: head, role: roleOf(head, true) }, ...(head.legs ?? []).map((leg) => ({ order: leg, role: roleOf(leg, false) }))];
}

async function place(ctx: BrokerContext, request: ProtectiveExitRequest): Promise<ProtectiveExitAck> {
  checkExitTerms('Alpaca', KINDS, request);
  const res = await alpacaRequest(ctx, { method: 'POST', path: '/v2/orders', json: exitBody(ctx, request) }, { allow: [422] });
  if (res.status === 422) {
    // A retry of an exit that did reach Alpaca: its client_order_id is taken, so answer with that group.
    if (/client_order_id/i.test(errorText(res.body))) {
      const existing = await findByClientId(ctx, request.clientOrderId);
      if (existing) return ackOf(existing);
    }
    throw new BrokerError('BROKER_REJECTED', `Alpaca rejected the exit: ${errorText(res.body) || 'invalid parameters'}`, 422);
  }
  return ackOf(res.body as AlpacaOrder);
}

function ackOf(head: AlpacaOrder): ProtectiveExitAck {
  return {
    groupId: head.id,
    legs: groupOrders(head).map(({ order, role }) => ({ role, brokerOrderId: order.id, state: orderState(order.status) })),
  };
}

async function findByClientId(ctx: BrokerContext, clientOrderId: string): Promise<AlpacaOrder | null> {
  const res = await alpacaRequest(ctx, { method: 'GET', path: '/v2/orders:by_client_order_id', query: { client_order_id: clientOrderId } }, { allow: [404] });
  return res.status === 200 ? nested(ctx, (res.body as AlpacaOrder).id) : null;
}

async function nested(ctx: BrokerContext, id: string): Promise<AlpacaOrder | null> {
  const path = `/v2/orders/${encodeURIComponent(id)}`;
  // 404: no such order; 422: not an order id at all.
  const res = await alpacaRequest(ctx, { method: 'GET', path, query: { nested: 'true' } }, { allow: [404, 422] });
  return res.status === 200 ? (res.body as AlpacaOrder) : null;
}

async function status(ctx: BrokerContext, groupId: string) {
  const head = await nested(ctx, groupId);
  if (!head) return null;
  return exitStatus(groupOrders(head).map(({ order, role }) => ({ ...toBrokerOrder(order), role })));
}

/** Cancels every working order of the group; a leg that finished meanwhile (422 "not cancelable") is already done. */
async function cancel(ctx: BrokerContext, groupId: string): Promise<void> {
  const group = await status(ctx, groupId);
  for (const leg of group?.legs ?? []) {
    if (!isWorkingOrderState(leg.state)) continue;
    await alpacaRequest(ctx, { method: 'DELETE', path: `/v2/orders/${encodeURIComponent(leg.brokerOrderId)}` }, { allow: [404, 422] });
  }
}

export const alpacaExits: ProtectiveExitCapability = { kinds: KINDS, place, cancel, status };
