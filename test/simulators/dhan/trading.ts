import type { SimExchange, SimOrder } from '../exchange';
import type { SimRequest, SimResponse } from '../harness';
import { dhanError, inputError, orderError } from './replies';
import { findScrip, SCRIPS } from './scrip';

const ORDER_TYPES: Record<string, SimOrder['type']> = { MARKET: 'MARKET', LIMIT: 'LIMIT', STOP_LOSS: 'STOP_LIMIT', STOP_LOSS_MARKET: 'STOP' };
const PRODUCTS = new Set(['CNC', 'INTRADAY', 'MARGIN', 'MTF', 'CO', 'BO']);
const STATUS: Record<SimOrder['status'], string> = { OPEN: 'PENDING', FILLED: 'TRADED', CANCELLED: 'CANCELLED', REJECTED: 'REJECTED' };

/** "2026-01-05 09:30:00" in IST, as Dhan's order book prints times. */
export function dhanTime(at: number): string {
  return new Date(at + 5.5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function orderJson(clientId: string, o: SimOrder): Record<string, unknown> {
  const e = o.extra;
  return {
    dhanClientId: clientId,
    orderId: o.id,
    correlationId: o.clientOrderId ?? '',
    orderStatus: STATUS[o.status],
    transactionType: o.side,
    exchangeSegment: e.exchangeSegment,
    productType: e.productType,
    orderType: e.orderType,
    validity: e.validity,
    tradingSymbol: e.tradingSymbol,
    securityId: e.securityId,
    quantity: o.quantity,
    disclosedQuantity: 0,
    price: o.limitPrice ?? 0,
    triggerPrice: o.stopPrice ?? 0,
    afterMarketOrder: false,
    boProfitValue: 0,
    boStopLossValue: 0,
    legName: e.legName ?? 'NA',
    createTime: dhanTime(o.createdAt),
    updateTime: dhanTime(o.updatedAt),
    exchangeTime: o.status === 'REJECTED' ? '0001-01-01 00:00:00' : dhanTime(o.updatedAt),
    drvExpiryDate: null,
    drvOptionType: null,
    drvStrikePrice: 0,
    omsErrorCode: o.rejectReason ? '16283' : null,
    omsErrorDescription: o.rejectReason ?? '',
    algoId: '',
    remainingQuantity: o.quantity - o.filledQuantity,
    averageTradedPrice: o.averagePrice ?? 0,
    filledQty: o.filledQuantity,
  };
}

export function placeOrder(exchange: SimExchange, clientId: string, req: SimRequest): SimResponse {
  let b: Record<string, unknown>;
  try {
    b = req.json<Record<string, unknown>>();
  } catch {
    return inputError('Invalid JSON body');
  }
  if (b.dhanClientId !== clientId) return inputError('dhanClientId does not match the access token');
  const type = ORDER_TYPES[String(b.orderType)];
  if (!type) return inputError('Invalid orderType');
  if (!PRODUCTS.has(String(b.productType))) return inputError('Invalid productType');
  if (b.validity !== 'DAY' && b.validity !== 'IOC') return inputError('Invalid validity');
  if (b.transactionType !== 'BUY' && b.transactionType !== 'SELL') return inputError('Invalid transactionType');
  const scrip = findScrip(b.exchangeSegment, b.securityId);
  if (!scrip || scrip.exchangeSegment === 'IDX_I') return orderError('Invalid Security ID for the exchange segment');
  const quantity = Number(b.quantity);
  if (!Number.isInteger(quantity) || quantity <= 0) return inputError('Invalid quantity');
  const price = Number(b.price);
  const trigger = Number(b.triggerPrice);
  if ((type === 'LIMIT' || type === 'STOP_LIMIT') && !(price > 0)) return inputError('Price is required for LIMIT orders');
  if ((type === 'STOP' || type === 'STOP_LIMIT') && !(trigger > 0)) return inputError('Trigger price is required for stop-loss orders');
  const order = exchange.place({
    symbol: scrip.symbol,
    side: b.transactionType,
    quantity,
    type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? price : null,
    stopPrice: type === 'STOP' || type === 'STOP_LIMIT' ? trigger : null,
    clientOrderId: typeof b.correlationId === 'string' && b.correlationId ? b.correlationId : null,
    extra: {
      exchangeSegment: scrip.exchangeSegment,
      securityId: scrip.securityId,
      tradingSymbol: scrip.tradingSymbol,
      productType: String(b.productType),
      orderType: String(b.orderType),
      validity: String(b.validity),
    },
  });
  return { json: { orderId: order.id, orderStatus: 'TRANSIT' } };
}

const NO_ORDER = dhanError(400, 'Data_Error', 'DH-907', 'No order found for the given order id');

export function getOrder(exchange: SimExchange, clientId: string, id: string): SimResponse {
  const order = exchange.get(id);
  return order ? { json: orderJson(clientId, order) } : NO_ORDER;
}

export function getByCorrelation(exchange: SimExchange, clientId: string, correlationId: string): SimResponse {
  const order = exchange.list().find((o) => o.clientOrderId === correlationId);
  return order ? { json: orderJson(clientId, order) } : NO_ORDER;
}

export function cancelOrder(exchange: SimExchange, id: string): SimResponse {
  const existing = exchange.get(id);
  if (!existing) return NO_ORDER;
  if (!exchange.cancel(id)) return orderError(`Order is already ${STATUS[existing.status]} and cannot be cancelled`);
  return { json: { orderId: id, orderStatus: 'CANCELLED' } };
}

/** Dhan allows at most 25 modifications per order. */
export const DHAN_MAX_MODIFICATIONS = 25;

/** PUT /v2/orders/{orderId}: dhanClientId, orderId, orderType, legName, quantity, price, disclosedQuantity, triggerPrice, validity. */
export function modifyOrder(exchange: SimExchange, clientId: string, id: string, req: SimRequest): SimResponse {
  let b: Record<string, unknown>;
  try {
    b = req.json<Record<string, unknown>>();
  } catch {
    return inputError('Invalid JSON body');
  }
  if (b.dhanClientId !== clientId) return inputError('dhanClientId does not match the access token');
  if (String(b.orderId) !== id) return inputError('orderId in the body does not match the path');
  const existing = exchange.get(id);
  if (!existing) return NO_ORDER;
  if (existing.status !== 'OPEN') return orderError(`Order is already ${STATUS[existing.status]} and cannot be modified`);
  if (Number(existing.extra.modifications ?? 0) >= DHAN_MAX_MODIFICATIONS) return orderError('Order modification limit of 25 reached');
  const type = ORDER_TYPES[String(b.orderType)];
  if (!type) return inputError('Invalid orderType');
  if (b.validity !== 'DAY' && b.validity !== 'IOC') return inputError('Invalid validity');
  const quantity = Number(b.quantity);
  if (!Number.isInteger(quantity) || quantity <= 0) return inputError('Invalid quantity');
  const price = Number(b.price);
  const trigger = Number(b.triggerPrice);
  if ((type === 'LIMIT' || type === 'STOP_LIMIT') && !(price > 0)) return inputError('Price is required for LIMIT orders');
  if ((type === 'STOP' || type === 'STOP_LIMIT') && !(trigger > 0)) return inputError('Trigger price is required for stop-loss orders');
  const changed = exchange.modify(id, {
    quantity,
    type,
    limitPrice: type === 'LIMIT' || type === 'STOP_LIMIT' ? price : null,
    stopPrice: type === 'STOP' || type === 'STOP_LIMIT' ? trigger : null,
  })!;
  changed.extra = { ...changed.extra, orderType: String(b.orderType), validity: String(b.validity) };
  return { json: { orderId: id, orderStatus: 'TRANSIT' } };
}

export function positions(exchange: SimExchange, clientId: string): SimResponse {
  return {
    json: exchange.positionList().map((p) => {
      const scrip = SCRIPS.find((s) => s.symbol === p.symbol)!;
      const ltp = exchange.price(p.symbol);
      return {
        dhanClientId: clientId,
        tradingSymbol: scrip.tradingSymbol,
        securityId: scrip.securityId,
        positionType: p.quantity > 0 ? 'LONG' : p.quantity < 0 ? 'SHORT' : 'CLOSED',
        exchangeSegment: scrip.exchangeSegment,
        productType: 'CNC',
        buyAvg: p.quantity >= 0 ? p.averagePrice : 0,
        costPrice: p.averagePrice,
        buyQty: Math.max(p.quantity, 0),
        sellAvg: p.quantity < 0 ? p.averagePrice : 0,
        sellQty: Math.max(-p.quantity, 0),
        netQty: p.quantity,
        realizedProfit: p.realizedPnl,
        unrealizedProfit: Math.round((ltp - p.averagePrice) * p.quantity * 100) / 100,
        rbiReferenceRate: 1,
        multiplier: 1,
        carryForwardBuyQty: 0,
        carryForwardSellQty: 0,
        carryForwardBuyValue: 0,
        carryForwardSellValue: 0,
        dayBuyQty: Math.max(p.quantity, 0),
        daySellQty: Math.max(-p.quantity, 0),
        dayBuyValue: 0,
        daySellValue: 0,
        drvExpiryDate: '0001-01-01',
        drvOptionType: null,
        drvStrikePrice: 0,
        crossCurrency: false,
      };
    }),
  };
}

export function fundLimit(exchange: SimExchange, clientId: string): SimResponse {
  exchange.settle();
  const cash = Math.round(exchange.cash * 100) / 100;
  return {
    json: {
      dhanClientId: clientId,
      availabelBalance: cash,
      sodLimit: 1_000_000,
      collateralAmount: 0,
      receiveableAmount: 0,
      utilizedAmount: 0,
      blockedPayoutAmount: 0,
      withdrawableBalance: cash,
    },
  };
}

/** GET /v2/holdings: settled demat holdings; "ALL" when the shares trade on both exchanges, as Dhan writes it. */
export function holdings(exchange: SimExchange): SimResponse {
  return {
    json: exchange.holdingList().map((h) => {
      const scrip = SCRIPS.find((s) => s.symbol === h.symbol)!;
      return {
        exchange: 'ALL',
        tradingSymbol: scrip.tradingSymbol,
        securityId: scrip.securityId,
        isin: `INE${scrip.securityId.padStart(6, '0').slice(-6)}01010`,
        totalQty: h.quantity,
        dhanQty: h.quantity,
        t1Qty: 0,
        collateralQty: 0,
        availableQty: h.quantity,
        avgCostPrice: h.averagePrice,
      };
    }),
  };
}

/** GET /v2/trades: today's executions, one per fill. */
export function trades(exchange: SimExchange, clientId: string): SimResponse {
  return {
    json: exchange.tradeList().map((f) => ({
      dhanClientId: clientId,
      orderId: f.orderId,
      exchangeOrderId: `11${f.orderId}`,
      exchangeTradeId: f.id.replace(/\D/g, ''),
      transactionType: f.side,
      exchangeSegment: f.extra.exchangeSegment,
      productType: f.extra.productType,
      orderType: f.extra.orderType,
      tradingSymbol: f.extra.tradingSymbol,
      customSymbol: f.extra.tradingSymbol,
      securityId: f.extra.securityId,
      tradedQuantity: f.quantity,
      tradedPrice: f.price,
      createTime: dhanTime(f.at),
      updateTime: dhanTime(f.at),
      exchangeTime: dhanTime(f.at),
      drvExpiryDate: null,
      drvOptionType: null,
      drvStrikePrice: 0,
    })),
  };
}
