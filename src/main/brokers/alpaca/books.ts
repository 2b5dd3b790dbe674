import type { BrokerContext, Trade } from '../types';
import { alpacaRequest } from './client';
import { commonSymbol } from './mapping';

/**
 * Alpaca's trade book: the account's FILL activities of today (New York's trading day). Alpaca has no holdings
 * book separate from its positions (a US cash account's held shares are its positions), so the adapter offers
 * no holdings: the Positions panel already shows them.
 */
interface AlpacaFill {
  id: string;
  activity_type?: string;
  order_id: string;
  symbol: string;
  side: string;
  qty: string;
  price: string;
  transaction_time?: string;
}

const PAGE = 100;
/** A day's fills beyond this many pages are left out rather than paged for ever. */
const MAX_PAGES = 10;

/** The date (YYYY-MM-DD) in New York at `at`. */
export function newYorkDate(at: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export async function trades(ctx: BrokerContext): Promise<Trade[]> {
  const out: Trade[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: Record<string, string | number> = { date: newYorkDate(ctx.clock.now()), direction: 'desc', page_size: PAGE };
    if (pageToken) query.page_token = pageToken;
    const res = await alpacaRequest(ctx, { method: 'GET', path: '/v2/account/activities/FILL', query });
    const fills = res.body as AlpacaFill[];
    for (const f of fills) {
      out.push({
        tradeId: f.id,
        brokerOrderId: f.order_id,
        symbol: commonSymbol(f.symbol, undefined),
        side: f.side === 'sell' || f.side === 'sell_short' ? 'SELL' : 'BUY',
        quantity: Number(f.qty),
        price: Number(f.price),
        executedAt: f.transaction_time ? Date.parse(f.transaction_time) : null,
      });
    }
    if (fills.length < PAGE) break;
    pageToken = fills.at(-1)!.id;
  }
  return out;
}
