import type { BrokerContext, Holding, Trade } from '../types';
import { num, numOrZero, record, text } from '../json';
import { fyers } from './client';
import { parseFyersTime } from './mapping';
import { fromFyersSymbol } from './symbols';

/** FYERS holdings (GET /api/v3/holdings): settled (HLD) and T1 rows, with FYERS' own P&L. */
export async function holdings(ctx: BrokerContext): Promise<Holding[]> {
  const body = await fyers(ctx, { kind: 'read', method: 'GET', path: '/api/v3/holdings' });
  return (Array.isArray(body.holdings) ? body.holdings : []).map((raw): Holding => {
    const h = record(raw);
    return {
      symbol: fromFyersSymbol(ctx, text(h.symbol) ?? ''),
      quantity: numOrZero(h.quantity),
      averagePrice: numOrZero(h.costPrice),
      lastPrice: num(h.ltp),
      pnl: num(h.pl),
    };
  });
}

/** FYERS trade book (GET /api/v3/tradebook): today's executions; side 1 buys, -1 sells. */
export async function trades(ctx: BrokerContext): Promise<Trade[]> {
  const body = await fyers(ctx, { kind: 'read', method: 'GET', path: '/api/v3/tradebook' });
  return (Array.isArray(body.tradeBook) ? body.tradeBook : []).map((raw): Trade => {
    const t = record(raw);
    return {
      tradeId: text(t.tradeNumber) ?? '',
      brokerOrderId: text(t.orderNumber) ?? '',
      symbol: fromFyersSymbol(ctx, text(t.symbol) ?? ''),
      side: num(t.side) === -1 ? 'SELL' : 'BUY',
      quantity: numOrZero(t.tradedQty),
      price: numOrZero(t.tradePrice),
      executedAt: parseFyersTime(t.orderDateTime),
    };
  });
}
