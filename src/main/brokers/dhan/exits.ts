import {
  BrokerError,
  type BrokerContext,
  type BrokerOrder,
  type ExitLegRole,
  type Instrument,
  type ProtectiveExitAck,
  type ProtectiveExitCapability,
  type ProtectiveExitRequest,
  type ProtectiveExitStatus,
} from '../types';
import { numOrZero } from '../json';
import { dhanCall, dhanIdentity } from './client';
import { requireInstrument } from './instruments';
import { correlationId, toBrokerOrder, toOrderState, type DhanOrder } from './mapping';
import { parseDhanTime } from './time';

/**
 * Protective exits in Dhan's own order types (dhanhq.co/docs/v2/forever and /v2/super-order):
 * - oco → a Forever Order with `orderFlag` OCO (target leg in `price`/`triggerPrice`, stop-loss leg in
 *   `price1`/`triggerPrice1`/`quantity1`), or SINGLE when only one of target and stop is given. CNC and MTF only.
 * - bracket → a Super Order: the entry with `targetPrice` and `stopLossPrice`, and `trailingJump` when the request
 *   trails the stop by an amount. Dhan arms the target (limit) and stop (stop-market) once the entry fills, and a
 *   fill of one cancels the other.
 * The group id says which: `forever:<orderId>` or `super:<orderId>`. A trailing stop on a position already held has
 * no Dhan order type (the super order's trailing jump needs an entry), so BrokerVault manages it.
 */

const FOREVER = 'forever:';
const SUPER = 'super:';
const FINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']);
const ROLE: Record<string, ExitLegRole> = { ENTRY_LEG: 'entry', TARGET_LEG: 'target', STOP_LOSS_LEG: 'stop' };

const FOREVER_PRODUCTS: Record<string, string> = { CNC: 'CNC', DELIVERY: 'CNC', MTF: 'MTF' };
const SUPER_PRODUCTS: Record<string, string> = {
  CNC: 'CNC',
  DELIVERY: 'CNC',
  MIS: 'INTRADAY',
  INTRADAY: 'INTRADAY',
  NRML: 'MARGIN',
  MARGIN: 'MARGIN',
  MTF: 'MTF',
};

function product(table: Record<string, string>, request: ProtectiveExitRequest, instrument: Instrument, kind: string): string {
  if (!request.product) return instrument.segment.endsWith('_EQ') || table === FOREVER_PRODUCTS ? 'CNC' : 'MARGIN';
  const mapped = table[request.product.toUpperCase()];
  if (!mapped) throw new BrokerError('BROKER_REJECTED', `Dhan's ${kind} does not take product "${request.product.slice(0, 20)}".`);
  return mapped;
}

function common(ctx: BrokerContext, request: ProtectiveExitRequest) {
  const { clientId } = dhanIdentity(ctx);
  const instrument = requireInstrument(ctx, request.symbol);
  if (instrument.segment === 'IDX_I') throw new BrokerError('BROKER_REJECTED', `${request.symbol} is an index; Dhan does not trade it.`);
  return { clientId, instrument, base: { dhanClientId: clientId, correlationId: correlationId(request.clientOrderId), securityId: instrument.token } };
}

async function placeForever(ctx: BrokerContext, request: ProtectiveExitRequest): Promise<ProtectiveExitAck> {
  const { instrument, base } = common(ctx, request);
  const target = request.targetPrice !== undefined ? { price: request.targetPrice, triggerPrice: request.targetPrice } : null;
  const stop = request.stopPrice !== undefined ? { price: request.stopLimitPrice ?? request.stopPrice, triggerPrice: request.stopPrice } : null;
  const first = target ?? stop;
  if (!first) throw new BrokerError('BROKER_REJECTED', 'A Dhan forever order needs a target price, a stop price or both.');
  const second = target && stop ? stop : null;
  const ack = await dhanCall<{ orderId?: string } | null>(ctx, {
    method: 'POST',
    path: '/forever/orders',
    json: {
      ...base,
      orderFlag: second ? 'OCO' : 'SINGLE',
      transactionType: request.exitSide,
      exchangeSegment: instrument.segment,
      productType: product(FOREVER_PRODUCTS, request, instrument, 'forever order'),
      orderType: 'LIMIT',
      validity: request.timeInForce === 'IOC' ? 'IOC' : 'DAY',
      quantity: request.quantity,
      disclosedQuantity: 0,
      ...first,
      ...(second ? { price1: second.price, triggerPrice1: second.triggerPrice, quantity1: request.quantity } : {}),
    },
  });
  if (!ack?.orderId) throw new BrokerError('BROKER_REJECTED', 'Dhan accepted the forever order without an order id. Check Forever Orders on Dhan.');
  return { groupId: `${FOREVER}${String(ack.orderId)}`, legs: [] };
}

