import { basePrice, type SimFill, type SimOrder, type SimPosition } from '../exchange';
import { BY_TICKER, fyToken, MASTER, type MasterRow } from './master';
import type { FyersUser } from './state';

/** Builders of FYERS API v3 JSON bodies (field names from FYERS' SDKs, Postman collection and published samples). */

const IST_OFFSET_MS = 330 * 60_000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "05-Jan-2026 09:30:00" on the IST wall clock. */
export function fyersTime(ms: number): string {
  const d = new Date(ms + IST_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function profileJson(user: FyersUser) {
  return {
    name: user.name,
    image: null,
    display_name: null,
    fy_id: user.fyId,
    email_id: user.email,
    PAN: 'XXXXX1234X',
    mobile_number: '9999999999',
    pin_change_date: '01-01-2026 10:00:00',
    pwd_change_date: null,
    pwd_to_expire: 90,
    totp: true,
    ddpi_enabled: false,
    mtf_enabled: false,
  };
}

export function fundLimitJson(opening: number, cash: number) {
  const used = Math.max(0, round(opening - cash));
  const rows: [number, string, number][] = [
    [1, 'Total Balance', round(cash + used)],
    [2, 'Utilized Amount', used],
    [3, 'Clear Balance', round(cash)],
    [4, 'Realized Profit and Loss', 0],
    [5, 'Collaterals', 0],
    [6, 'Fund Transfer', 0],
    [7, 'Receivables', 0],
    [8, 'Adhoc Limit', 0],
    [9, 'Limit at start of the day', opening],
    [10, 'Available Balance', round(cash)],
  ];
  return rows.map(([id, title, equityAmount]) => ({ id, title, equityAmount, commodityAmount: 0 }));
}

const TYPE_CODES = { LIMIT: 1, MARKET: 2, STOP: 3, STOP_LIMIT: 4 } as const;
/** 1 cancelled, 2 traded, 5 rejected, 6 pending. */
const STATUS_CODES = { CANCELLED: 1, FILLED: 2, REJECTED: 5, OPEN: 6 } as const;

export function orderJson(order: SimOrder, user: FyersUser, slNo: number) {
  const row = BY_TICKER.get(order.extra.ticker ?? '') as MasterRow;
  const lp = basePrice(order.symbol);
  const status = STATUS_CODES[order.status];
  return {
    clientId: user.fyId,
    id: order.id,
    exchOrdId: order.status === 'REJECTED' ? '' : `1100000${order.id.slice(-9)}`,
    qty: order.quantity,
    remainingQuantity: order.status === 'OPEN' ? order.quantity - order.filledQuantity : 0,
    filledQty: order.filledQuantity,
    discloseQty: 0,
    limitPrice: order.limitPrice ?? 0,
    stopPrice: order.stopPrice ?? 0,
    tradedPrice: order.averagePrice ?? 0,
    type: TYPE_CODES[order.type],
    fyToken: fyToken(row),
    exchange: row.exchangeCode,
    segment: row.segmentCode,
    symbol: row.ticker,
    instrument: row.instrumentType,
    message: order.status === 'REJECTED' ? (order.extra.rejectMessage ?? '') : order.status === 'CANCELLED' ? 'Cancelled by user' : '',
    offlineOrder: false,
    orderDateTime: fyersTime(order.updatedAt),
    orderValidity: order.extra.validity ?? 'DAY',
    pan: '',
    productType: order.extra.productType ?? 'CNC',
    side: order.side === 'BUY' ? 1 : -1,
    status,
    source: 'API',
    ex_sym: row.underlying,
    description: row.name,
    ch: 0,
    chp: 0,
    lp,
    slNo,
    dqQtyRem: 0,
    orderNumStatus: `${order.id}:${status}`,
    disclosedQty: 0,
    orderTag: order.extra.orderTag ?? '',
  };
}

export function tradeJson(order: SimOrder, user: FyersUser) {
  const row = BY_TICKER.get(order.extra.ticker ?? '') as MasterRow;
  return {
    clientId: user.fyId,
    orderDateTime: fyersTime(order.updatedAt),
    orderNumber: order.id,
    exchangeOrderNo: `1100000${order.id.slice(-9)}`,
    exchange: row.exchangeCode,
    side: order.side === 'BUY' ? 1 : -1,
    segment: row.segmentCode,
    orderType: TYPE_CODES[order.type],
    fyToken: fyToken(row),
    productType: order.extra.productType ?? 'CNC',
    tradedQty: order.filledQuantity,
    tradePrice: order.averagePrice ?? 0,
    tradeValue: round(order.filledQuantity * (order.averagePrice ?? 0)),
    tradeNumber: `${order.id.slice(-8)}`,
    row: 0,
    symbol: row.ticker,
    orderTag: order.extra.orderTag ?? '',
  };
}

/** One trade of GET /api/v3/tradebook for one fill (the exchange fills an order whole). */
export function fillTradeJson(fill: SimFill, order: SimOrder, user: FyersUser) {
  return { ...tradeJson(order, user), orderDateTime: fyersTime(fill.at), tradeNumber: fill.id.replace(/\D/g, '').slice(-10) };
}

/** GET /api/v3/holdings: settled holdings (holdingType HLD) and the overall block, as FYERS sends them. */
export function holdingsJson(holdings: SimPosition[], ltpOf: (symbol: string) => number) {
  const rows = holdings.map((h, i) => {
    const row = MASTER.find((r) => r.common === h.symbol)!;
    const ltp = ltpOf(h.symbol);
    return {
      holdingType: 'HLD',
      quantity: h.quantity,
      costPrice: round(h.averagePrice),
      marketVal: round(ltp * h.quantity),
      remainingQuantity: h.quantity,
      pl: round((ltp - h.averagePrice) * h.quantity),
      ltp,
      id: i + 1,
      fyToken: fyToken(row),
      exchange: row.exchangeCode,
      symbol: row.ticker,
      segment: row.segmentCode,
      isin: `INE${fyToken(row).slice(-6)}01010`,
      qty_t1: 0,
      remainingPledgeQuantity: 0,
      collateralQuantity: 0,
    };
  });
  const investment = round(rows.reduce((n, r) => n + r.costPrice * r.quantity, 0));
  const current = round(rows.reduce((n, r) => n + r.marketVal, 0));
  return {
    holdings: rows,
    overall: {
      count_total: rows.length,
      total_investment: investment,
      total_current_value: current,
      total_pl: round(current - investment),
      pnl_perc: investment ? round(((current - investment) / investment) * 100) : 0,
    },
  };
}

export function positionJson(position: SimPosition, ticker: string, fills: SimOrder[], ltp: number, productType: string, slNo: number) {
  const row = BY_TICKER.get(ticker) as MasterRow;
  const sum = (side: 'BUY' | 'SELL') => {
    const mine = fills.filter((o) => o.side === side);
    const qty = mine.reduce((n, o) => n + o.filledQuantity, 0);
    const val = round(mine.reduce((n, o) => n + o.filledQuantity * (o.averagePrice ?? 0), 0));
    return { qty, val, avg: qty ? round(val / qty) : 0 };
  };
  const buy = sum('BUY');
  const sell = sum('SELL');
  const unrealized = round((ltp - position.averagePrice) * position.quantity);
  const realized = round(position.realizedPnl);
  return {
    netQty: position.quantity,
    qty: Math.abs(position.quantity),
    avgPrice: round(position.averagePrice),
    netAvg: round(position.averagePrice),
    side: position.quantity > 0 ? 1 : position.quantity < 0 ? -1 : 0,
    productType,
    realized_profit: realized,
    unrealized_profit: unrealized,
    pl: round(realized + unrealized),
    ltp,
    buyQty: buy.qty,
    buyAvg: buy.avg,
    buyVal: buy.val,
    sellQty: sell.qty,
    sellAvg: sell.avg,
    sellVal: sell.val,
    slNo,
    fyToken: fyToken(row),
    crossCurrency: 'N',
    rbiRefRate: 1,
    qtyMulti_com: 1,
    segment: row.segmentCode,
    symbol: ticker,
    id: `${ticker}-${productType}`,
    cfBuyQty: 0,
    cfSellQty: 0,
    dayBuyQty: buy.qty,
    daySellQty: sell.qty,
    exchange: row.exchangeCode,
  };
}

export function overallJson(positions: ReturnType<typeof positionJson>[]) {
  const total = (key: 'pl' | 'realized_profit' | 'unrealized_profit') => round(positions.reduce((n, p) => n + p[key], 0));
  return {
    count_total: positions.length,
    count_open: positions.filter((p) => p.netQty !== 0).length,
    pl_total: total('pl'),
    pl_realized: total('realized_profit'),
    pl_unrealized: total('unrealized_profit'),
  };
}

/** One entry of GET /data/quotes `d[]`; one tick of spread either side of the last price. */
export function quoteJson(row: MasterRow, lp: number, nowMs: number) {
  const close = basePrice(row.common);
  return {
    n: row.ticker,
    s: 'ok',
    v: {
      ch: round(lp - close),
      chp: round(((lp - close) / close) * 100),
      lp,
      spread: 0.1,
      ask: round(lp + 0.05),
      bid: round(lp - 0.05),
      open_price: close,
      high_price: round(Math.max(lp, close) * 1.005),
      low_price: round(Math.min(lp, close) * 0.995),
      prev_close_price: close,
      atp: round((lp + close) / 2),
      volume: 100_000,
      short_name: row.ticker.slice(row.ticker.indexOf(':') + 1),
      exchange: row.ticker.slice(0, row.ticker.indexOf(':')),
      description: row.ticker,
      original_name: row.ticker,
      symbol: row.ticker,
      fyToken: fyToken(row),
      tt: String(Math.floor(nowMs / 1000)),
    },
  };
}
