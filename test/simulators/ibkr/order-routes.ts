import type { SimFill, SimOrder, SimOrderType } from '../exchange';
import type { SimRouter, SimResponse } from '../harness';
import { contractByConid, exchangeSymbol, guarded, insideRegularHours, type GatewayState } from './state';

type Json = Record<string, unknown>;

const TYPES: Record<string, SimOrderType> = { MKT: 'MARKET', LMT: 'LIMIT', STP: 'STOP', STOP_LIMIT: 'STOP_LIMIT', STP_LIMIT: 'STOP_LIMIT' };
const TYPE_WORDS: Record<SimOrderType, string> = { MARKET: 'Market', LIMIT: 'Limit', STOP: 'Stop', STOP_LIMIT: 'Stop Limit' };
const TIFS = new Set(['DAY', 'GTC', 'IOC', 'OPG']);
/** cOID must be unique within 24 hours. */
const COID_WINDOW_MS = 24 * 3_600_000;

/** IBKR status words for the shared exchange's states. */
function statusWord(order: SimOrder): string {
  if (order.status === 'FILLED') return 'Filled';
  if (order.status === 'CANCELLED') return 'Cancelled';
  if (order.status === 'REJECTED') return 'Inactive';
  // A bracket's child waits, PreSubmitted, until its parent fills.
  if (order.extra.held === '1') return 'PreSubmitted';
  return order.type === 'STOP' || order.type === 'STOP_LIMIT' ? 'PreSubmitted' : 'Submitted';
}

function error(status: number, text: string): SimResponse {
  return { status, json: { error: text } };
}

interface Draft {
  conid: number;
  symbol: string;
  ticker: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  type: SimOrderType;
  orderTypeWire: string;
  price: number | null;
  auxPrice: number | null;
  tif: string;
  cOID: string | null;
  parentId: string | null;
}

/** Validate one order object of the body the way the gateway does; a string is the error text. */
function readDraft(o: Json): Draft | string {
  const conid = Number(o.conid ?? String(o.conidex ?? '').split('@')[0]);
  const contract = contractByConid(conid);
  if (!contract) return `Invalid contract id: ${String(o.conid ?? o.conidex)}`;
  const wireType = String(o.orderType ?? '');
  const type = TYPES[wireType];
  if (!type) return `Invalid order type: ${wireType}`;
  const side = String(o.side ?? '');
  if (side !== 'BUY' && side !== 'SELL') return 'side must be BUY or SELL';
  const quantity = Number(o.quantity);
  if (!(quantity > 0)) return 'Order quantity must be positive';
  const tif = String(o.tif ?? '');
  if (!TIFS.has(tif)) return `Invalid time in force: ${tif}`;
  const price = o.price === undefined ? null : Number(o.price);
  const auxPrice = o.auxPrice === undefined ? null : Number(o.auxPrice);
  if (type !== 'MARKET' && !(price !== null && price > 0)) return 'price is required for this order type';
  if (type === 'STOP_LIMIT' && !(auxPrice !== null && auxPrice > 0)) return 'auxPrice is required for STOP_LIMIT orders';
  const cOID = typeof o.cOID === 'string' && o.cOID ? o.cOID : null;
  const parentId = typeof o.parentId === 'string' && o.parentId ? o.parentId : null;
  return {
    conid,
    symbol: exchangeSymbol(contract),
    ticker: contract.ticker,
    side,
    quantity,
    type,
    orderTypeWire: wireType,
    price,
    auxPrice,
    tif,
    cOID,
    parentId,
  };
}

/** How far through the market a changed limit may go before the gateway asks (ibind names the 3 % constraint). */
const PRICE_CONSTRAINT = 0.03;

/**
 * The questions the gateway asks before placing or changing (ids are TWS error codes with an "o"; texts modelled on
 * IBKR's). A change whose limit goes more than 3 % through the market is asked about too (o163; its id and the rule's
 * scope are unconfirmed, see docs/brokers/ibkr.md).
 */
