import { basePrice, type SimOrderType } from '../exchange';
import type { SimRequest, SimResponse, SimRouter } from '../harness';
import { fail, IP_REJECTED, ok, RATE_LIMITED, TOKEN_ERROR } from './envelope';
import { INSTRUMENTS, INSTRUMENTS_CSV, instrumentsCsvFor } from './instruments';
import { holdingJson, ltpJson, ohlcJson, orderBookJson, orderHistoryJson, positionJson, profileJson, quoteJson, segmentJson, tradesJson } from './shapes';
import type { KiteState } from './state';
import { simBars } from '../bars';

type Guarded = (req: SimRequest) => SimResponse;
type Limit = 'read' | 'quote' | 'order';

/** Rate limit, then the X-Kite-Version and `Authorization: token api_key:access_token` checks, then (orders only) the IP allow-list. */
function guard(state: KiteState, limit: Limit, handler: Guarded): (req: SimRequest) => SimResponse {
  return (req) => {
    const limiter = limit === 'order' ? state.orderLimiter : limit === 'quote' ? state.quoteLimiter : state.readLimiter;
    if (limiter.hit()) return RATE_LIMITED();
    if (req.headers['x-kite-version'] !== '3') return fail(400, 'InputException', 'Invalid or missing `X-Kite-Version` header.');
    const m = /^token ([^:]+):(.+)$/.exec(req.headers.authorization ?? '');
    if (!m || m[1] !== state.apiKey || !state.session(m[2]!)) return TOKEN_ERROR();
    if (limit === 'order' && !state.registeredIps.includes(state.callerIp)) return IP_REJECTED();
    return handler(req);
  };
}

const TYPES: Record<string, SimOrderType> = { MARKET: 'MARKET', LIMIT: 'LIMIT', 'SL-M': 'STOP', SL: 'STOP_LIMIT' };
const PRODUCTS = new Set(['CNC', 'NRML', 'MIS', 'MTF']);

function placeOrder(state: KiteState, req: SimRequest): SimResponse {
  const variety = req.params.variety ?? '';
  if (variety !== 'regular' && variety !== 'amo') return fail(400, 'InputException', 'Invalid `variety`.');
  const f = req.form();
  const key = `${f.get('exchange') ?? ''}:${f.get('tradingsymbol') ?? ''}`;
  if (!INSTRUMENTS.has(key)) return fail(400, 'InputException', 'The instrument you are placing an order for has either expired or does not exist.');
  const side = f.get('transaction_type');
  if (side !== 'BUY' && side !== 'SELL') return fail(400, 'InputException', 'Invalid `transaction_type`.');
  const quantity = Number(f.get('quantity'));
  if (!Number.isInteger(quantity) || quantity <= 0) return fail(400, 'InputException', 'Invalid `quantity`.');
  const orderType = f.get('order_type') ?? '';
  const type = TYPES[orderType];
  if (!type) return fail(400, 'InputException', 'Invalid `order_type`.');
  const product = f.get('product') ?? '';
  if (!PRODUCTS.has(product)) return fail(400, 'InputException', 'Invalid `product`.');
  const price = Number(f.get('price') ?? 0);
  const trigger = Number(f.get('trigger_price') ?? 0);
  if ((type === 'LIMIT' || type === 'STOP_LIMIT') && !(price > 0)) return fail(400, 'InputException', 'Invalid `price`.');
  if ((type === 'STOP' || type === 'STOP_LIMIT') && !(trigger > 0)) return fail(400, 'InputException', 'Invalid `trigger_price`.');
  const protection = Number(f.get('market_protection') ?? 0);
  if ((type === 'MARKET' || type === 'STOP') && protection === 0) {
    return fail(400, 'InputException', 'Market orders without market protection are not allowed via API. Set market protection or place a limit order.');
  }
  const tag = f.get('tag') ?? '';
  if (tag.length > 20) return fail(400, 'InputException', 'Invalid `tag`. Tags can be at most 20 characters.');
  const validity = f.get('validity') ?? 'DAY';
  if (validity !== 'DAY' && validity !== 'IOC' && validity !== 'TTL') return fail(400, 'InputException', 'Invalid `validity`.');
  const order = state.exchange.place({
    symbol: key,
    side,
    quantity,
    type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? price : null,
    stopPrice: type === 'STOP' || type === 'STOP_LIMIT' ? trigger : null,
    clientOrderId: tag || null,
    extra: {
      variety,
      product,
      validity,
      tag,
      exchange: f.get('exchange') ?? '',
      tradingsymbol: f.get('tradingsymbol') ?? '',
      market_protection: String(protection),
    },
  });
  return ok({ order_id: order.id });
}

/** Kite caps modifications per order (25, per the forum); the 26th is refused. */
export const KITE_MAX_MODIFICATIONS = 25;

