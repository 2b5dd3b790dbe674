import type { SimOrder, SimPosition } from '../exchange';
import { INSTRUMENTS } from './instruments';
import { formatIst } from './time';

/**
 * Builders of Kite's JSON, key for key as in Zerodha's published mocks (fixtures/). The fixture test
 * compares every builder's output with those files, so add or drop a key only together with them.
 */

export interface KiteUser {
  userId: string;
  userName: string;
  email: string;
}

const EXCHANGES = ['NSE', 'NFO', 'BFO', 'CDS', 'BSE', 'MCX', 'BCD', 'MF'];
const PRODUCTS = ['CNC', 'NRML', 'MIS', 'BO', 'CO'];
const ORDER_TYPES = ['MARKET', 'LIMIT', 'SL', 'SL-M'];

export function profileJson(user: KiteUser) {
  return {
    user_id: user.userId,
    user_type: 'individual',
    email: user.email,
    user_name: user.userName,
    user_shortname: user.userName.split(' ')[0],
    broker: 'ZERODHA',
    exchanges: EXCHANGES,
    products: PRODUCTS,
    order_types: ORDER_TYPES,
    avatar_url: null,
    meta: { demat_consent: 'physical' },
  };
}

export function sessionJson(user: KiteUser, apiKey: string, tokens: { access: string; public: string; enc: string }, loginAt: number) {
  return {
    user_type: 'individual',
    email: user.email,
    user_name: user.userName,
    user_shortname: user.userName.split(' ')[0],
    broker: 'ZERODHA',
    exchanges: EXCHANGES,
    products: PRODUCTS,
    order_types: ORDER_TYPES,
    avatar_url: null,
    user_id: user.userId,
    api_key: apiKey,
    access_token: tokens.access,
    public_token: tokens.public,
    enctoken: tokens.enc,
    refresh_token: '',
    silo: '',
    login_time: formatIst(loginAt),
    meta: { demat_consent: 'physical' },
  };
}

export function segmentJson(openingBalance: number, liveBalance: number) {
  const debits = Math.max(0, Math.round((openingBalance - liveBalance) * 100) / 100);
  return {
    enabled: true,
    net: liveBalance,
    available: { adhoc_margin: 0, cash: openingBalance, opening_balance: openingBalance, live_balance: liveBalance, collateral: 0, intraday_payin: 0 },
    utilised: {
      debits,
      exposure: 0,
      m2m_realised: 0,
      m2m_unrealised: 0,
      option_premium: 0,
      payout: 0,
      span: 0,
      holding_sales: 0,
      turnover: 0,
      liquid_collateral: 0,
      stock_collateral: 0,
      delivery: debits,
    },
  };
}

function instrumentToken(order: { symbol: string }): number {
  return INSTRUMENTS.get(order.symbol)?.token ?? 0;
}

const KITE_TYPE = { MARKET: 'MARKET', LIMIT: 'LIMIT', STOP: 'SL-M', STOP_LIMIT: 'SL' } as const;

/** Kite status text for the final state of a simulated order. */
export function kiteStatus(order: SimOrder): string {
  if (order.status === 'FILLED') return 'COMPLETE';
  if (order.status === 'OPEN') return order.type === 'STOP' || order.type === 'STOP_LIMIT' ? 'TRIGGER PENDING' : 'OPEN';
  return order.status;
}

function statusMessage(order: SimOrder): string | null {
  if (order.status !== 'REJECTED') return null;
  return `${order.rejectReason ?? 'Rejected'}. Required margin is ${(order.quantity * (order.limitPrice ?? 0)).toFixed(2)} but available margin is lower. Check the orderbook for open orders.`;
}

