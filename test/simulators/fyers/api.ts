import type { SimOrderType } from '../exchange';
import type { SimRequest, SimResponse, SimRouter } from '../harness';
import { AUTH_FAILED, fail, IP_REJECTED, ok, RATE_LIMITED } from './envelope';
import { BY_TICKER, fyToken, INDEX_BY_TICKER, masterCsv } from './master';
import { fillTradeJson, fundLimitJson, holdingsJson, orderJson, overallJson, positionJson, profileJson, quoteJson } from './shapes';
import type { FyersState } from './state';
import { simBars } from '../bars';

type Handler = (req: SimRequest) => SimResponse;

/** Rate limits (per second, per minute; orders 10/s), then `Authorization: <App ID>:<token>`, then (orders only) the IP allow-list. */
function guard(state: FyersState, isOrder: boolean, handler: Handler): Handler {
  return (req) => {
    if ((isOrder ? state.orderLimiter : state.secondLimiter).hit()) return RATE_LIMITED('perSec');
    if (state.minuteLimiter.hit()) return RATE_LIMITED('perMin');
    const auth = req.headers.authorization ?? '';
    const colon = auth.indexOf(':');
    if (colon < 0 || auth.slice(0, colon) !== state.clientId || !state.validSession(auth.slice(colon + 1))) return AUTH_FAILED();
    if (isOrder && !state.registeredIps.includes(state.callerIp)) return IP_REJECTED();
    // Bracket legs arm and cancel each other on the price path: settle them before answering.
    if (state.brackets.settle()) state.ordersChanged();
    return handler(req);
  };
}

const TYPES: Record<number, SimOrderType> = { 1: 'LIMIT', 2: 'MARKET', 3: 'STOP', 4: 'STOP_LIMIT' };
const PRODUCTS = new Set(['CNC', 'INTRADAY', 'MARGIN', 'CO', 'BO', 'MTF']);

/** An INR amount in whole paise. */
const paise = (inr: number) => Math.round(inr * 100);
/** Whole paise as FYERS prints rupees ("1234.50"); exact because the input is an integer. */
const rupees = (p: number) => (p / 100).toFixed(2);

function jsonBody(req: SimRequest): Record<string, unknown> | null {
  try {
    return req.json();
  } catch {
    return null;
  }
}

function placeOrder(state: FyersState, req: SimRequest): SimResponse {
  const b = jsonBody(req);
  if (!b) return fail(400, -50, 'Invalid request body');
  const row = BY_TICKER.get(String(b.symbol ?? ''));
  if (!row) return fail(400, -300, 'Invalid symbol provided');
  const type = TYPES[Number(b.type)];
  if (!type) return fail(400, -305, 'Invalid order type');
  if (b.side !== 1 && b.side !== -1) return fail(400, -309, 'Invalid side');
  const qty = Number(b.qty);
  if (!Number.isInteger(qty) || qty <= 0 || qty % row.lot !== 0) return fail(400, -308, 'Invalid qty');
  const productType = String(b.productType ?? '');
  if (!PRODUCTS.has(productType)) return fail(400, -310, 'Invalid productType');
  const limitPrice = Number(b.limitPrice ?? 0);
  const stopPrice = Number(b.stopPrice ?? 0);
  if ((type === 'LIMIT' || type === 'STOP_LIMIT') && !(limitPrice > 0)) return fail(400, -306, 'Invalid limitPrice');
  if ((type === 'STOP' || type === 'STOP_LIMIT') && !(stopPrice > 0)) return fail(400, -307, 'Invalid stopPrice');
  const validity = String(b.validity ?? 'DAY');
  if (validity !== 'DAY' && validity !== 'IOC') return fail(400, -311, 'Invalid validity');
  const orderTag = b.orderTag === undefined ? '' : String(b.orderTag);
  if (!/^[A-Za-z0-9]{0,30}$/.test(orderTag)) return fail(400, -50, 'Invalid orderTag: alphanumeric only');
  // Bracket orders: a limit or market entry with positive stopLoss and takeProfit distances (wording unconfirmed).
  const stopLoss = Number(b.stopLoss ?? 0);
  const takeProfit = Number(b.takeProfit ?? 0);
  if (productType === 'BO') {
    if (type !== 'LIMIT' && type !== 'MARKET') return fail(400, -305, 'Invalid order type for bracket order');
    if (!(stopLoss > 0)) return fail(400, -50, 'Invalid stopLoss for bracket order');
    if (!(takeProfit > 0)) return fail(400, -50, 'Invalid takeProfit for bracket order');
  }

  const available = state.exchange.cash;
  const order = state.exchange.place({
    symbol: row.common,
    side: b.side === 1 ? 'BUY' : 'SELL',
    quantity: qty,
    type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? limitPrice : null,
    stopPrice: type === 'STOP' || type === 'STOP_LIMIT' ? stopPrice : null,
    clientOrderId: orderTag || null,
    extra: { ticker: row.ticker, productType, validity, orderTag },
  });
  if (order.status === 'REJECTED') {
    // Whole paise, rounded as fund_limit rounds (Math.round), so the figures agree with /funds to the paisa;
    // toFixed(2) on the float rounds 1.045 down to 1.04.
    const required = paise(qty * (order.limitPrice ?? state.exchange.price(row.common)));
    const held = paise(available);
    const message = `RED:Margin Shortfall:INR ${rupees(required - held)} Available:INR ${rupees(held)} for C-${state.user.fyId} [FYERS_RISK_CLI]`;
    order.extra.rejectMessage = message;
    state.ordersChanged();
    return fail(400, -99, message, { id: order.id });
  }
  if (productType === 'BO') state.brackets.register(order, stopLoss, takeProfit);
  state.brackets.settle();
  state.ordersChanged();
  return { json: { s: 'ok', code: 1101, message: `Order submitted successfully. Your Order Ref. No.${order.id}`, id: order.id } };
}