function questionsFor(state: GatewayState, d: Draft, change = false): { text: string; messageId: string }[] {
  const now = state.clock.now();
  const price = d.type === 'LIMIT' || d.type === 'STOP_LIMIT' ? d.price! : state.exchange.price(d.symbol);
  const out: { text: string; messageId: string }[] = [];
  if (change && d.type === 'LIMIT') {
    const market = state.exchange.price(d.symbol);
    const through = d.side === 'BUY' ? price / market - 1 : 1 - price / market;
    if (through > PRICE_CONSTRAINT) {
      out.push({
        messageId: 'o163',
        text: `The following order "${d.side} ${d.quantity} ${d.ticker} Limit ${price}" price exceeds the Percentage constraint of 3%.<br>Are you sure you want to submit this order?`,
      });
    }
  }
  if (d.quantity * price > state.valueLimit) {
    out.push({
      messageId: 'o2137',
      text: `The following order "${d.side} ${d.quantity} ${d.ticker} ${TYPE_WORDS[d.type]}" value exceeds the Total Value Limit of ${state.valueLimit.toLocaleString('en-US')} USD.<br>Are you sure you want to submit this order?`,
    });
  }
  if (d.type === 'MARKET' && !insideRegularHours(now)) {
    out.push({
      messageId: 'o354',
      text: 'You are submitting a market order outside regular trading hours. It will be held until the market opens.<br>Are you sure you want to submit this order?',
    });
  }
  return out.filter((q) => !state.suppressed.has(q.messageId));
}

function cOIDTaken(state: GatewayState, cOID: string): boolean {
  const since = state.clock.now() - COID_WINDOW_MS;
  if ([...state.replies.values()].some((r) => r.cOID === cOID)) return true;
  return state.exchange.orders.size > 0 && [...state.exchange.orders.values()].some((o) => o.clientOrderId === cOID && o.createdAt >= since);
}

function placeDraft(state: GatewayState, account: string, d: Draft, children: Draft[] = []): SimResponse {
  const cost = d.quantity * (d.price ?? state.exchange.price(d.symbol));
  if (d.side === 'BUY' && cost > state.exchange.cash) {
    return error(
      400,
      'Order rejected - reason: YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION YOUR EQUITY WITH LOAN VALUE MUST EXCEED THE INITIAL MARGIN.',
    );
  }
  const order = state.exchange.place({
    symbol: d.symbol,
    side: d.side,
    quantity: d.quantity,
    type: d.type,
    limitPrice: d.type === 'LIMIT' ? d.price : d.type === 'STOP_LIMIT' ? d.price : null,
    stopPrice: d.type === 'STOP' ? d.price : d.type === 'STOP_LIMIT' ? d.auxPrice : null,
    clientOrderId: d.cOID,
    extra: { account, tif: d.tif, conid: String(d.conid), ticker: d.ticker, ...(children.length > 0 ? { held: '1' } : {}) },
  });
  // A bracket: the children are held until the parent fills; one child's fill cancels the other (their OCA group).
  const legs = children.map((c) =>
    state.exchange.place({
      symbol: c.symbol,
      side: c.side,
      quantity: c.quantity,
      type: c.type,
      limitPrice: c.type === 'LIMIT' || c.type === 'STOP_LIMIT' ? c.price : null,
      stopPrice: c.type === 'STOP' ? c.price : c.type === 'STOP_LIMIT' ? c.auxPrice : null,
      clientOrderId: c.cOID,
      extra: { account, tif: c.tif, conid: String(c.conid), ticker: c.ticker, held: '1', parentId: order.id },
    }),
  );
  if (legs.length > 0) state.exchange.linkExit({ id: order.id, entry: order.id, legs: legs.map((l) => l.id) });
  return { json: [order, ...legs].map((o) => ({ order_id: o.id, order_status: statusWord(o), encrypt_message: '1' })) };
}

/**
 * A bracket is one parent (with a cOID) and children whose `parentId` is that cOID, in one POST (IBKR's Web API docs).
 * Children go the other way from the parent, for the same quantity; a text is the gateway's error (unconfirmed words).
 */
