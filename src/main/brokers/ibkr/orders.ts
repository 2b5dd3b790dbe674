import { brokerMessage } from '../http';
import { BrokerError, type BrokerContext, type BrokerOrder, type ModifiedOrder, type OrderAck, type OrderLookup, type OrderRequest } from '../types';
import { ensureAccount, gatewayCall, sharedInFlight, str } from './client';
import { conidFor } from './contracts';
import { gatewayErrorText, IbkrConfirmationRequired, promptText } from './errors';
import { mapOrder, orderTypeToIbkr, stateFromIbkr } from './mapping';
import { classifyChangeQuestion } from './questions';

type Json = Record<string, unknown>;

/**
 * IBKR refuses a second order with a cOID used in the last 24 h with "Local order ID=… is already registered"
 * (seen in ibind). Two searches, not a `.*` pattern: broker text repeating the prefix made that quadratic.
 */
export function isDuplicateCoid(text: string): boolean {
  const lower = text.toLowerCase();
  const start = lower.indexOf('local order id=');
  return start >= 0 && lower.indexOf('is already registered', start) >= 0;
}
const NOT_FOUND = /not found|doesn'?t exist|does not exist|invalid order ?id|no such order/i;
/** `GET /iserver/account/orders` is paced at 1 request per 5 s; answers inside that window come from memory. */
const LIVE_ORDERS_PACE_MS = 5_000;

function clientIds(ctx: BrokerContext): Map<string, string> {
  let map = ctx.memo.get('ibkr:cOID') as Map<string, string> | undefined;
  if (!map) ctx.memo.set('ibkr:cOID', (map = new Map()));
  return map;
}

function pendingReplies(ctx: BrokerContext): Map<string, string> {
  let map = ctx.memo.get('ibkr:replies') as Map<string, string> | undefined;
  if (!map) ctx.memo.set('ibkr:replies', (map = new Map()));
  return map;
}

function orderBody(account: string, conid: number, order: OrderRequest): Json {
  const body: Json = {
    acctId: account,
    conid,
    orderType: orderTypeToIbkr(order.type),
    side: order.side,
    quantity: order.quantity,
    tif: order.timeInForce ?? 'DAY',
    cOID: order.clientOrderId,
  };
  if (order.type === 'LIMIT' || order.type === 'STOP_LIMIT') body.price = requirePrice(order.limitPrice, 'limit');
  if (order.type === 'STOP') body.price = requirePrice(order.stopPrice, 'stop');
  if (order.type === 'STOP_LIMIT') body.auxPrice = requirePrice(order.stopPrice, 'stop');
  return body;
}

function requirePrice(price: number | undefined, what: string): number {
  if (price === undefined || !(price > 0)) throw new BrokerError('BROKER_REJECTED', `This order type needs a ${what} price.`);
  return price;
}

/**
 * The children of brackets placed on this connection, by the parent's order id, in the order they were sent. A bracket's
 * answer (on placement or after its last confirmation) has one entry per order, the parent first.
 */
export function bracketChildren(ctx: BrokerContext): Map<string, string[]> {
  let map = ctx.memo.get('ibkr:bracketChildren') as Map<string, string[]> | undefined;
  if (!map) ctx.memo.set('ibkr:bracketChildren', (map = new Map()));
  return map;
}

/**
 * Read an order answer: accepted (`order_id`), a question to confirm (`id` + `message[]`: thrown as
 * IbkrConfirmationRequired, never answered here), or an error.
 */
export function settleOrderAnswer(ctx: BrokerContext, answer: unknown, clientOrderId: string | null): OrderAck {
  const error = gatewayErrorText(answer);
  if (error !== null) throw new BrokerError('BROKER_REJECTED', `IBKR did not accept the order: ${brokerMessage(error, 'rejected')}`);
  const first = ((Array.isArray(answer) ? answer[0] : answer) ?? {}) as Json;
  const orderId = str(first.order_id ?? first.orderId);
  if (orderId) {
    if (clientOrderId) clientIds(ctx).set(clientOrderId, orderId);
    if (Array.isArray(answer) && answer.length > 1) {
      bracketChildren(ctx).set(
        orderId,
        answer.slice(1).map((a: Json) => str(a.order_id ?? a.orderId) ?? ''),
      );
    }
    return { brokerOrderId: orderId, state: stateFromIbkr(first.order_status ?? 'PendingSubmit', 0, 1) };
  }
  const replyId = str(first.id);
  if (replyId && Array.isArray(first.message)) {
    if (clientOrderId) pendingReplies(ctx).set(replyId, clientOrderId);
    const messageIds = Array.isArray(first.messageIds) ? first.messageIds.map((m) => String(m)) : [];
    throw new IbkrConfirmationRequired(replyId, first.message.map(promptText).filter(Boolean), messageIds);
  }
  throw new BrokerError('BROKER_REJECTED', 'The IBKR gateway answered the order in a form BrokerVault does not know. Check the order book before retrying.');
}