/** PUT /orders/{variety}/{order_id}: quantity, price, order_type, trigger_price, validity, market_protection (all optional). */
function modifyOrder(state: KiteState, req: SimRequest): SimResponse {
  const order = state.exchange.get(req.params.order_id ?? '');
  if (!order) return fail(400, 'InputException', "Couldn't find that `order_id`.");
  if ((order.extra.variety ?? 'regular') !== req.params.variety) return fail(400, 'InputException', 'Invalid `variety`.');
  if (order.status !== 'OPEN')
    return fail(400, 'InputException', `Order cannot be modified as it is ${order.status === 'FILLED' ? 'COMPLETE' : order.status}.`);
  if (Number(order.extra.modifications ?? 0) >= KITE_MAX_MODIFICATIONS) return fail(400, 'InputException', 'Maximum allowed order modifications exceeded.');
  const f = req.form();
  const quantity = f.has('quantity') ? Number(f.get('quantity')) : order.quantity;
  if (!Number.isInteger(quantity) || quantity <= 0) return fail(400, 'InputException', 'Invalid `quantity`.');
  const type = f.has('order_type') ? TYPES[f.get('order_type')!] : order.type;
  if (!type) return fail(400, 'InputException', 'Invalid `order_type`.');
  const price = f.has('price') ? Number(f.get('price')) : (order.limitPrice ?? 0);
  const trigger = f.has('trigger_price') ? Number(f.get('trigger_price')) : (order.stopPrice ?? 0);
  if ((type === 'LIMIT' || type === 'STOP_LIMIT') && !(price > 0)) return fail(400, 'InputException', 'Invalid `price`.');
  if ((type === 'STOP' || type === 'STOP_LIMIT') && !(trigger > 0)) return fail(400, 'InputException', 'Invalid `trigger_price`.');
  const protection = f.has('market_protection') ? Number(f.get('market_protection')) : Number(order.extra.market_protection ?? 0);
  if ((type === 'MARKET' || type === 'STOP') && protection === 0) {
    return fail(400, 'InputException', 'Market orders without market protection are not allowed via API. Set market protection or place a limit order.');
  }
  order.extra = { ...order.extra, market_protection: String(protection), validity: f.get('validity') ?? order.extra.validity ?? 'DAY' };
  state.exchange.modify(order.id, {
    quantity,
    type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? price : null,
    stopPrice: type === 'STOP' || type === 'STOP_LIMIT' ? trigger : null,
  });
  return ok({ order_id: order.id });
}

function quoteRoute(state: KiteState, build: (key: string, token: number, last: number, close: number) => unknown): Guarded {
  return (req) => {
    const data: Record<string, unknown> = {};
    for (const key of req.query.getAll('i')) {
      const instrument = INSTRUMENTS.get(key);
      // Unknown instruments are left out of `data`, as Kite does.
      if (instrument) data[key] = build(key, instrument.token, state.exchange.price(key), basePrice(key));
    }
    return ok(data);
  };
}

export function apiRoutes(router: SimRouter, state: KiteState): void {
  const userId = state.user.userId;
  const read = (handler: Guarded) => guard(state, 'read', handler);

  router.on(
    'GET',
    '/user/profile',
    read(() => ok(profileJson(state.user))),
  );
  router.on(
    'GET',
    '/user/margins',
    read(() => ok({ equity: segmentJson(state.openingBalance, state.exchange.cash), commodity: segmentJson(0, 0) })),
  );
  router.on(
    'GET',
    '/user/margins/:segment',
    read((req) => {
      if (req.params.segment === 'equity') return ok(segmentJson(state.openingBalance, state.exchange.cash));
      if (req.params.segment === 'commodity') return ok(segmentJson(0, 0));
      return fail(400, 'InputException', 'Invalid segment.');
    }),
  );

  router.on(
    'POST',
    '/orders/:variety',
    guard(state, 'order', (req) => placeOrder(state, req)),
  );
  router.on(
    'PUT',
    '/orders/:variety/:order_id',
    guard(state, 'order', (req) => modifyOrder(state, req)),
  );
  router.on(
    'DELETE',
    '/orders/:variety/:order_id',
    guard(state, 'order', (req) => {
      const order = state.exchange.get(req.params.order_id ?? '');
      if (!order) return fail(400, 'InputException', "Couldn't find that `order_id`.");
      if (!state.exchange.cancel(order.id))
        return fail(400, 'InputException', `Order cannot be cancelled as it is ${order.status === 'FILLED' ? 'COMPLETE' : order.status}.`);
      return ok({ order_id: order.id });
    }),
  );
  router.on(
    'GET',
    '/orders',
    read(() => ok(state.exchange.list().map((o) => orderBookJson(o, userId)))),
  );
  router.on(
    'GET',
    '/orders/:order_id',
    read((req) => {
      const order = state.exchange.get(req.params.order_id ?? '');
      return order ? ok(orderHistoryJson(order, userId)) : fail(400, 'InputException', "Couldn't find that `order_id`.");
    }),
  );
  router.on(
    'GET',
    '/orders/:order_id/trades',
    read((req) => {
      const order = state.exchange.get(req.params.order_id ?? '');
      return order ? ok(tradesJson(order)) : fail(400, 'InputException', "Couldn't find that `order_id`.");
    }),
  );

  // GTTs: placing and deleting count as order requests (IP allow-list included: unconfirmed), reads as reads.
  router.on(
    'POST',
    '/gtt/triggers',
    guard(state, 'order', (req) => state.gtt.place(req)),
  );
  router.on(
    'GET',
    '/gtt/triggers',
    read(() => state.gtt.list()),
  );
  router.on(
    'GET',
    '/gtt/triggers/:id',
    read((req) => state.gtt.get(req.params.id ?? '')),
  );
  router.on(
    'DELETE',
    '/gtt/triggers/:id',
    guard(state, 'order', (req) => state.gtt.delete(req.params.id ?? '')),
  );

  router.on(
    'GET',
    '/portfolio/positions',
    read(() => {
      const rows = state.exchange.positionList().map((p) => {
        const fills = state.exchange.list().filter((o) => o.symbol === p.symbol && o.status === 'FILLED');
        return positionJson(p, fills, state.exchange.price(p.symbol), basePrice(p.symbol), fills[0]?.extra.product ?? 'CNC');
      });
      // Every simulated position is opened today, so the day and net books are the same.
      return ok({ net: rows, day: rows });
    }),
  );

  // Today's trade book: one trade per fill since the last day roll.
  router.on(
    'GET',
    '/trades',
    read(() => ok(state.exchange.tradeList().flatMap((f) => tradesJson(state.exchange.get(f.orderId)!)))),
  );
  router.on(
    'GET',
    '/portfolio/holdings',
    read(() => ok(state.exchange.holdingList().map((h) => holdingJson(h, state.exchange.price(h.symbol), basePrice(h.symbol))))),
  );

  const quote = (handler: Guarded) => guard(state, 'quote', handler);
  router.on('GET', '/quote', quote(quoteRoute(state, (_k, token, last, close) => quoteJson(token, last, close, state.clock.now()))));
  router.on('GET', '/quote/ltp', quote(quoteRoute(state, (_k, token, last) => ltpJson(token, last))));
  router.on('GET', '/quote/ohlc', quote(quoteRoute(state, (_k, token, last, close) => ohlcJson(token, last, close))));

  router.on(
    'GET',
    '/instruments/historical/:token/:interval',
    read((req) => historical(state, req)),
  );

  // The daily dump is public CSV; the official client reads it only with exactly `text/csv`.
  router.on('GET', '/instruments', () => ({ headers: { 'content-type': 'text/csv' }, text: INSTRUMENTS_CSV }));
  router.on('GET', '/instruments/:exchange', (req) => ({ headers: { 'content-type': 'text/csv' }, text: instrumentsCsvFor(req.params.exchange ?? '') }));
}

