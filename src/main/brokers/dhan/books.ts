import type { BrokerContext, Holding, Trade } from '../types';
import { num, numOrZero, text } from '../json';
import { dhanCall } from './client';
import { commonSymbol } from './instruments';
import { parseDhanTime } from './time';

/**
 * Dhan's demat holdings (GET /v2/holdings). Its rows carry no price: last price and P&L stay empty rather than
 * costing a quote call per refresh. `exchange` is "ALL" for shares listed on both exchanges: shown as NSE.
 */
export async function holdings(ctx: BrokerContext): Promise<Holding[]> {
  const list = await dhanCall<Record<string, unknown>[] | null>(ctx, { method: 'GET', path: '/holdings' });
  return (list ?? []).map((h) => ({
    symbol: `${h.exchange === 'BSE' ? 'BSE' : 'NSE'}:${String(h.tradingSymbol ?? '').toUpperCase()}`,
    quantity: numOrZero(h.totalQty),
    averagePrice: numOrZero(h.avgCostPrice),
    lastPrice: num(h.lastTradedPrice),
    pnl: null,
  }));
}

/** Dhan's trade book (GET /v2/trades): today's executions. */
export async function trades(ctx: BrokerContext): Promise<Trade[]> {
  const list = await dhanCall<Record<string, unknown>[] | null>(ctx, { method: 'GET', path: '/trades' });
  return (list ?? []).map((t) => ({
    tradeId: text(t.exchangeTradeId) ?? '',
    brokerOrderId: text(t.orderId) ?? '',
    symbol: commonSymbol(t.exchangeSegment, t.tradingSymbol),
    side: t.transactionType === 'SELL' ? 'SELL' : 'BUY',
    quantity: numOrZero(t.tradedQuantity),
    price: numOrZero(t.tradedPrice),
    executedAt: parseDhanTime(t.exchangeTime) ?? parseDhanTime(t.createTime),
  }));
}
