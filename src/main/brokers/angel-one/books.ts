import type { BrokerContext, Holding, Trade } from '../types';
import { IST_OFFSET_MS, istToUtc } from '../india-time';
import { num, numOrZero, text } from '../json';
import { angelCall, PATHS } from './client';
import { commonSymbol } from './instruments';

/** SmartAPI's demat holdings (getHolding): settled and T1 shares, with Angel's own P&L. */
export async function holdings(ctx: BrokerContext): Promise<Holding[]> {
  const rows = await angelCall<Record<string, unknown>[] | null>(ctx, { method: 'GET', path: PATHS.holding });
  return (rows ?? []).map((h) => ({
    symbol: commonSymbol(String(h.exchange ?? ''), String(h.tradingsymbol ?? '')),
    quantity: numOrZero(h.quantity) + numOrZero(h.t1quantity),
    averagePrice: numOrZero(h.averageprice),
    lastPrice: num(h.ltp),
    pnl: num(h.profitandloss),
  }));
}

/** "13:27:53" (IST, today: the trade book holds only today's fills) → epoch ms; null when unreadable. */
export function todayAtIst(now: number, time: unknown): number | null {
  const m = /^(\d{2}):(\d{2}):(\d{2})$/.exec(typeof time === 'string' ? time.trim() : '');
  if (!m) return null;
  const day = new Date(now + IST_OFFSET_MS);
  return istToUtc(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), Number(m[1]), Number(m[2]), Number(m[3]));
}

/** SmartAPI's trade book (getTradeBook): today's fills, every value a string. */
export async function trades(ctx: BrokerContext): Promise<Trade[]> {
  const rows = await angelCall<Record<string, unknown>[] | null>(ctx, { method: 'GET', path: PATHS.tradeBook });
  const now = ctx.clock.now();
  return (rows ?? []).map((t) => ({
    tradeId: text(t.fillid) ?? '',
    brokerOrderId: text(t.orderid) ?? '',
    symbol: commonSymbol(String(t.exchange ?? ''), String(t.tradingsymbol ?? '')),
    side: t.transactiontype === 'SELL' ? 'SELL' : 'BUY',
    quantity: numOrZero(t.fillsize),
    price: numOrZero(t.fillprice),
    executedAt: todayAtIst(now, t.filltime),
  }));
}