function orderCore(order: SimOrder, userId: string, status: string, at: number) {
  const exchangeOrderId =
    status === 'PUT ORDER REQ RECEIVED' || status === 'VALIDATION PENDING' || order.status === 'REJECTED' ? null : `1300000${order.id.slice(-9)}`;
  const pending = status === 'COMPLETE' || status === 'REJECTED' || status === 'CANCELLED' ? 0 : order.quantity - order.filledQuantity;
  return {
    placed_by: userId,
    order_id: order.id,
    exchange_order_id: exchangeOrderId,
    parent_order_id: null,
    status,
    status_message: status === 'REJECTED' ? statusMessage(order) : null,
    order_timestamp: formatIst(at),
    exchange_timestamp: exchangeOrderId ? formatIst(at) : null,
    variety: order.extra.variety ?? 'regular',
    modified: Number(order.extra.modifications ?? 0) > 0,
    exchange: order.extra.exchange ?? '',
    tradingsymbol: order.extra.tradingsymbol ?? '',
    instrument_token: instrumentToken(order),
    order_type: KITE_TYPE[order.type],
    transaction_type: order.side,
    validity: order.extra.validity ?? 'DAY',
    product: order.extra.product ?? 'CNC',
    quantity: order.quantity,
    disclosed_quantity: 0,
    price: order.limitPrice ?? 0,
    trigger_price: order.stopPrice ?? 0,
    average_price: status === 'COMPLETE' ? (order.averagePrice ?? 0) : 0,
    filled_quantity: status === 'COMPLETE' ? order.filledQuantity : 0,
    pending_quantity: pending,
    cancelled_quantity: status === 'CANCELLED' ? order.quantity - order.filledQuantity : 0,
    tag: order.extra.tag || null,
  };
}

/** One row of GET /orders (the 2025 shape of the mocks, with account_id and validity_ttl; `tags` only when tagged). */
export function orderBookJson(order: SimOrder, userId: string) {
  const core = orderCore(order, userId, kiteStatus(order), order.updatedAt);
  const row = {
    account_id: userId,
    placed_by: core.placed_by,
    order_id: core.order_id,
    exchange_order_id: core.exchange_order_id,
    parent_order_id: null,
    status: core.status,
    status_message: core.status_message,
    status_message_raw: order.status === 'REJECTED' ? `RMS:${order.rejectReason ?? 'Rejected'}` : null,
    order_timestamp: formatIst(order.createdAt),
    exchange_update_timestamp: core.exchange_order_id ? formatIst(order.updatedAt) : null,
    exchange_timestamp: core.exchange_order_id ? formatIst(order.createdAt) : null,
    variety: core.variety,
    modified: Number(order.extra.modifications ?? 0) > 0,
    exchange: core.exchange,
    tradingsymbol: core.tradingsymbol,
    instrument_token: core.instrument_token,
    order_type: core.order_type,
    transaction_type: core.transaction_type,
    validity: core.validity,
    validity_ttl: 0,
    product: core.product,
    quantity: core.quantity,
    disclosed_quantity: 0,
    price: core.price,
    trigger_price: core.trigger_price,
    average_price: core.average_price,
    filled_quantity: core.filled_quantity,
    pending_quantity: core.pending_quantity,
    cancelled_quantity: core.cancelled_quantity,
    market_protection: Number(order.extra.market_protection ?? 0),
    meta: {},
    tag: core.tag,
    guid: `${order.id}-guid`,
  };
  return order.extra.tag ? { ...row, tags: [order.extra.tag] } : row;
}

/** GET /orders/{id}: the order's state transitions, oldest first, in the shape of order_info.json. */
export function orderHistoryJson(order: SimOrder, userId: string) {
  const steps = ['PUT ORDER REQ RECEIVED', 'VALIDATION PENDING'];
  if (order.status !== 'REJECTED') steps.push('OPEN PENDING', order.type === 'STOP' || order.type === 'STOP_LIMIT' ? 'TRIGGER PENDING' : 'OPEN');
  if (order.status === 'CANCELLED') steps.push('CANCEL PENDING');
  const final = kiteStatus(order);
  if (steps.at(-1) !== final) steps.push(final);
  return steps.map((status, i) => orderCore(order, userId, status, i === steps.length - 1 ? order.updatedAt : order.createdAt));
}

/** GET /orders/{id}/trades: one trade per filled order. */
export function tradesJson(order: SimOrder) {
  if (order.status !== 'FILLED') return [];
  return [
    {
      trade_id: `${order.id.slice(-8)}`,
      order_id: order.id,
      exchange: order.extra.exchange ?? '',
      tradingsymbol: order.extra.tradingsymbol ?? '',
      instrument_token: instrumentToken(order),
      product: order.extra.product ?? 'CNC',
      average_price: order.averagePrice ?? 0,
      quantity: order.filledQuantity,
      exchange_order_id: `1300000${order.id.slice(-9)}`,
      transaction_type: order.side,
      fill_timestamp: formatIst(order.updatedAt),
      order_timestamp: formatIst(order.updatedAt).slice(11),
      exchange_timestamp: formatIst(order.updatedAt),
    },
  ];
}