function readBracket(list: Json[]): { parent: Draft; children: Draft[] } | string {
  const drafts = list.map(readDraft);
  const bad = drafts.find((d): d is string => typeof d === 'string');
  if (bad !== undefined) return bad;
  const [parent, ...children] = drafts as Draft[];
  if (parent!.parentId) return `Parent order ${parent!.parentId} was not found in this request`;
  if (children.length > 0 && !parent!.cOID) return 'The parent order of a bracket must carry a cOID';
  for (const child of children) {
    if (child.parentId !== parent!.cOID) return `Parent order ${child.parentId ?? '(none)'} was not found in this request`;
    if (child.side === parent!.side) return 'An attached order must be on the opposite side of its parent';
    if (child.quantity !== parent!.quantity) return 'An attached order must have the quantity of its parent';
    if (child.conid !== parent!.conid) return 'An attached order must be for the contract of its parent';
  }
  return { parent: parent!, children };
}

/** Ask the next question, or place the order when none is left. */
function askOrPlace(state: GatewayState, questions: { text: string; messageId: string }[], place: () => SimResponse, cOID: string | null): SimResponse {
  const [next, ...rest] = questions;
  if (!next) return place();
  const id = state.nextReplyId();
  state.replies.set(id, { id, prompts: [next, ...rest], place, cOID });
  return { json: [{ id, message: [next.text], isSuppressed: false, messageIds: [next.messageId] }] };
}

/** One order as `GET /iserver/account/orders` (and the websocket's `sor` topic) lists it. */
export function liveItem(o: SimOrder): Json {
  const remaining = o.quantity - o.filledQuantity;
  return {
    acct: o.extra.account,
    conidex: o.extra.conid,
    conid: Number(o.extra.conid),
    orderId: Number(o.id),
    cashCcy: 'USD',
    sizeAndFills: `${o.filledQuantity}/${o.quantity}`,
    orderDesc: `${o.side === 'BUY' ? 'Buy' : 'Sell'} ${o.quantity} ${TYPE_WORDS[o.type]}`,
    description1: o.extra.ticker,
    ticker: o.extra.ticker,
    secType: 'STK',
    listingExchange: 'NASDAQ.NMS',
    remainingQuantity: remaining,
    filledQuantity: o.filledQuantity,
    totalSize: o.quantity,
    companyName: o.extra.ticker,
    status: statusWord(o),
    origOrderType: TYPE_WORDS[o.type].toUpperCase().replace(' ', '_'),
    orderType: TYPE_WORDS[o.type],
    side: o.side,
    timeInForce: o.extra.tif,
    price: o.type === 'STOP' ? o.stopPrice : (o.limitPrice ?? undefined),
    auxPrice: o.type === 'STOP_LIMIT' ? o.stopPrice : undefined,
    avgPrice: o.averagePrice === null ? undefined : String(o.averagePrice),
    order_ref: o.clientOrderId ?? undefined,
    // A bracket child names its parent's order id (field name unconfirmed).
    parentId: o.extra.parentId === undefined ? undefined : Number(o.extra.parentId),
    lastExecutionTime_r: o.updatedAt,
    bgColor: '#FFFFFF',
    fgColor: '#000000',
  };
}

/** One execution of `GET /iserver/account/trades`: side as 'B'/'S', price as a string, time as epoch ms. */
function tradeItem(f: SimFill, cOID: string | null): Json {
  const iso = new Date(f.at).toISOString();
  return {
    execution_id: `0000e0d5.${f.id}`,
    symbol: f.extra.ticker,
    supports_tax_opt: '1',
    side: f.side === 'BUY' ? 'B' : 'S',
    order_description: `${f.side === 'BUY' ? 'Bought' : 'Sold'} ${f.quantity} @ ${f.price} on ISLAND`,
    trade_time: `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19)}`,
    trade_time_r: f.at,
    size: f.quantity,
    price: String(f.price),
    order_ref: cOID,
    submitter: 'testuser1',
    exchange: 'ISLAND',
    commission: '1.00',
    net_amount: Math.round(f.quantity * f.price * 100) / 100,
    account: f.extra.account,
    accountCode: f.extra.account,
    company_name: f.extra.ticker,
    contract_description_1: f.extra.ticker,
    sec_type: 'STK',
    listing_exchange: 'NASDAQ.NMS',
    conid: Number(f.extra.conid),
    conidex: f.extra.conid,
    clearing_id: 'IB',
    clearing_name: 'IB',
    liquidation_trade: '0',
    is_event_trading: '0',
    order_id: Number(f.orderId),
  };
}