function cancelOrder(state: FyersState, req: SimRequest): SimResponse {
  const id = String(jsonBody(req)?.id ?? '');
  const order = state.exchange.get(id);
  if (!order) return fail(400, -51, 'Invalid order id');
  if (order.status === 'CANCELLED') return fail(400, -161, 'Order is already cancelled');
  if (order.status === 'FILLED') return fail(400, -162, 'Order is already traded');
  if (order.status === 'REJECTED') return fail(400, -164, 'Order is already rejected');
  state.exchange.cancel(id);
  state.ordersChanged();
  return { json: { s: 'ok', code: 1103, message: 'Successfully cancelled order', id } };
}

/** PATCH /api/v3/orders/sync {id, type, qty, limitPrice, stopPrice}: only a pending order changes, in lots. */
function modifyOrder(state: FyersState, req: SimRequest): SimResponse {
  const b = jsonBody(req);
  if (!b) return fail(400, -50, 'Invalid request body');
  const id = String(b.id ?? '');
  const order = state.exchange.get(id);
  if (!order) return fail(400, -51, 'Invalid order id');
  if (order.status === 'CANCELLED') return fail(400, -161, 'Order is already cancelled');
  if (order.status === 'FILLED') return fail(400, -162, 'Order is already traded');
  if (order.status === 'REJECTED') return fail(400, -164, 'Order is already rejected');
  const type = b.type === undefined ? order.type : TYPES[Number(b.type)];
  if (!type) return fail(400, -305, 'Invalid order type');
  const lot = BY_TICKER.get(order.extra.ticker ?? '')?.lot ?? 1;
  const qty = b.qty === undefined ? order.quantity : Number(b.qty);
  if (!Number.isInteger(qty) || qty <= 0 || qty % lot !== 0) return fail(400, -308, 'Invalid qty');
  const limitPrice = b.limitPrice === undefined ? (order.limitPrice ?? 0) : Number(b.limitPrice);
  const stopPrice = b.stopPrice === undefined ? (order.stopPrice ?? 0) : Number(b.stopPrice);
  if ((type === 'LIMIT' || type === 'STOP_LIMIT') && !(limitPrice > 0)) return fail(400, -306, 'Invalid limitPrice');
  if ((type === 'STOP' || type === 'STOP_LIMIT') && !(stopPrice > 0)) return fail(400, -307, 'Invalid stopPrice');
  state.exchange.modify(id, {
    quantity: qty,
    type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? limitPrice : null,
    stopPrice: type === 'STOP' || type === 'STOP_LIMIT' ? stopPrice : null,
  });
  state.ordersChanged();
  return { json: { s: 'ok', code: 1102, message: 'Successfully modified order', id } };
}

