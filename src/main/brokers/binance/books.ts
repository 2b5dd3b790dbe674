import type { BrokerContext, Trade } from '../types';
import { positions } from './account';
import { signedRequest } from './client';
import { brokerOrderId } from './mapping';
import { orders } from './orders';

interface BinanceTrade {
  symbol: string;
  id: number;
  orderId: number;
  price: string;
  qty: string;
  isBuyer: boolean;
  time: number;
}

const DAY_MS = 86_400_000;

/**
 * Binance's trade book: GET /api/v3/myTrades since 00:00 UTC (crypto has no session; Binance's day is UTC), per pair,
 * since the endpoint needs a symbol: the pairs of the balances held and of the orders this connection knows. A pair
 * fully sold today by another app is not seen. No holdings: the spot balances are already its positions.
 */
export async function trades(ctx: BrokerContext): Promise<Trade[]> {
  const now = ctx.clock.now();
  const dayStart = now - (now % DAY_MS);
  const pairs = new Set<string>();
  for (const p of await positions(ctx)) if (p.symbol.startsWith('CRYPTO:')) pairs.add(p.symbol.slice('CRYPTO:'.length));
  for (const o of await orders(ctx)) pairs.add(o.symbol.replace(/^CRYPTO:/, ''));
  const out: Trade[] = [];
  for (const pair of pairs) {
    const res = await signedRequest(ctx, {
      method: 'GET',
      path: '/api/v3/myTrades',
      params: [
        ['symbol', pair],
        ['startTime', String(dayStart)],
        ['limit', '1000'],
      ],
    });
    for (const t of res.body as BinanceTrade[]) {
      out.push({
        tradeId: `${t.symbol}:${t.id}`,
        brokerOrderId: brokerOrderId(t.symbol, t.orderId),
        symbol: `CRYPTO:${t.symbol}`,
        side: t.isBuyer ? 'BUY' : 'SELL',
        quantity: Number(t.qty),
        price: Number(t.price),
        executedAt: t.time,
      });
    }
  }
  return out.sort((a, b) => (b.executedAt ?? 0) - (a.executedAt ?? 0));
}
