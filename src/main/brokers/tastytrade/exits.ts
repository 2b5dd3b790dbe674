import { checkExitTerms, exitStatus } from '../exit-terms';
import {
  BrokerError,
  type BrokerContext,
  type ExitKind,
  type ExitLegRole,
  type OrderRequest,
  type ProtectiveExitAck,
  type ProtectiveExitCapability,
  type ProtectiveExitRequest,
  type ProtectiveExitStatus,
} from '../types';
import { accountNumber, accountPath, data, tastyCall } from './client';
import { toBrokerOrder, type TastyOrder } from './mapping';
import { orderBody } from './orders';

/** OCO and bracket (OTOCO) are tastytrade complex orders; it has no trailing stop order, so BrokerVault manages those. */
const KINDS: readonly ExitKind[] = ['bracket', 'oco'];

/** A complex order (tastyware/tastytrade PlacedComplexOrder): the trigger (OTOCO only) and the two OCO orders. */
interface TastyComplex {
  id: number | string;
  type?: string;
  'trigger-order'?: TastyOrder;
  orders?: TastyOrder[];
}

/**
 * `POST /accounts/{n}/complex-orders`: `{"type":"OCO","orders":[target, stop]}` or `{"type":"OTOCO","trigger-order":
 * entry,"orders":[target, stop]}`; each order is a single-order body (closing legs "Sell to Close" / "Buy to Close").
 * The head (the entry, or the OCO's target) carries our ticket id as external-identifier, the others derived ids.
 */
function complexBody(ctx: BrokerContext, r: ProtectiveExitRequest): Record<string, unknown> {
  const tif = r.timeInForce === 'GTC' ? 'GTC' : 'DAY';
  const close: Pick<OrderRequest, 'symbol' | 'side' | 'quantity' | 'timeInForce' | 'product'> = {
    symbol: r.symbol,
    side: r.exitSide,
    quantity: r.quantity,
    timeInForce: tif,
    product: r.exitSide === 'BUY' ? 'COVER' : undefined,
  };
  const ids = r.kind === 'bracket' ? [`${r.clientOrderId}-tp`, `${r.clientOrderId}-sl`] : [r.clientOrderId, `${r.clientOrderId}-sl`];
  const target = orderBody(ctx, { ...close, type: 'LIMIT', limitPrice: r.targetPrice, clientOrderId: ids[0]! });
  const stop = orderBody(ctx, {
    ...close,
    type: r.stopLimitPrice === undefined ? 'STOP' : 'STOP_LIMIT',
    stopPrice: r.stopPrice,
    limitPrice: r.stopLimitPrice,
    clientOrderId: ids[1]!,
  });
  if (r.kind === 'oco') return { type: 'OCO', orders: [target, stop] };
  const entry = r.entry!;
  const trigger = orderBody(ctx, {
    symbol: r.symbol,
    side: r.exitSide === 'SELL' ? 'BUY' : 'SELL',
    quantity: r.quantity,
    type: entry.type,
    limitPrice: entry.limitPrice,
    timeInForce: tif,
    product: r.exitSide === 'BUY' ? 'SHORT' : undefined,
    clientOrderId: r.clientOrderId,
  });
  return { type: 'OTOCO', 'trigger-order': trigger, orders: [target, stop] };
}

function legsOf(c: TastyComplex): { order: TastyOrder; role: ExitLegRole }[] {
  const role = (o: TastyOrder): ExitLegRole => (o['order-type'] === 'Limit' ? 'target' : 'stop');
  const trigger = c['trigger-order'];
  return [...(trigger ? [{ order: trigger, role: 'entry' as const }] : []), ...(c.orders ?? []).map((o) => ({ order: o, role: role(o) }))];
}

function ackOf(c: TastyComplex): ProtectiveExitAck {
  return { groupId: String(c.id), legs: legsOf(c).map(({ order, role }) => ({ role, brokerOrderId: String(order.id), state: toBrokerOrder(order).state })) };
}

/** A retried ticket: today's complex order whose head carries its id. */
async function findLive(ctx: BrokerContext, account: string, clientOrderId: string): Promise<TastyComplex | null> {
  const response = await tastyCall(ctx, { method: 'GET', path: accountPath(account, '/complex-orders/live') });
  const items = data<{ items?: TastyComplex[] }>(response).items ?? [];
  return items.find((c) => legsOf(c)[0]?.order['external-identifier'] === clientOrderId) ?? null;
}

async function place(ctx: BrokerContext, request: ProtectiveExitRequest): Promise<ProtectiveExitAck> {
  checkExitTerms('tastytrade', KINDS, request);
  const account = await accountNumber(ctx);
  const existing = await findLive(ctx, account, request.clientOrderId);
  if (existing) return ackOf(existing);
  const response = await tastyCall(ctx, { method: 'POST', path: accountPath(account, '/complex-orders'), json: complexBody(ctx, request) });
  const placed = data<{ 'complex-order'?: TastyComplex }>(response)['complex-order'];
  if (!placed || placed.id === undefined) throw new BrokerError('BROKER_REJECTED', 'tastytrade answered the exit without a complex order id.');
  return ackOf(placed);
}

async function fetchComplex(ctx: BrokerContext, groupId: string): Promise<TastyComplex | null> {
  const account = await accountNumber(ctx);
  try {
    const response = await tastyCall(ctx, { method: 'GET', path: accountPath(account, `/complex-orders/${encodeURIComponent(groupId)}`) });
    return data<TastyComplex>(response);
  } catch (error) {
    if (error instanceof BrokerError && error.httpStatus === 404) return null;
    throw error;
  }
}

async function status(ctx: BrokerContext, groupId: string): Promise<ProtectiveExitStatus | null> {
  const c = await fetchComplex(ctx, groupId);
  return c ? exitStatus(legsOf(c).map(({ order, role }) => ({ ...toBrokerOrder(order), role }))) : null;
}

/** DELETE the complex order; one that no longer works (422) is not an error. */
async function cancel(ctx: BrokerContext, groupId: string): Promise<void> {
  const group = await status(ctx, groupId);
  if (!group?.active) return;
  const account = await accountNumber(ctx);
  try {
    await tastyCall(ctx, { method: 'DELETE', path: accountPath(account, `/complex-orders/${encodeURIComponent(groupId)}`) });
  } catch (error) {
    if (!(error instanceof BrokerError) || error.httpStatus !== 422) throw error;
  }
}

export const tastytradeExits: ProtectiveExitCapability = { kinds: KINDS, place, cancel, status };
