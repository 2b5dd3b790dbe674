import { isWorkingOrderState } from '../../../shared/orders';
import { checkExitTerms, exitStatus } from '../exit-terms';
import { brokerMessage } from '../http';
import {
  BrokerError,
  type BrokerContext,
  type BrokerOrder,
  type ExitKind,
  type ExitLegRole,
  type ProtectiveExitAck,
  type ProtectiveExitCapability,
  type ProtectiveExitRequest,
  type ProtectiveExitStatus,
} from '../types';
import { ensureAccount, gatewayCall, str } from './client';
import { conidFor } from './contracts';
import { gatewayErrorText } from './errors';
import { mapOrder, stateFromIbkr } from './mapping';
import { bracketChildren, cancelOrder, getOrder, isDuplicateCoid, liveChildren, settleOrderAnswer } from './orders';

type Json = Record<string, unknown>;

/** Brackets only: IBKR's OCA groups and trailing types are not confirmed on the Web API (see docs/brokers/ibkr.md). */
const KINDS: readonly ExitKind[] = ['bracket'];
/** The children in the order they are sent (and answered). */
const CHILD_ROLES: readonly ExitLegRole[] = ['target', 'stop'];

/**
 * A Client Portal bracket: one POST /iserver/account/{acct}/orders with the parent (our ticket id as `cOID`) and two
 * children whose `parentId` is that cOID (the sheet: no cOID on the children). The children are held until the parent
 * fills; the target's or the stop's fill cancels the other.
 */
function bracketBody(account: string, conid: number, r: ProtectiveExitRequest): Json[] {
  const tif = r.timeInForce === 'GTC' ? 'GTC' : 'DAY';
  const common = { acctId: account, conid, quantity: r.quantity, tif };
  const entrySide = r.exitSide === 'SELL' ? 'BUY' : 'SELL';
  const entry = r.entry!;
  const parent: Json = { ...common, side: entrySide, orderType: entry.type === 'LIMIT' ? 'LMT' : 'MKT', cOID: r.clientOrderId };
  if (entry.type === 'LIMIT') parent.price = entry.limitPrice;
  const child = { ...common, side: r.exitSide, parentId: r.clientOrderId };
  const target: Json = { ...child, orderType: 'LMT', price: r.targetPrice };
  // A plain stop carries its trigger in `price`; a stop-limit its limit in `price` and its trigger in `auxPrice`.
  const stop: Json =
    r.stopLimitPrice === undefined
      ? { ...child, orderType: 'STP', price: r.stopPrice }
      : { ...child, orderType: 'STOP_LIMIT', price: r.stopLimitPrice, auxPrice: r.stopPrice };
  return [parent, target, stop];
}

async function place(ctx: BrokerContext, request: ProtectiveExitRequest): Promise<ProtectiveExitAck> {
  checkExitTerms('IBKR', KINDS, request);
  const account = await ensureAccount(ctx);
  const conid = await conidFor(ctx, request.symbol);
  const path = `/iserver/account/${encodeURIComponent(account)}/orders`;
  let answer: unknown;
  try {
    answer = await gatewayCall(ctx, { method: 'POST', path, json: { orders: bracketBody(account, conid, request) } }, 'place the bracket');
  } catch (error) {
    if (error instanceof BrokerError && isDuplicateCoid(error.message)) return existing(ctx, request.clientOrderId, error.message);
    throw error;
  }
  const text = gatewayErrorText(answer);
  if (text !== null && isDuplicateCoid(text)) return existing(ctx, request.clientOrderId, text);
  if (text !== null) throw new BrokerError('BROKER_REJECTED', `IBKR did not accept the bracket: ${brokerMessage(text, 'rejected')}`);
  // A question (IbkrConfirmationRequired) is thrown from here; answerPrompt then returns the parent's ack, whose id is the group id.
  const parent = settleOrderAnswer(ctx, answer, request.clientOrderId);
  const entries = (Array.isArray(answer) ? answer : [answer]) as Json[];
  return {
    groupId: parent.brokerOrderId,
    legs: entries.map((e, i) => ({
      role: i === 0 ? 'entry' : CHILD_ROLES[i - 1]!,
      brokerOrderId: str(e.order_id) ?? '',
      state: stateFromIbkr(e.order_status ?? 'PendingSubmit', 0, 1),
    })),
  };
}

/** A retried ticket (its cOID already registered) answers with the bracket IBKR has. */
async function existing(ctx: BrokerContext, clientOrderId: string, message: string): Promise<ProtectiveExitAck> {
  const parent = await getOrder(ctx, { clientOrderId });
  const group = parent && (await status(ctx, parent.brokerOrderId));
  if (!parent || !group) throw new BrokerError('BROKER_REJECTED', `IBKR did not accept the bracket: ${brokerMessage(message, 'duplicate')}`);
  return { groupId: parent.brokerOrderId, legs: group.legs.map((l) => ({ role: l.role, brokerOrderId: l.brokerOrderId, state: l.state })) };
}

const childRole = (o: BrokerOrder): ExitLegRole => (o.type === 'LIMIT' ? 'target' : 'stop');

/** The parent and its children: known ids when placed on this connection, else the live orders naming it as parent. */
async function status(ctx: BrokerContext, groupId: string): Promise<ProtectiveExitStatus | null> {
  const parent = await getOrder(ctx, { brokerOrderId: groupId });
  if (!parent) return null;
  const legs: (BrokerOrder & { role: ExitLegRole })[] = [{ ...parent, role: 'entry' }];
  const known = bracketChildren(ctx).get(groupId);
  if (known) {
    for (const [i, id] of known.entries()) {
      const child = await getOrder(ctx, { brokerOrderId: id });
      if (child) legs.push({ ...child, role: CHILD_ROLES[i] ?? childRole(child) });
    }
  } else {
    for (const item of await liveChildren(ctx, groupId)) {
      const child = mapOrder(ctx, item);
      legs.push({ ...child, role: childRole(child) });
    }
  }
  return exitStatus(legs);
}

/**
 * Cancel the working orders of the bracket (the parent takes its held children with it; a child takes its sibling). An
 * order that finished meanwhile is refused by the gateway ("cannot be cancelled"): that is not an error.
 */
async function cancel(ctx: BrokerContext, groupId: string): Promise<void> {
  const group = await status(ctx, groupId);
  for (const leg of group?.legs ?? []) {
    if (!isWorkingOrderState(leg.state)) continue;
    try {
      await cancelOrder(ctx, leg.brokerOrderId);
    } catch (error) {
      if (!(error instanceof BrokerError) || error.code !== 'BROKER_REJECTED' || error.name === 'IbkrConfirmationRequired') throw error;
      const now = await getOrder(ctx, { brokerOrderId: leg.brokerOrderId });
      if (now && isWorkingOrderState(now.state)) throw error;
    }
  }
}

export const ibkrExits: ProtectiveExitCapability = { kinds: KINDS, place, cancel, status };
