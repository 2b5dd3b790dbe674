import { checkExitTerms, exitStatus } from '../exit-terms';
import {
  BrokerError,
  type BrokerContext,
  type ExitKind,
  type ExitLegRole,
  type ProtectiveExitAck,
  type ProtectiveExitCapability,
  type ProtectiveExitRequest,
  type ProtectiveExitStatus,
} from '../types';
import { accountId, tradierCall } from './client';
import { asList, toBrokerOrder, type TradierOrder } from './mapping';
import { toTag, toTradierSymbol } from './symbols';

/** OCO and bracket (OTOCO) are Tradier's own classes; it has no trailing stop type, so BrokerVault manages those. */
const KINDS: readonly ExitKind[] = ['bracket', 'oco'];

type Form = Record<string, string | number | undefined>;

/** An advanced order as GET shows it: its own id and its legs. */
interface TradierAdvanced extends TradierOrder {
  class?: string;
  leg?: TradierOrder | TradierOrder[];
}

/**
 * The form of `POST /accounts/{id}/orders` for `class=oco` (target limit leg 0, stop leg 1) or `class=otoco` (entry leg 0,
 * then the same two), with Tradier's indexed fields. Protecting a long the legs `sell`; protecting a short `buy_to_cover`
 * (and a short entry `sell_short`).
 */
function exitForm(ctx: BrokerContext, r: ProtectiveExitRequest): Form {
  const symbol = toTradierSymbol(ctx, r.symbol);
  const exitSide = r.exitSide === 'SELL' ? 'sell' : 'buy_to_cover';
  const legs: Form[] = [];
  if (r.kind === 'bracket') {
    const entry = r.entry!;
    legs.push({ side: r.exitSide === 'SELL' ? 'buy' : 'sell_short', type: entry.type === 'LIMIT' ? 'limit' : 'market', price: entry.limitPrice });
  }
  legs.push({ side: exitSide, type: 'limit', price: r.targetPrice });
  legs.push(
    r.stopLimitPrice === undefined
      ? { side: exitSide, type: 'stop', stop: r.stopPrice }
      : { side: exitSide, type: 'stop_limit', stop: r.stopPrice, price: r.stopLimitPrice },
  );
  const form: Form = { class: r.kind === 'bracket' ? 'otoco' : 'oco', duration: r.timeInForce === 'GTC' ? 'gtc' : 'day', tag: toTag(r.clientOrderId) };
  legs.forEach((leg, n) => {
    form[`symbol[${n}]`] = symbol;
    form[`quantity[${n}]`] = r.quantity;
    for (const [k, v] of Object.entries(leg)) if (v !== undefined) form[`${k}[${n}]`] = v;
  });
  return form;
}

async function place(ctx: BrokerContext, request: ProtectiveExitRequest): Promise<ProtectiveExitAck> {
  checkExitTerms('Tradier', KINDS, request);
  const id = await accountId(ctx);
  // Tradier has no client order id; a retried ticket is found by its tag among the advanced orders.
  const existing = await findByTag(ctx, toTag(request.clientOrderId));
  if (existing) return ackOf(existing);
  const { body } = await tradierCall(ctx, { method: 'POST', path: `/accounts/${encodeURIComponent(id)}/orders`, form: exitForm(ctx, request) });
  const placed = (body as { order?: { id?: unknown } }).order;
  if (placed?.id === undefined) throw new BrokerError('BROKER_REJECTED', 'Tradier answered the exit without an order id.');
  const group = await fetchGroup(ctx, String(placed.id));
  return group ? ackOf(group) : { groupId: String(placed.id), legs: [] };
}

async function findByTag(ctx: BrokerContext, tag: string): Promise<TradierAdvanced | null> {
  const id = await accountId(ctx);
  const { body } = await tradierCall(ctx, { method: 'GET', path: `/accounts/${encodeURIComponent(id)}/orders`, query: { includeTags: true } });
  const list = asList<TradierAdvanced>((body as { orders?: { order?: unknown } }).orders?.order);
  return list.find((o) => o.tag === tag && (o.class === 'oco' || o.class === 'otoco')) ?? null;
}

async function fetchGroup(ctx: BrokerContext, groupId: string): Promise<TradierAdvanced | null> {
  const id = await accountId(ctx);
  try {
    const { body } = await tradierCall(ctx, {
      method: 'GET',
      path: `/accounts/${encodeURIComponent(id)}/orders/${encodeURIComponent(groupId)}`,
      query: { includeTags: true },
    });
    const order = (body as { order?: TradierAdvanced }).order;
    return order && typeof order === 'object' ? order : null;
  } catch (error) {
    if (error instanceof BrokerError && error.httpStatus === 404) return null;
    throw error;
  }
}

/** Roles by position: an OTOCO's leg 0 is the entry; then the limit leg is the target and the stop leg the stop. */
function legsOf(group: TradierAdvanced): { order: TradierOrder; role: ExitLegRole }[] {
  const legs = asList<TradierOrder>(group.leg);
  const exitLegs = group.class === 'otoco' ? legs.slice(1) : legs;
  const role = (o: TradierOrder): ExitLegRole => (o.type === 'limit' ? 'target' : 'stop');
  return [...(group.class === 'otoco' ? [{ order: legs[0]!, role: 'entry' as const }] : []), ...exitLegs.map((o) => ({ order: o, role: role(o) }))];
}

function ackOf(group: TradierAdvanced): ProtectiveExitAck {
  return {
    groupId: String(group.id),
    legs: legsOf(group).map(({ order, role }) => ({ role, brokerOrderId: String(order.id), state: toBrokerOrder(order).state })),
  };
}

async function status(ctx: BrokerContext, groupId: string): Promise<ProtectiveExitStatus | null> {
  const group = await fetchGroup(ctx, groupId);
  if (!group || (group.class !== 'oco' && group.class !== 'otoco')) return null;
  return exitStatus(legsOf(group).map(({ order, role }) => ({ ...toBrokerOrder(order), role })));
}

/** DELETE on the advanced order cancels its working legs; one that already finished ("finalized state") is not an error. */
async function cancel(ctx: BrokerContext, groupId: string): Promise<void> {
  const group = await status(ctx, groupId);
  if (!group?.active) return;
  const id = await accountId(ctx);
  try {
    await tradierCall(ctx, { method: 'DELETE', path: `/accounts/${encodeURIComponent(id)}/orders/${encodeURIComponent(groupId)}` });
  } catch (error) {
    if (!(error instanceof BrokerError) || !/finalized state/i.test(error.message)) throw error;
  }
}

export const tradierExits: ProtectiveExitCapability = { kinds: KINDS, place, cancel, status };