/** A retry of an order IBKR already has (same cOID) answers with the existing order instead of failing. */
async function existingOrder(ctx: BrokerContext, clientOrderId: string, message: string): Promise<OrderAck> {
  const found = await getOrder(ctx, { clientOrderId });
  if (found) return { brokerOrderId: found.brokerOrderId, state: found.state };
  throw new BrokerError('BROKER_REJECTED', `IBKR did not accept the order: ${message}`);
}

export async function placeOrder(ctx: BrokerContext, order: OrderRequest): Promise<OrderAck> {
  const account = await ensureAccount(ctx);
  const conid = await conidFor(ctx, order.symbol);
  let answer: unknown;
  try {
    answer = await gatewayCall(
      ctx,
      { method: 'POST', path: `/iserver/account/${encodeURIComponent(account)}/orders`, json: { orders: [orderBody(account, conid, order)] } },
      'place the order',
    );
  } catch (error) {
    if (error instanceof BrokerError && isDuplicateCoid(error.message)) return existingOrder(ctx, order.clientOrderId, error.message);
    throw error;
  }
  const text = gatewayErrorText(answer);
  if (text !== null && isDuplicateCoid(text)) return existingOrder(ctx, order.clientOrderId, brokerMessage(text, 'duplicate'));
  return settleOrderAnswer(ctx, answer, order.clientOrderId);
}

/**
 * Answer a question IBKR asked about an order (see IbkrConfirmationRequired). Confirming may bring
 * another question (thrown again) or place the order; declining discards it and returns null.
 */
export async function confirmReply(ctx: BrokerContext, replyId: string, confirmed: boolean): Promise<OrderAck | null> {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(replyId)) throw new BrokerError('BROKER_REJECTED', 'That confirmation does not belong to the IBKR gateway.');
  const clientOrderId = pendingReplies(ctx).get(replyId) ?? null;
  pendingReplies(ctx).delete(replyId);
  const answer = await gatewayCall(ctx, { method: 'POST', path: `/iserver/reply/${replyId}`, json: { confirmed } }, 'confirm the order');
  if (!confirmed) {
    const first = ((Array.isArray(answer) ? answer[0] : answer) ?? {}) as Json;
    return first.order_id === undefined ? null : settleOrderAnswer(ctx, answer, clientOrderId);
  }
  return settleOrderAnswer(ctx, answer, clientOrderId);
}

/** At most this many questions in a row about one change before BrokerVault gives up (the gateway loops per question). */
const MAX_CHANGE_QUESTIONS = 5;

/**
 * POST /iserver/account/{acct}/order/{id} with the full order again (no cOID: the order keeps its id). The gateway may
 * ask questions first, one at a time (questions.ts): a notice that adds no risk is confirmed, since the trader already
 * confirmed the change; any other is declined at the gateway (so no change waits there) and the change is refused in
 * words. Nothing changed at IBKR in that case.
 */
export async function modifyOrder(ctx: BrokerContext, brokerOrderId: string, _change: unknown, order: ModifiedOrder): Promise<OrderAck> {
  const account = await ensureAccount(ctx);
  const conid = await conidFor(ctx, order.symbol);
  const { cOID: _ignored, ...body } = orderBody(account, conid, order);
  let answer = await gatewayCall(
    ctx,
    { method: 'POST', path: `/iserver/account/${encodeURIComponent(account)}/order/${encodeURIComponent(brokerOrderId)}`, json: body },
    'modify the order',
  );
  for (let asked = 0; ; asked++) {
    const question = questionIn(answer);
    if (!question) return settleOrderAnswer(ctx, answer, null);
    const kind = asked < MAX_CHANGE_QUESTIONS ? classifyChangeQuestion(question.messageIds, question.prompts) : 'refused';
    if (kind === 'refused') {
      // Declined, so the change does not wait at the gateway for an answer; the refusal stands whatever it replies.
      await gatewayCall(ctx, { method: 'POST', path: `/iserver/reply/${question.replyId}`, json: { confirmed: false } }, 'decline the change').catch(
        () => undefined,
      );
      throw new BrokerError(
        'BROKER_REJECTED',
        `IBKR asks before changing this order: ${question.prompts.join(' ')} BrokerVault does not confirm that for a change, so nothing was changed. ` +
          "Make a smaller change, or change the order in IBKR's own terminal if you mean it.",
      );
    }
    answer = await gatewayCall(ctx, { method: 'POST', path: `/iserver/reply/${question.replyId}`, json: { confirmed: true } }, 'confirm the change');
  }
}

