import { randomUUID } from 'node:crypto';
import type { SimExchange, SimOrder } from '../exchange';
import type { SimRequest, SimResponse } from '../harness';
import { fail, ok } from './replies';
import type { AngelRoboBook } from './robo';
import { findScrip, SCRIP_MASTER, simSymbol } from './scrip';

const VARIETIES = new Set(['NORMAL', 'STOPLOSS', 'ROBO', 'AMO']);
const PRODUCTS = new Set(['DELIVERY', 'CARRYFORWARD', 'MARGIN', 'INTRADAY', 'BO']);
const ORDER_TYPES: Record<string, SimOrder['type']> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOPLOSS_LIMIT: 'STOP_LIMIT',
  STOPLOSS_MARKET: 'STOP',
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "20-Oct-2020 13:10:59" in IST, as the order book prints it. */
export function angelTime(at: number): string {
  const d = new Date(at + 5.5 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const STATUS: Record<SimOrder['status'], string> = { OPEN: 'open', FILLED: 'complete', CANCELLED: 'cancelled', REJECTED: 'rejected' };

/** One order as the order book (and the order-status socket's orderData) shows it. */
export function orderRow(o: SimOrder): Record<string, unknown> {
  const status = o.status === 'OPEN' && (o.type === 'STOP' || o.type === 'STOP_LIMIT') ? 'trigger pending' : STATUS[o.status];
  const e = o.extra;
  return {
    variety: e.variety,
    ordertype: e.ordertype,
    producttype: e.producttype,
    duration: e.duration,
    price: o.limitPrice ?? 0,
    triggerprice: o.stopPrice ?? 0,
    quantity: String(o.quantity),
    disclosedquantity: '0',
    squareoff: Number(e.squareoff ?? 0),
    stoploss: Number(e.stoploss ?? 0),
    trailingstoploss: Number(e.trailingstoploss ?? 0),
    tradingsymbol: e.tradingsymbol,
    transactiontype: o.side,
    exchange: e.exchange,
    symboltoken: e.symboltoken,
    instrumenttype: e.instrumenttype,
    strikeprice: -1,
    optiontype: '',
    expirydate: '',
    lotsize: '1',
    cancelsize: o.status === 'CANCELLED' ? String(o.quantity) : '0',
    averageprice: o.averagePrice ?? 0,
    filledshares: String(o.filledQuantity),
    unfilledshares: String(o.quantity - o.filledQuantity),
    orderid: o.id,
    text: o.rejectReason ?? '',
    status,
    orderstatus: status,
    updatetime: angelTime(o.updatedAt),
    exchtime: angelTime(o.updatedAt),
    exchorderupdatetime: angelTime(o.updatedAt),
    fillid: '',
    filltime: '',
    parentorderid: e.parentorderid ?? '',
    ordertag: o.clientOrderId ?? '',
    uniqueorderid: e.uniqueorderid,
  };
}

/** ROBO (bracket) orders: BO product, a LIMIT entry, and positive squareoff/stoploss distances (Angel's wording unconfirmed). */
function roboTerms(b: Record<string, unknown>): { squareoff: number; stoploss: number; trailing: number } | SimResponse {
  if (b.producttype !== 'BO') return fail('AB1012', 'Invalid Product Type. ROBO orders take product type BO');
  if (b.ordertype !== 'LIMIT') return fail('AB1004', 'ROBO orders must be LIMIT orders');
  const squareoff = Number(b.squareoff);
  const stoploss = Number(b.stoploss);
  const trailing = Number(b.trailingStopLoss ?? 0);
  if (!(squareoff > 0) || !(stoploss > 0)) return fail('AB1004', 'squareoff and stoploss are required for ROBO orders');
  if (!(trailing >= 0)) return fail('AB1004', 'Invalid trailingStopLoss');
  return { squareoff, stoploss, trailing };
}

export function placeOrder(exchange: SimExchange, req: SimRequest, robo?: AngelRoboBook): SimResponse {
  const b = req.json<Record<string, unknown>>();
  const variety = String(b.variety ?? '');
  if (!VARIETIES.has(variety)) return fail('AB1008', 'Invalid Variety');
  if (!PRODUCTS.has(String(b.producttype ?? ''))) return fail('AB1012', 'Invalid Product Type');
  const type = ORDER_TYPES[String(b.ordertype ?? '')];
  if (!type) return fail('AB1004', 'Invalid Order Type');
  if (!b.symboltoken) return fail('AB4018', 'Symbol token cannot be empty');
  const scrip = findScrip(b.exchange, b.symboltoken);
  if (!scrip || scrip.symbol !== b.tradingsymbol) return fail('AB4006', 'Invalid symboltoken');
  const tag = typeof b.ordertag === 'string' ? b.ordertag : '';
  if (tag.length >= 20) return fail('AB4008', 'ordertag length should be less than 20 characters');
  const quantity = Number(b.quantity);
  if (!Number.isInteger(quantity) || quantity <= 0) return fail('AB1004', 'Invalid quantity');
  const side = b.transactiontype === 'SELL' ? 'SELL' : b.transactiontype === 'BUY' ? 'BUY' : null;
  if (!side) return fail('AB1004', 'Invalid transaction type');
  const price = Number(b.price);
  const trigger = Number(b.triggerprice);
  const terms = variety === 'ROBO' ? roboTerms(b) : null;
  if (terms && !('squareoff' in terms)) return terms;
  if (b.producttype === 'BO' && variety !== 'ROBO') return fail('AB1012', 'Invalid Product Type. BO is for ROBO orders only');
  const uniqueorderid = randomUUID();
  const order = exchange.place({
    symbol: simSymbol(scrip),
    side,
    quantity,
    type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? price : null,
    stopPrice: type === 'STOP' || type === 'STOP_LIMIT' ? trigger : null,
    clientOrderId: tag || null,
    extra: {
      variety,
      ordertype: String(b.ordertype),
      producttype: String(b.producttype),
      duration: String(b.duration ?? 'DAY'),
      tradingsymbol: scrip.symbol,
      symboltoken: scrip.token,
      exchange: scrip.exch_seg,
      instrumenttype: scrip.instrumenttype,
      uniqueorderid,
      ...(terms ? { squareoff: String(terms.squareoff), stoploss: String(terms.stoploss), trailingstoploss: String(terms.trailing) } : {}),
    },
  });
  if (terms && robo) robo.register(order, terms.squareoff, terms.stoploss, terms.trailing);
  return ok({ script: scrip.symbol, orderid: order.id, uniqueorderid });
}

export function cancelOrder(exchange: SimExchange, req: SimRequest): SimResponse {
  const b = req.json<Record<string, unknown>>();
  if (!VARIETIES.has(String(b.variety ?? ''))) return fail('AB1008', 'Invalid Variety');
  const id = String(b.orderid ?? '');
  const existing = exchange.get(id);
  if (!existing) return fail('AB1013', 'Order not found');
  const cancelled = exchange.cancel(id);
  if (!cancelled) return fail('AB1004', `Order cannot be cancelled: order is ${STATUS[existing.status]}`);
  return ok({ orderid: id, uniqueorderid: existing.extra.uniqueorderid });
}

/** POST modifyOrder: the full new terms; the variety must be the order's own, and only an open order changes. */
export function modifyOrder(exchange: SimExchange, req: SimRequest): SimResponse {
  const b = req.json<Record<string, unknown>>();
  const variety = String(b.variety ?? '');
  if (!VARIETIES.has(variety)) return fail('AB1008', 'Invalid Variety');
  const id = String(b.orderid ?? '');
  const existing = exchange.get(id);
  if (!existing) return fail('AB1013', 'Order not found');
  if (existing.extra.variety !== variety) return fail('AB1008', 'Invalid Variety');
  const type = ORDER_TYPES[String(b.ordertype ?? '')];
  if (!type) return fail('AB1004', 'Invalid Order Type');
  if (b.symboltoken !== existing.extra.symboltoken || b.tradingsymbol !== existing.extra.tradingsymbol) return fail('AB4006', 'Invalid symboltoken');
  const quantity = Number(b.quantity);
  if (!Number.isInteger(quantity) || quantity <= 0) return fail('AB1004', 'Invalid quantity');
  const price = Number(b.price);
  const trigger = Number(b.triggerprice);
  const changed = exchange.modify(id, {
    quantity,
    type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? price : null,
    stopPrice: type === 'STOP' || type === 'STOP_LIMIT' ? trigger : null,
  });
  if (!changed) return fail('AB1004', `Order cannot be modified: order is ${STATUS[existing.status]}`);
  changed.extra = { ...changed.extra, ordertype: String(b.ordertype) };
  return ok({ orderid: id, uniqueorderid: existing.extra.uniqueorderid });
}

export function orderBook(exchange: SimExchange): SimResponse {
  const rows = exchange.list().map(orderRow);
  // SmartAPI answers an empty book with data: null.
  return ok(rows.length ? rows : null);
}

export function positions(exchange: SimExchange): SimResponse {
  const rows = exchange.positionList().map((p) => {
    const scrip = SCRIP_MASTER.find((r) => simSymbol(r) === p.symbol)!;
    const ltp = exchange.price(p.symbol);
    const unrealised = (ltp - p.averagePrice) * p.quantity;
    const f = (n: number) => n.toFixed(2);
    return {
      exchange: scrip.exch_seg,
      symboltoken: scrip.token,
      producttype: 'DELIVERY',
      tradingsymbol: scrip.symbol,
      symbolname: scrip.name,
      instrumenttype: scrip.instrumenttype,
      netqty: String(p.quantity),
      avgnetprice: f(p.averagePrice),
      netprice: f(p.averagePrice),
      buyavgprice: f(p.averagePrice),
      sellavgprice: '0.00',
      ltp: f(ltp),
      unrealised: f(unrealised),
      realised: f(p.realizedPnl),
      pnl: f(unrealised + p.realizedPnl),
      lotsize: scrip.lotsize,
      multiplier: '-1',
    };
  });
  return ok(rows.length ? rows : null);
}

/** getTradeBook: today's fills, every value a string; `filltime` is the time of day only, as SmartAPI sends it. */
export function tradeBook(exchange: SimExchange): SimResponse {
  const rows = exchange.tradeList().map((f) => {
    const scrip = SCRIP_MASTER.find((r) => simSymbol(r) === f.symbol)!;
    return {
      exchange: scrip.exch_seg,
      producttype: f.extra.producttype ?? 'DELIVERY',
      tradingsymbol: scrip.symbol,
      instrumenttype: scrip.instrumenttype,
      symbolgroup: 'EQ',
      strikeprice: '-1',
      optiontype: '',
      expirydate: '',
      marketlot: scrip.lotsize,
      precision: '2',
      multiplier: '-1',
      tradevalue: (f.price * f.quantity).toFixed(2),
      transactiontype: f.side,
      fillprice: f.price.toFixed(2),
      fillsize: String(f.quantity),
      orderid: f.orderId,
      fillid: f.id.replace(/\D/g, ''),
      filltime: new Date(f.at + 5.5 * 3_600_000).toISOString().slice(11, 19),
    };
  });
  return ok(rows.length ? rows : null);
}

/** getHolding: settled demat holdings with Angel's own P&L (numbers, as in SmartAPI's sample). */
export function holdings(exchange: SimExchange): SimResponse {
  const rows = exchange.holdingList().map((h) => {
    const scrip = SCRIP_MASTER.find((r) => simSymbol(r) === h.symbol)!;
    const ltp = exchange.price(h.symbol);
    const pnl = Math.round((ltp - h.averagePrice) * h.quantity * 100) / 100;
    return {
      tradingsymbol: scrip.symbol,
      exchange: scrip.exch_seg,
      isin: `INE${scrip.token.padStart(6, '0').slice(-6)}01010`,
      t1quantity: 0,
      realisedquantity: h.quantity,
      quantity: h.quantity,
      authorisedquantity: 0,
      product: 'DELIVERY',
      collateralquantity: null,
      collateraltype: null,
      haircut: 0,
      averageprice: h.averagePrice,
      ltp,
      symboltoken: scrip.token,
      close: ltp,
      profitandloss: pnl,
      pnlpercentage: h.averagePrice ? Math.round(((ltp - h.averagePrice) / h.averagePrice) * 10_000) / 100 : 0,
    };
  });
  return ok(rows.length ? rows : null);
}

export function rms(exchange: SimExchange): SimResponse {
  exchange.settle();
  const f = (n: number) => n.toFixed(4);
  return ok({
    net: f(exchange.cash),
    availablecash: f(exchange.cash),
    availableintradaypayin: '0.0000',
    availablelimitmargin: '0.0000',
    collateral: '0.0000',
    m2munrealized: '0.0000',
    m2mrealized: '0.0000',
    utiliseddebits: '0.0000',
    utilisedspan: null,
    utilisedoptionpremium: null,
    utilisedholdingsales: null,
    utilisedexposure: null,
    utilisedturnover: null,
    utilisedpayout: '0.0000',
  });
}
