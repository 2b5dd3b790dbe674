import type { SimExchange, SimOrder } from '../exchange';
import type { SimRequest, SimResponse, SimRouter } from '../harness';
import { placeClass, placeTrailing, nestedJson } from './exits';
import { ASSETS, activityJson, assetBySymbol, assetJson, dec, newYorkDay, orderJson, positionJson } from './wire';

export interface AlpacaSimState {
  exchange: SimExchange;
  accountStatus: string;
  accountNumber: string;
  createdAt: number;
}

/** Alpaca error body: {"code": <8 digits>, "message": "..."}. */
export const fail = (status: number, code: number, message: string): SimResponse => ({ status, json: { code, message } });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPES = new Set(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']);
const CLASSES = new Set(['simple', '', 'bracket', 'oco']);
const TIFS = new Set(['day', 'gtc', 'opg', 'cls', 'ioc', 'fok']);

/** Cash reserved by open buy orders. */
function reserved(ex: SimExchange): number {
  return ex
    .list()
    .filter((o) => o.status === 'OPEN' && o.side === 'BUY')
    .reduce((sum, o) => sum + o.quantity * (o.limitPrice ?? o.stopPrice ?? ex.price(o.symbol)), 0);
}

function accountJson(s: AlpacaSimState) {
  const ex = s.exchange;
  const longValue = ex.positionList().reduce((sum, p) => sum + p.quantity * ex.price(p.symbol), 0);
  const buyingPower = Math.max(0, ex.cash - reserved(ex));
  const equity = ex.cash + longValue;
  return {
    id: '1d9eed04-be39-4e01-9b84-a48ac5bbafcf',
    account_number: s.accountNumber,
    status: s.accountStatus,
    crypto_status: 'ACTIVE',
    currency: 'USD',
    cash: dec(ex.cash),
    buying_power: dec(buyingPower),
    regt_buying_power: dec(buyingPower),
    daytrading_buying_power: '0',
    non_marginable_buying_power: dec(buyingPower),
    options_buying_power: dec(buyingPower),
    effective_buying_power: dec(buyingPower),
    equity: dec(equity),
    last_equity: dec(equity),
    portfolio_value: dec(equity),
    long_market_value: dec(longValue),
    short_market_value: '0',
    position_market_value: dec(longValue),
    multiplier: '1',
    initial_margin: '0',
    maintenance_margin: '0',
    last_maintenance_margin: '0',
    sma: '0',
    daytrade_count: 0,
    pattern_day_trader: false,
    trading_blocked: false,
    transfers_blocked: false,
    account_blocked: false,
    trade_suspended_by_user: false,
    shorting_enabled: false,
    options_approved_level: 0,
    options_trading_level: 0,
    accrued_fees: '0',
    pending_transfer_in: '0',
    pending_transfer_out: '0',
    intraday_adjustments: '0',
    pending_reg_taf_fees: '0',
    created_at: new Date(s.createdAt).toISOString(),
    balance_asof: new Date(s.createdAt).toISOString().slice(0, 10),
  };
}

function placeOrder(s: AlpacaSimState, req: SimRequest): SimResponse {
  let body: Record<string, unknown>;
  try {
    body = req.json();
  } catch {
    return fail(400, 40010000, 'request body format is invalid');
  }
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  const symbol = str('symbol') ?? '';
  const asset = assetBySymbol(symbol);
  if (!asset) return fail(422, 40010001, `asset "${symbol}" not found`);
  const qty = Number(str('qty'));
  if (!str('qty') || !(qty > 0)) return fail(422, 40010001, 'qty must be > 0');
  const side = str('side');
  if (side !== 'buy' && side !== 'sell') return fail(422, 40010001, 'invalid side');
  const type = str('type') ?? '';
  if (!TYPES.has(type)) return fail(422, 40010001, 'invalid order type');
  const tif = str('time_in_force') ?? '';
  if (!TIFS.has(tif)) return fail(422, 40010001, 'invalid time_in_force');
  const orderClass = str('order_class') ?? 'simple';
  if (!CLASSES.has(orderClass)) return fail(422, 40010001, `order_class ${orderClass} is not simulated`);
  const limit = str('limit_price') === undefined ? null : Number(str('limit_price'));
  const stop = str('stop_price') === undefined ? null : Number(str('stop_price'));
  const exitClass = orderClass === 'bracket' || orderClass === 'oco' ? orderClass : null;
  // An oco's limit price is its take_profit.limit_price.
  if ((type === 'limit' || type === 'stop_limit') && !(limit! > 0) && exitClass !== 'oco') return fail(422, 40010001, 'limit_price is required');
  if ((type === 'stop' || type === 'stop_limit') && !(stop! > 0)) return fail(422, 40010001, 'stop_price is required');
  const clientOrderId = str('client_order_id') ?? crypto.randomUUID();
  if (clientOrderId.length > 128) return fail(422, 40010001, 'client_order_id must be no more than 128 characters');
  const ex = s.exchange;
  if (ex.list().some((o) => o.clientOrderId === clientOrderId)) return fail(422, 40010001, 'client_order_id must be unique');
  if (s.accountStatus !== 'ACTIVE') return fail(403, 40310000, `account is not active (status ${s.accountStatus})`);
  if (side === 'buy' && qty * (limit ?? stop ?? ex.price(symbol)) > ex.cash - reserved(ex)) {
    return fail(403, 40310000, 'insufficient buying power');
  }
  if (side === 'sell') {
    const held = ex.positionList().find((p) => p.symbol === symbol)?.quantity ?? 0;
    // A held bracket leg sells nothing yet; an OCO's stop leg sells the same shares as its target.
    const selling = ex
      .list()
      .filter((o) => o.status === 'OPEN' && o.side === 'SELL' && o.symbol === symbol && o.extra.held !== '1' && o.extra.sharesWith === undefined);
    const available = held - selling.reduce((sum, o) => sum + o.quantity, 0);
    // A cash account cannot short.
    if (qty > available) return fail(403, 40310000, `insufficient qty available for order (requested: ${qty}, available: ${Math.max(0, available)})`);
  }
  const terms = { symbol, qty, side, type, tif, limit, clientOrderId } as const;
  if (exitClass) return placeClass(ex, body, terms, exitClass);
  if (type === 'trailing_stop') return placeTrailing(ex, body, terms);
  const order = ex.place({
    symbol,
    side: side === 'buy' ? 'BUY' : 'SELL',
    quantity: qty,
    type: type.toUpperCase() as SimOrder['type'],
    limitPrice: limit,
    stopPrice: stop,
    clientOrderId,
    extra: { tif },
  });
  return { json: orderJson(order, true) };
}

/**
 * PATCH /v2/orders/{id}: Alpaca replaces an order: the old one ends `replaced` (with `replaced_by`), a new one with a
 * new id carries the new qty/limit_price/stop_price/time_in_force (`replaces` points back). The type cannot change.
 */
function replaceOrder(s: AlpacaSimState, req: SimRequest, old: SimOrder): SimResponse {
  let body: Record<string, unknown>;
  try {
    body = req.json();
  } catch {
    return fail(400, 40010000, 'request body format is invalid');
  }
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  const ex = s.exchange;
  if (ex.get(old.id)?.status !== 'OPEN') return fail(422, 42210000, 'order is not replaceable');
  const qty = str('qty') === undefined ? old.quantity : Number(str('qty'));
  if (!(qty > 0)) return fail(422, 40010001, 'qty must be > 0');
  const limit = str('limit_price') === undefined ? old.limitPrice : Number(str('limit_price'));
  const stop = str('stop_price') === undefined ? old.stopPrice : Number(str('stop_price'));
  if (str('limit_price') !== undefined && old.limitPrice === null)
    return fail(422, 40010001, `limit_price is not allowed for ${old.type.toLowerCase()} orders`);
  if (str('stop_price') !== undefined && old.stopPrice === null) return fail(422, 40010001, `stop_price is not allowed for ${old.type.toLowerCase()} orders`);
  if (!(limit === null || limit > 0) || !(stop === null || stop > 0)) return fail(422, 40010001, 'invalid price');
  const tif = str('time_in_force') ?? old.extra.tif ?? 'day';
  if (!TIFS.has(tif)) return fail(422, 40010001, 'invalid time_in_force');
  const clientOrderId = str('client_order_id') ?? crypto.randomUUID();
  if (ex.list().some((o) => o.clientOrderId === clientOrderId)) return fail(422, 40010001, 'client_order_id must be unique');
  if (old.side === 'BUY') {
    const others = reserved(ex) - old.quantity * (old.limitPrice ?? old.stopPrice ?? ex.price(old.symbol));
    if (qty * (limit ?? stop ?? ex.price(old.symbol)) > ex.cash - others) return fail(403, 40310000, 'insufficient buying power');
  }
  ex.cancel(old.id);
  const replacement = ex.place({
    symbol: old.symbol,
    side: old.side,
    quantity: qty,
    type: old.type,
    limitPrice: limit,
    stopPrice: stop,
    clientOrderId,
    extra: { tif, replaces: old.id },
  });
  old.extra = { ...old.extra, replacedBy: replacement.id };
  return { json: orderJson(replacement, true) };
}

function findOrder(s: AlpacaSimState, id: string): SimResponse | SimOrder {
  if (!UUID.test(id)) return fail(422, 40010001, 'order_id is missing');
  return s.exchange.get(id) ?? fail(404, 40410000, 'order not found');
}

const isOrder = (x: SimResponse | SimOrder): x is SimOrder => 'side' in x;

export function tradingRoutes(router: SimRouter, s: AlpacaSimState): void {
  router
    .on('GET', '/v2/account', () => ({ json: accountJson(s) }))
    .on('GET', '/v2/assets', (req) => {
      const status = req.query.get('status');
      const list = status && status !== 'active' ? [] : ASSETS.map(assetJson);
      return { json: list };
    })
    .on('POST', '/v2/orders', (req) => placeOrder(s, req))
    .on('GET', '/v2/orders', (req) => {
      const status = req.query.get('status') ?? 'open';
      const limit = Math.min(500, Number(req.query.get('limit') ?? 50) || 50);
      const asc = req.query.get('direction') === 'asc';
      let list = s.exchange.list().filter((o) => (status === 'all' ? true : status === 'open' ? o.status === 'OPEN' : o.status !== 'OPEN'));
      list = list.sort((a, b) => (asc ? a.createdAt - b.createdAt : b.createdAt - a.createdAt) || (asc ? 1 : -1) * a.id.localeCompare(b.id));
      return { json: list.slice(0, limit).map((o) => orderJson(o)) };
    })
    // The router reads ":by_client_order_id" as a parameter, so this route sees every "/v2/orders…" path.
    .on('GET', '/v2/orders:by_client_order_id', (req) => {
      if (req.path !== '/v2/orders:by_client_order_id') return fail(404, 40410000, 'endpoint not found');
      const id = req.query.get('client_order_id');
      if (!id) return fail(422, 40010001, 'client_order_id is required');
      const order = s.exchange.list().find((o) => o.clientOrderId === id);
      return order ? { json: orderJson(order) } : fail(404, 40410000, 'order not found');
    })
    .on('GET', '/v2/orders/:id', (req) => {
      const found = findOrder(s, req.params.id!);
      if (!isOrder(found)) return found;
      return { json: req.query.get('nested') === 'true' ? nestedJson(s.exchange, found) : orderJson(found) };
    })
    .on('DELETE', '/v2/orders/:id', (req) => {
      const found = findOrder(s, req.params.id!);
      if (!isOrder(found)) return found;
      if (!s.exchange.cancel(found.id)) return fail(422, 42210000, 'order is not cancelable');
      return { status: 204, text: '' };
    })
    .on('PATCH', '/v2/orders/:id', (req) => {
      const found = findOrder(s, req.params.id!);
      return isOrder(found) ? replaceOrder(s, req, found) : found;
    })
    .on('GET', '/v2/positions', () => ({
      json: s.exchange
        .positionList()
        .filter((p) => p.quantity !== 0)
        .map((p) => positionJson(s.exchange, p.symbol, p.quantity, p.averagePrice)),
    }))
    // The trade book: FILL activities, newest first by default, filtered by New York date and paged by activity id.
    .on('GET', '/v2/account/activities/:type', (req) => {
      if (req.params.type !== 'FILL') return fail(422, 40010001, 'only FILL activities are simulated');
      const date = req.query.get('date');
      const size = Number(req.query.get('page_size') ?? 100);
      if (!Number.isInteger(size) || size < 1 || size > 100) return fail(422, 40010001, 'page_size must be 1 to 100');
      let fills = s.exchange
        .tradeList()
        .map(activityJson)
        .filter((a) => !date || newYorkDay(Date.parse(a.transaction_time)) === date);
      if (req.query.get('direction') !== 'asc') fills.reverse();
      const after = req.query.get('page_token');
      if (after) fills = fills.slice(fills.findIndex((a) => a.id === after) + 1);
      return { json: fills.slice(0, size) };
    })
    .on('GET', '/v2/positions/:symbol', (req) => {
      const p = s.exchange.positionList().find((x) => x.symbol === req.params.symbol && x.quantity !== 0);
      return p ? { json: positionJson(s.exchange, p.symbol, p.quantity, p.averagePrice) } : fail(404, 40410000, 'position does not exist');
    });
}