async function placeSuper(ctx: BrokerContext, request: ProtectiveExitRequest): Promise<ProtectiveExitAck> {
  const { instrument, base } = common(ctx, request);
  const entry = request.entry;
  if (!entry) throw new BrokerError('BROKER_REJECTED', 'A bracket needs its entry order.');
  if (request.targetPrice === undefined || request.stopPrice === undefined) {
    throw new BrokerError('BROKER_REJECTED', 'A Dhan super order needs both a target price and a stop-loss price.');
  }
  if (request.trail && !('amount' in request.trail)) {
    throw new BrokerError('NOT_SUPPORTED', "Dhan's trailing jump is a price amount; give the trail as an amount, not a percentage.");
  }
  const ack = await dhanCall<{ orderId?: string; orderStatus?: string } | null>(ctx, {
    method: 'POST',
    path: '/super/orders',
    json: {
      ...base,
      transactionType: request.exitSide === 'SELL' ? 'BUY' : 'SELL',
      exchangeSegment: instrument.segment,
      productType: product(SUPER_PRODUCTS, request, instrument, 'super order'),
      orderType: entry.type,
      quantity: request.quantity,
      price: entry.type === 'LIMIT' ? entry.limitPrice : 0,
      targetPrice: request.targetPrice,
      stopLossPrice: request.stopPrice,
      trailingJump: request.trail && 'amount' in request.trail ? request.trail.amount : 0,
    },
  });
  if (!ack?.orderId) throw new BrokerError('BROKER_REJECTED', 'Dhan accepted the super order without an order id. Check Super Orders on Dhan.');
  const orderId = String(ack.orderId);
  return { groupId: `${SUPER}${orderId}`, legs: [{ role: 'entry', brokerOrderId: orderId, state: toOrderState(ack.orderStatus) }] };
}

/** The rows of one forever order (an OCO has one per leg). */
async function foreverRows(ctx: BrokerContext, id: string): Promise<DhanOrder[]> {
  const rows = await dhanCall<DhanOrder[] | null>(ctx, { method: 'GET', path: '/forever/orders' });
  return (rows ?? []).filter((r) => String(r.orderId) === id);
}

async function foreverStatus(ctx: BrokerContext, id: string): Promise<ProtectiveExitStatus | null> {
  const rows = await foreverRows(ctx, id);
  if (rows.length === 0) return null;
  const triggered = rows.filter((r) => r.orderStatus === 'TRIGGERED');
  const legs: ProtectiveExitStatus['legs'] = [];
  if (triggered.length > 0) {
    // The order a triggered leg placed carries the forever order's correlationId and the leg's name.
    const book = (await dhanCall<DhanOrder[] | null>(ctx, { method: 'GET', path: '/orders' })) ?? [];
    for (const row of triggered) {
      const placed = book.filter((o) => o.correlationId === row.correlationId && o.legName === row.legName).at(-1);
      if (placed) legs.push({ ...toBrokerOrder(placed), role: ROLE[String(row.legName)] ?? 'stop' });
    }
  }
  const waiting = rows.some((r) => r.orderStatus === 'CONFIRM' || r.orderStatus === 'PENDING' || r.orderStatus === 'TRANSIT');
  return { active: waiting || legs.some((l) => !FINAL.has(l.state)), legs };
}

function superLeg(parent: DhanOrder, leg: DhanOrder): BrokerOrder & { role: ExitLegRole } {
  const role = ROLE[String(leg.legName)] ?? 'stop';
  const quantity = numOrZero(leg.totalQuatity ?? parent.quantity);
  const state = toOrderState(leg.orderStatus);
  const filled = state === 'FILLED' ? quantity : quantity - numOrZero(leg.remainingQuantity ?? quantity);
  return {
    brokerOrderId: String(leg.orderId),
    clientOrderId: typeof parent.correlationId === 'string' && parent.correlationId ? parent.correlationId : null,
    symbol: toBrokerOrder(parent).symbol,
    side: leg.transactionType === 'BUY' ? 'BUY' : 'SELL',
    quantity,
    filledQuantity: filled,
    averagePrice: filled > 0 ? numOrZero(leg.averageTradedPrice) || numOrZero(leg.price) : null,
    type: role === 'target' ? 'LIMIT' : 'STOP',
    limitPrice: role === 'target' ? numOrZero(leg.price) : null,
    state,
    message: typeof leg.orderStatus === 'string' ? leg.orderStatus : null,
    updatedAt: parseDhanTime(parent.updateTime),
    role,
  };
}