/** A question in a gateway answer (`id` + `message[]`), or null. */
function questionIn(answer: unknown): { replyId: string; prompts: string[]; messageIds: string[] } | null {
  if (gatewayErrorText(answer) !== null) return null;
  const first = ((Array.isArray(answer) ? answer[0] : answer) ?? {}) as Json;
  const replyId = str(first.id);
  if (!replyId || !Array.isArray(first.message) || str(first.order_id ?? first.orderId)) return null;
  if (!/^[A-Za-z0-9-]{1,100}$/.test(replyId)) return null;
  const messageIds = Array.isArray(first.messageIds) ? first.messageIds.map((m) => String(m)) : [];
  return { replyId, prompts: first.message.map(promptText).filter(Boolean), messageIds };
}

export async function cancelOrder(ctx: BrokerContext, brokerOrderId: string): Promise<void> {
  const account = await ensureAccount(ctx);
  const answer = await gatewayCall(
    ctx,
    { method: 'DELETE', path: `/iserver/account/${encodeURIComponent(account)}/order/${encodeURIComponent(brokerOrderId)}` },
    'cancel the order',
  );
  const error = gatewayErrorText(answer);
  if (error !== null) throw new BrokerError('BROKER_REJECTED', `IBKR could not cancel the order: ${brokerMessage(error, 'rejected')}`);
  const first = ((Array.isArray(answer) ? answer[0] : answer) ?? {}) as Json;
  if (str(first.id) && Array.isArray(first.message)) {
    throw new IbkrConfirmationRequired(String(first.id), first.message.map(promptText).filter(Boolean), []);
  }
}

async function orderStatus(ctx: BrokerContext, brokerOrderId: string): Promise<BrokerOrder | null> {
  await ensureAccount(ctx);
  let answer: unknown;
  try {
    answer = await gatewayCall(ctx, { method: 'GET', path: `/iserver/account/order/status/${encodeURIComponent(brokerOrderId)}` }, 'read the order');
  } catch (error) {
    if (error instanceof BrokerError && error.code === 'BROKER_REJECTED' && (error.httpStatus === 404 || NOT_FOUND.test(error.message))) return null;
    throw error;
  }
  const text = gatewayErrorText(answer);
  if (text !== null) {
    if (NOT_FOUND.test(text)) return null;
    throw new BrokerError('BROKER_REJECTED', `IBKR could not read the order: ${brokerMessage(text, 'error')}`);
  }
  const byClient = [...clientIds(ctx)].find(([, id]) => id === brokerOrderId)?.[0] ?? null;
  return mapOrder(ctx, (answer ?? {}) as Json, byClient);
}

/** Live-order items whose `parentId` is this order: a bracket's children placed before this run (field name unconfirmed). */
export async function liveChildren(ctx: BrokerContext, parentOrderId: string): Promise<Json[]> {
  return (await liveOrders(ctx)).filter((item) => str(item.parentId ?? item.parent_id) === parentOrderId);
}

async function liveOrders(ctx: BrokerContext): Promise<Json[]> {
  const now = ctx.clock.now();
  const cached = ctx.memo.get('ibkr:liveOrders') as { at: number; list: Json[] } | undefined;
  if (cached && now - cached.at < LIVE_ORDERS_PACE_MS) return cached.list;
  return sharedInFlight(ctx, 'ibkr:liveOrdersPending', async () => {
    await ensureAccount(ctx);
    const answer = (await gatewayCall(ctx, { method: 'GET', path: '/iserver/account/orders' }, 'list your orders')) as Json | null;
    const list = (Array.isArray(answer?.orders) ? answer.orders : []) as Json[];
    ctx.memo.set('ibkr:liveOrders', { at: now, list });
    return list;
  });
}

export async function orders(ctx: BrokerContext): Promise<BrokerOrder[]> {
  return (await liveOrders(ctx)).map((item) => mapOrder(ctx, item));
}

export async function getOrder(ctx: BrokerContext, lookup: OrderLookup): Promise<BrokerOrder | null> {
  if (lookup.brokerOrderId) return orderStatus(ctx, lookup.brokerOrderId);
  const clientOrderId = lookup.clientOrderId;
  if (!clientOrderId) return null;
  const placedHere = clientIds(ctx).get(clientOrderId);
  if (placedHere) return orderStatus(ctx, placedHere);
  // Placed before this run (or by a retry that never saw the answer): the live-orders list carries cOID as order_ref.
  const match = (await liveOrders(ctx)).find((item) => str(item.order_ref ?? item.orderRef) === clientOrderId);
  if (!match) return null;
  const order = mapOrder(ctx, match);
  clientIds(ctx).set(clientOrderId, order.brokerOrderId);
  return order;
}
