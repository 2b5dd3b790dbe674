import type { BrokerContext, Holding, Trade } from '../types';
import { xtsCall, type XtsProfile } from './client';
import { symbolOfRow } from './instruments';
import { asRows, num, parseXtsTime } from './mapping';
import { text } from '../json';

type Row = Record<string, unknown>;

/**
 * XTS demat holdings (GET /interactive/portfolio/holdings): `result.RMSHoldings.Holdings` keyed by ISIN, each with its
 * NSE and BSE instrument ids and buy average. The rows carry no price, so last price and P&L stay empty, and no
 * trading symbol: an instrument this connection has not resolved shows as exchange and id, as positions do.
 */
export async function holdings(ctx: BrokerContext, profile: XtsProfile): Promise<Holding[]> {
  const result = (await xtsCall(ctx, profile, { api: 'interactive', method: 'GET', path: '/portfolio/holdings' })) as Row | undefined;
  const byIsin = ((result?.RMSHoldings as Row | undefined)?.Holdings ?? {}) as Row;
  return Object.values(byIsin).flatMap((raw): Holding[] => {
    const h = (raw ?? {}) as Row;
    const nse = num(h.ExchangeNSEInstrumentId);
    const [segment, id] = nse > 0 ? ['NSECM', nse] : ['BSECM', num(h.ExchangeBSEInstrumentId)];
    if (id <= 0) return [];
    return [
      {
        symbol: symbolOfRow(ctx, segment, String(id), null),
        quantity: num(h.HoldingQuantity),
        averagePrice: num(h.BuyAvgPrice),
        lastPrice: null,
        pnl: null,
      },
    ];
  });
}

/** XTS trade book (GET /interactive/orders/trades): today's executions, one row per fill. */
export async function trades(ctx: BrokerContext, profile: XtsProfile): Promise<Trade[]> {
  const result = await xtsCall(ctx, profile, { api: 'interactive', method: 'GET', path: '/orders/trades' });
  return asRows(result).map((row) => ({
    tradeId: text(row.ExecutionID) ?? '',
    brokerOrderId: text(row.AppOrderID) ?? '',
    symbol: symbolOfRow(ctx, text(row.ExchangeSegment) ?? '', text(row.ExchangeInstrumentID) ?? '', text(row.TradingSymbol)),
    side: String(row.OrderSide ?? '').toLowerCase() === 'sell' ? 'SELL' : 'BUY',
    quantity: num(row.LastTradedQuantity),
    price: num(row.LastTradedPrice),
    executedAt: parseXtsTime(row.LastExecutionTransactTime) ?? parseXtsTime(row.ExchangeTransactTime),
  }));
}