const IST_MS = 330 * 60_000;
/** Kite's intervals: bar length, the most days one request may span, and the bar phase (sessions open 09:15 IST = 03:45 UTC; day bars at 00:00 IST). */
const HISTORY: Readonly<Record<string, { length: number; maxDays: number; phase: number }>> = {
  minute: { length: 60_000, maxDays: 60, phase: 0 },
  '3minute': { length: 180_000, maxDays: 100, phase: 0 },
  '5minute': { length: 300_000, maxDays: 100, phase: 0 },
  '10minute': { length: 600_000, maxDays: 100, phase: 0 },
  '15minute': { length: 900_000, maxDays: 200, phase: 0 },
  '30minute': { length: 1_800_000, maxDays: 200, phase: 15 * 60_000 },
  '60minute': { length: 3_600_000, maxDays: 400, phase: 45 * 60_000 },
  day: { length: 86_400_000, maxDays: 2000, phase: -IST_MS },
};

/** "YYYY-MM-DD HH:MM:SS" (or a bare date) on the IST wall clock → epoch ms. */
function parseIst(text: string | null): number {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(text ?? '');
  return m ? Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}+05:30`) : NaN;
}

/** "2026-12-07T09:15:00+0530", as Kite stamps candles. */
function istStamp(ms: number): string {
  return `${new Date(ms + IST_MS).toISOString().slice(0, 19)}+0530`;
}

/**
 * GET /instruments/historical/{token}/{interval}?from&to (both inclusive, IST): candles built from the shared price
 * path, so history agrees with the ticker and the quotes. Kite refuses a range longer than the interval allows.
 */
function historical(state: KiteState, req: SimRequest): SimResponse {
  const spec = HISTORY[req.params.interval ?? ''];
  if (!spec) return fail(400, 'InputException', 'invalid interval');
  const key = [...INSTRUMENTS].find(([, i]) => String(i.token) === req.params.token)?.[0];
  if (!key) return fail(400, 'InputException', 'invalid token');
  const from = parseIst(req.query.get('from'));
  const to = parseIst(req.query.get('to'));
  if (!Number.isFinite(from) || !Number.isFinite(to)) return fail(400, 'InputException', 'invalid from or to date');
  if (to < from) return fail(400, 'InputException', 'invalid from and to dates');
  if (to - from > spec.maxDays * 86_400_000) return fail(400, 'InputException', `interval exceeds max limit: ${spec.maxDays} days`);
  const bars = simBars(key, from, to + 1000, spec.length, state.clock.now(), spec.phase);
  return ok({ candles: bars.map((b) => [istStamp(b.time), b.open, b.high, b.low, b.close, b.volume]) });
}