function statusItem(o: SimOrder): Json {
  return {
    sub_type: null,
    request_id: '209',
    server_id: '0',
    order_id: Number(o.id),
    conidex: o.extra.conid,
    conid: Number(o.extra.conid),
    symbol: o.extra.ticker,
    side: o.side === 'BUY' ? 'B' : 'S',
    contract_description_1: o.extra.ticker,
    listing_exchange: 'NASDAQ.NMS',
    is_event_trading: '0',
    size: String(o.quantity - o.filledQuantity),
    total_size: String(o.quantity),
    currency: 'USD',
    account: o.extra.account,
    order_type: TYPE_WORDS[o.type].toUpperCase().replace(' ', '_'),
    limit_price: o.limitPrice === null ? undefined : String(o.limitPrice),
    stop_price: o.stopPrice === null ? undefined : String(o.stopPrice),
    cum_fill: String(o.filledQuantity),
    order_status: statusWord(o),
    order_status_description: statusWord(o) === 'Filled' ? 'Order Filled' : 'Order Submitted',
    tif: o.extra.tif,
    order_not_editable: o.status !== 'OPEN',
    cannot_cancel_order: o.status !== 'OPEN',
    sec_type: 'STK',
    average_price: o.averagePrice === null ? undefined : String(o.averagePrice),
    order_time: new Date(o.createdAt).toISOString().replace(/[-:T]/g, '').slice(0, 14),
  };
}