/** One row of GET /portfolio/holdings: a settled delivery holding (every simulated holding is fully settled, T1 0). */
export function holdingJson(holding: SimPosition, lastPrice: number, closePrice: number) {
  const [exchange = '', tradingsymbol = ''] = holding.symbol.split(/:(.*)/s);
  const token = INSTRUMENTS.get(holding.symbol)?.token ?? 0;
  return {
    tradingsymbol,
    exchange,
    instrument_token: token,
    isin: `INE${String(token).padStart(6, '0').slice(-6)}01010`,
    product: 'CNC',
    price: 0,
    quantity: holding.quantity,
    used_quantity: 0,
    t1_quantity: 0,
    realised_quantity: holding.quantity,
    authorised_quantity: 0,
    authorised_date: '',
    authorisation: {},
    opening_quantity: holding.quantity,
    short_quantity: 0,
    collateral_quantity: 0,
    collateral_type: '',
    discrepancy: false,
    average_price: round(holding.averagePrice),
    last_price: lastPrice,
    close_price: closePrice,
    pnl: round((lastPrice - holding.averagePrice) * holding.quantity),
    day_change: round(lastPrice - closePrice),
    day_change_percentage: closePrice ? round(((lastPrice - closePrice) / closePrice) * 100) : 0,
    mtf: { quantity: 0, used_quantity: 0, average_price: 0, value: 0, initial_margin: 0 },
  };
}

/** One row of GET /portfolio/positions, aggregating today's fills of the symbol. */
export function positionJson(position: SimPosition, fills: SimOrder[], lastPrice: number, closePrice: number, product: string) {
  const [exchange = '', tradingsymbol = ''] = position.symbol.split(/:(.*)/s);
  const side = (s: 'BUY' | 'SELL') => {
    const mine = fills.filter((o) => o.side === s);
    const quantity = mine.reduce((n, o) => n + o.filledQuantity, 0);
    const value = mine.reduce((n, o) => n + o.filledQuantity * (o.averagePrice ?? 0), 0);
    return { quantity, value: round(value), price: quantity ? round(value / quantity) : 0 };
  };
  const buy = side('BUY');
  const sell = side('SELL');
  const unrealised = round((lastPrice - position.averagePrice) * position.quantity);
  const realised = round(position.realizedPnl);
  return {
    tradingsymbol,
    exchange,
    instrument_token: INSTRUMENTS.get(position.symbol)?.token ?? 0,
    product,
    quantity: position.quantity,
    overnight_quantity: 0,
    multiplier: 1,
    average_price: round(position.averagePrice),
    close_price: closePrice,
    last_price: lastPrice,
    value: round(sell.value - buy.value),
    pnl: round(unrealised + realised),
    m2m: round(unrealised + realised),
    unrealised,
    realised,
    buy_quantity: buy.quantity,
    buy_price: buy.price,
    buy_value: buy.value,
    buy_m2m: buy.value,
    sell_quantity: sell.quantity,
    sell_price: sell.price,
    sell_value: sell.value,
    sell_m2m: sell.value,
    day_buy_quantity: buy.quantity,
    day_buy_price: buy.price,
    day_buy_value: buy.value,
    day_sell_quantity: sell.quantity,
    day_sell_price: sell.price,
    day_sell_value: sell.value,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Full quote (GET /quote) in the shape of quote.json; one tick of spread either side of the last price. */
export function quoteJson(token: number, last: number, close: number, now: number) {
  const level = (price: number, i: number) => ({ price: round(price), quantity: 100 * (i + 1), orders: i + 1 });
  const ohlc = { open: close, high: round(Math.max(close, last) * 1.005), low: round(Math.min(close, last) * 0.995), close };
  return {
    instrument_token: token,
    timestamp: formatIst(now),
    last_trade_time: formatIst(now),
    last_price: last,
    last_quantity: 5,
    buy_quantity: 1500,
    sell_quantity: 1500,
    volume: 100_000,
    average_price: round((last + close) / 2),
    oi: 0,
    oi_day_high: 0,
    oi_day_low: 0,
    net_change: round(last - close),
    lower_circuit_limit: round(close * 0.8),
    upper_circuit_limit: round(close * 1.2),
    ohlc,
    depth: {
      buy: [0, 1, 2, 3, 4].map((i) => level(last - 0.05 * (i + 1), i)),
      sell: [0, 1, 2, 3, 4].map((i) => level(last + 0.05 * (i + 1), i)),
    },
  };
}

export function ltpJson(token: number, last: number) {
  return { instrument_token: token, last_price: last };
}

export function ohlcJson(token: number, last: number, close: number) {
  const q = quoteJson(token, last, close, 0);
  return { instrument_token: token, last_price: last, ohlc: q.ohlc };
}