async function superStatus(ctx: BrokerContext, id: string): Promise<ProtectiveExitStatus | null> {
  const list = (await dhanCall<DhanOrder[] | null>(ctx, { method: 'GET', path: '/super/orders' })) ?? [];
  const parent = list.find((o) => String(o.orderId) === id);
  if (!parent) return null;
  const entry = toBrokerOrder(parent);
  // The parent's status speaks for the whole group (TRIGGERED, CLOSED): its entry is filled once its quantity is.
  if (entry.quantity > 0 && entry.filledQuantity >= entry.quantity) entry.state = 'FILLED';
  const legs: ProtectiveExitStatus['legs'] = [{ ...entry, role: 'entry' }];
  const details = Array.isArray(parent.legDetails) ? (parent.legDetails as DhanOrder[]) : [];
  for (const leg of details) if (leg.orderId) legs.push(superLeg(parent, leg));
  const armed = legs.length > 1;
  const active = !FINAL.has(entry.state) || (armed && legs.some((l) => l.role !== 'entry' && !FINAL.has(l.state))) || (entry.state === 'FILLED' && !armed);
  return { active, legs };
}

function parse(groupId: string): { kind: 'forever' | 'super'; id: string } | null {
  if (groupId.startsWith(FOREVER)) return { kind: 'forever', id: groupId.slice(FOREVER.length) };
  if (groupId.startsWith(SUPER)) return { kind: 'super', id: groupId.slice(SUPER.length) };
  return null;
}

async function status(ctx: BrokerContext, groupId: string): Promise<ProtectiveExitStatus | null> {
  const group = parse(groupId);
  if (!group) return null;
  return group.kind === 'forever' ? foreverStatus(ctx, group.id) : superStatus(ctx, group.id);
}

/** Try `run`; if it fails but the group has meanwhile finished, that is not an error. */
async function unlessFinished(ctx: BrokerContext, groupId: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    const now = await status(ctx, groupId);
    if (now?.active) throw error;
  }
}

async function cancel(ctx: BrokerContext, groupId: string): Promise<void> {
  const group = parse(groupId);
  const now = group ? await status(ctx, groupId) : null;
  if (!group || !now?.active) return;
  if (group.kind === 'super') {
    // Cancelling the entry leg cancels every leg still working.
    return unlessFinished(ctx, groupId, () => dhanCall(ctx, { method: 'DELETE', path: `/super/orders/${encodeURIComponent(group.id)}/ENTRY_LEG` }));
  }
  const waiting = (rows: DhanOrder[]) => rows.some((r) => r.orderStatus === 'CONFIRM' || r.orderStatus === 'PENDING');
  if (waiting(await foreverRows(ctx, group.id))) {
    try {
      await dhanCall(ctx, { method: 'DELETE', path: `/forever/orders/${encodeURIComponent(group.id)}` });
    } catch (error) {
      // Refused because a leg triggered meanwhile: its order is cancelled below; anything else still waiting is an error.
      if (waiting(await foreverRows(ctx, group.id))) throw error;
    }
  }
  for (const leg of (await foreverStatus(ctx, group.id))?.legs ?? []) {
    if (FINAL.has(leg.state)) continue;
    await unlessFinished(ctx, groupId, () => dhanCall(ctx, { method: 'DELETE', path: `/orders/${encodeURIComponent(leg.brokerOrderId)}` }));
  }
}

export const dhanProtectiveExits: ProtectiveExitCapability = {
  kinds: ['bracket', 'oco'],
  async place(ctx, request) {
    if (request.kind === 'oco') return placeForever(ctx, request);
    if (request.kind === 'bracket') return placeSuper(ctx, request);
    throw new BrokerError('NOT_SUPPORTED', 'Dhan has no trailing stop for a position already held; BrokerVault manages this kind.');
  },
  cancel,
  status,
};