export function orderRoutes(router: SimRouter, state: GatewayState): void {
  router.on(
    'POST',
    '/v1/api/iserver/account/:accountId/orders',
    guarded(state, 'primed', (req) => {
      const account = req.params.accountId!;
      if (!state.accounts.includes(account)) return error(400, `Account ${account} is not available`);
      let body: unknown;
      try {
        body = req.json<unknown>();
      } catch {
        return error(400, 'Bad Request: malformed JSON');
      }
      // Current docs wrap the orders in {"orders": [...]}; an older doc copy sends the bare array.
      const list = Array.isArray(body) ? body : (body as { orders?: unknown }).orders;
      if (!Array.isArray(list) || list.length < 1 || list.length > 3) return error(400, 'orders must hold one order or one bracket');
      const bracket = readBracket(list as Json[]);
      if (typeof bracket === 'string') return error(400, bracket);
      const { parent: draft, children } = bracket;
      if (draft.cOID && cOIDTaken(state, draft.cOID)) {
        return { json: { error: `Order couldn't be submitted: Local order ID=${draft.cOID} is already registered.` } };
      }
      return askOrPlace(state, questionsFor(state, draft), () => placeDraft(state, account, draft, children), draft.cOID);
    }),
  );

  router.on(
    'POST',
    '/v1/api/iserver/reply/:replyId',
    guarded(state, 'primed', (req) => {
      const reply = state.replies.get(req.params.replyId!);
      if (!reply) return error(400, 'Reply id is not valid or has expired. Please resubmit the order.');
      state.replies.delete(reply.id);
      if (req.json<{ confirmed?: boolean }>().confirmed !== true) {
        return { json: [{ message: ['Order was not submitted: the warning was declined.'] }] };
      }
      return askOrPlace(state, reply.prompts.slice(1), reply.place, reply.cOID);
    }),
  );

  router.on(
    'POST',
    '/v1/api/iserver/questions/suppress',
    guarded(state, 'brokerage', (req) => {
      const ids = req.json<{ messageIds?: unknown }>().messageIds;
      if (!Array.isArray(ids) || ids.length > 51) return error(400, 'messageIds must be an array of at most 51 ids');
      for (const id of ids) state.suppressed.add(String(id));
      return { json: { status: 'submitted' } };
    }),
  );
  router.on(
    'POST',
    '/v1/api/iserver/questions/suppress/reset',
    guarded(state, 'brokerage', () => {
      state.suppressed.clear();
      return { json: { status: 'submitted' } };
    }),
  );

  router.on(
    'GET',
    '/v1/api/iserver/account/orders',
    guarded(
      state,
      'primed',
      () => {
        const orders = state.exchange.list().map(liveItem);
        return { json: { orders, snapshot: true } };
      },
      { key: 'orders', limit: 1, windowMs: 5_000 },
    ),
  );

  // Today's executions (no `days`: the current day only), paced at 1 per 5 s. Every account of the login: whether
  // the gateway filters by the selected account is unconfirmed, so the simulator takes the reading the adapter must
  // cope with. Field names as IBKR's reference lists them; `order_id` is not in every published list (unconfirmed).
  router.on(
    'GET',
    '/v1/api/iserver/account/trades',
    guarded(
      state,
      'primed',
      () => {
        const fills = state.exchange.tradeList();
        return { json: fills.map((f) => tradeItem(f, state.exchange.get(f.orderId)?.clientOrderId ?? null)) };
      },
      { key: 'trades', limit: 1, windowMs: 5_000 },
    ),
  );

  router.on(
    'GET',
    '/v1/api/iserver/account/order/status/:orderId',
    guarded(state, 'primed', (req) => {
      const order = state.exchange.get(req.params.orderId!);
      if (!order) return error(400, `OrderID ${req.params.orderId} doesn't exist`);
      return { json: statusItem(order) };
    }),
  );

  // Modify: the full order again, on the order's own id; the gateway may ask the same questions as for a placement.
  router.on(
    'POST',
    '/v1/api/iserver/account/:accountId/order/:orderId',
    guarded(state, 'primed', (req) => {
      const account = req.params.accountId!;
      const order = state.exchange.get(req.params.orderId!);
      if (!order || order.extra.account !== account) return error(400, `OrderID ${req.params.orderId} doesn't exist`);
      let body: Json;
      try {
        body = req.json<Json>();
      } catch {
        return error(400, 'Bad Request: malformed JSON');
      }
      const draft = readDraft(body);
      if (typeof draft === 'string') return error(400, draft);
      if (draft.symbol !== order.symbol || draft.side !== order.side) return error(400, 'A modification must keep the contract and side');
      const modify = (): SimResponse => {
        if (order.status !== 'OPEN') return error(400, `OrderID ${order.id} cannot be modified: it is ${statusWord(order)}`);
        state.exchange.modify(order.id, {
          quantity: draft.quantity,
          type: draft.type,
          limitPrice: draft.type === 'LIMIT' || draft.type === 'STOP_LIMIT' ? draft.price : null,
          stopPrice: draft.type === 'STOP' ? draft.price : draft.type === 'STOP_LIMIT' ? draft.auxPrice : null,
        });
        return { json: [{ order_id: order.id, order_status: statusWord(order), encrypt_message: '1' }] };
      };
      if (order.status !== 'OPEN') return modify();
      return askOrPlace(state, questionsFor(state, draft, true), modify, null);
    }),
  );

  router.on(
    'DELETE',
    '/v1/api/iserver/account/:accountId/order/:orderId',
    guarded(state, 'primed', (req) => {
      const account = req.params.accountId!;
      const order = state.exchange.get(req.params.orderId!);
      if (!order || order.extra.account !== account) return error(400, `OrderID ${req.params.orderId} doesn't exist`);
      if (order.status !== 'OPEN') return error(400, `OrderID ${order.id} cannot be cancelled: it is ${statusWord(order)}`);
      state.exchange.cancel(order.id);
      return { json: { msg: 'Request was submitted', order_id: Number(order.id), conid: Number(order.extra.conid), account } };
    }),
  );
}
