import type { BrokerContext, Holding, Trade } from '../types';
import { parseIstDateTime } from '../india-time';
import { num, record, text } from '../json';
import { kite } from './client';
import { fromKiteInstrument } from './mapping';

/** Kite's demat holdings (GET /portfolio/holdings): T1 shares not yet settled count too, as Kite's own app shows them. */
export async function holdings(ctx: BrokerContext): Promise<Holding[]> {
  const data = await kite(ctx, { kind: 'read', method: 'GET', path: '/portfolio/holdings' });
  return (Array.isArray(data) ? data : []).map((raw): Holding => {
    const h = record(raw);
    return {
      symbol: fromKiteInstrument(h.exchange, h.tradingsymbol),
      quantity: (num(h.quantity) ?? 0) + (num(h.t1_quantity) ?? 0),
      averagePrice: num(h.average_price) ?? 0,
      lastPrice: num(h.last_price),
      pnl: num(h.pnl),
    };
  });
}

/** Kite's trade book (GET /trades): today's executions, one row per fill. */
export async function trades(ctx: BrokerContext): Promise<Trade[]> {
  const data = await kite(ctx, { kind: 'read', method: 'GET', path: '/trades' });
  return (Array.isArray(data) ? data : []).map((raw): Trade => {
    const t = record(raw);
    return {
      tradeId: text(t.trade_id) ?? '',
      brokerOrderId: text(t.order_id) ?? '',
      symbol: fromKiteInstrument(t.exchange, t.tradingsymbol),
      side: t.transaction_type === 'SELL' ? 'SELL' : 'BUY',
      quantity: num(t.quantity) ?? 0,
      price: num(t.average_price) ?? 0,
      executedAt: parseIstDateTime(t.fill_timestamp) ?? parseIstDateTime(t.exchange_timestamp),
    };
  });
}