export function apiRoutes(router: SimRouter, state: FyersState): void {
  const read = (h: Handler) => guard(state, false, h);
  const user = state.user;

  router.on(
    'GET',
    '/api/v3/profile',
    read(() => ok({ data: profileJson(user) })),
  );
  router.on(
    'GET',
    '/api/v3/funds',
    read(() => ok({ fund_limit: fundLimitJson(state.openingBalance, state.exchange.cash) })),
  );
  router.on(
    'GET',
    '/api/v3/orders',
    read((req) => {
      const id = req.query.get('id');
      const tag = req.query.get('order_tag');
      const orders = state.exchange.list().filter((o) => (!id || o.id === id) && (!tag || o.extra.orderTag === tag));
      return ok({ orderBook: orders.map((o, i) => orderJson(o, user, i + 1)) });
    }),
  );
  router.on(
    'GET',
    '/api/v3/tradebook',
    read(() =>
      ok({
        // Today's fills: the book starts empty after the exchange settles a day.
        tradeBook: state.exchange.tradeList().map((f) => fillTradeJson(f, state.exchange.get(f.orderId)!, user)),
      }),
    ),
  );
  router.on(
    'GET',
    '/api/v3/holdings',
    read(() => ok(holdingsJson(state.exchange.holdingList(), (symbol) => state.exchange.price(symbol)))),
  );
  router.on(
    'GET',
    '/api/v3/positions',
    read(() => {
      const rows = state.exchange.positionList().map((p, i) => {
        const fills = state.exchange.list().filter((o) => o.symbol === p.symbol && o.status === 'FILLED');
        const ticker = fills[0]?.extra.ticker ?? '';
        return positionJson(p, ticker, fills, state.exchange.price(p.symbol), fills[0]?.extra.productType ?? 'CNC', i + 1);
      });
      return ok({ netPositions: rows, overall: overallJson(rows) });
    }),
  );
  router.on(
    'POST',
    '/api/v3/orders/sync',
    guard(state, true, (req) => placeOrder(state, req)),
  );
  router.on(
    'PATCH',
    '/api/v3/orders/sync',
    guard(state, true, (req) => modifyOrder(state, req)),
  );
  router.on(
    'DELETE',
    '/api/v3/orders/sync',
    guard(state, true, (req) => cancelOrder(state, req)),
  );
  router.on(
    'POST',
    '/api/v3/logout',
    read((req) => {
      state.sessions.delete((req.headers.authorization ?? '').split(':')[1] ?? '');
      return ok({ message: 'Logged out successfully' });
    }),
  );

  // The data socket's SDK resolves symbols here first (it hard-codes api-t1.fyers.in, which this port stands for).
  router.on(
    'POST',
    '/data/symbol-token',
    read((req) => {
      const symbols = jsonBody(req)?.symbols;
      if (!Array.isArray(symbols) || symbols.length === 0 || symbols.some((s) => typeof s !== 'string'))
        return fail(400, -300, 'Please provide a valid symbol');
      if (symbols.length > 500) return fail(400, -99, 'Please provide less than 500 symbols');
      const validSymbol: Record<string, string> = {};
      const invalidSymbol: string[] = [];
      for (const s of symbols as string[]) {
        const row = BY_TICKER.get(s);
        const index = INDEX_BY_TICKER.get(s);
        if (row) validSymbol[s] = fyToken(row);
        else if (index) validSymbol[s] = index.fyToken;
        else invalidSymbol.push(s);
      }
      return ok({ validSymbol, invalidSymbol });
    }),
  );
  router.on(
    'GET',
    '/data/quotes',
    read((req) => {
      const symbols = (req.query.get('symbols') ?? '').split(',').filter(Boolean);
      if (!symbols.length || symbols.length > 50) return fail(400, -300, 'Provide between 1 and 50 symbols');
      const d = symbols.map((s) => {
        const row = BY_TICKER.get(s);
        return row
          ? quoteJson(row, state.exchange.price(row.common), state.clock.now())
          : { n: s, s: 'error', v: { s: 'error', code: -300, errmsg: 'invalid symbol' } };
      });
      return ok({ d });
    }),
  );

  router.on(
    'GET',
    '/data/history',
    read((req) => {
      const row = BY_TICKER.get(req.query.get('symbol') ?? '');
      if (!row) return fail(400, -300, 'invalid symbol');
      const spec = HISTORY[req.query.get('resolution') ?? ''];
      if (!spec) return fail(400, -50, 'Invalid resolution');
      if (req.query.get('date_format') !== '0') return fail(400, -50, 'Invalid date_format');
      const from = Number(req.query.get('range_from')) * 1000;
      const to = Number(req.query.get('range_to')) * 1000;
      if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) return fail(400, -50, 'Invalid range');
      if (to - from > spec.maxDays * 86_400_000) return fail(400, -50, `Range exceeds ${spec.maxDays} days for this resolution`);
      // Candles from the shared price path, so history agrees with the quotes and the HSM stream.
      const bars = simBars(row.common, from, to + 1000, spec.length, state.clock.now());
      return ok({ candles: bars.map((b) => [b.time / 1000, b.open, b.high, b.low, b.close, b.volume]) });
    }),
  );

  // public.fyers.in symbol master: no auth, header-less CSV.
  router.on('GET', '/sym_details/:file', (req) => {
    const csv = masterCsv(req.params.file ?? '');
    return csv === null ? { status: 404, text: 'Not Found' } : { headers: { 'content-type': 'text/csv' }, text: csv };
  });
}

/** GET /data/history resolutions: bar length and the most days one request may span. */
const HISTORY: Readonly<Record<string, { length: number; maxDays: number }>> = {
  '1': { length: 60_000, maxDays: 100 },
  '5': { length: 300_000, maxDays: 100 },
  '15': { length: 900_000, maxDays: 100 },
  '30': { length: 1_800_000, maxDays: 100 },
  '60': { length: 3_600_000, maxDays: 100 },
  D: { length: 86_400_000, maxDays: 366 },
};
