import { BrokerError, type BrokerContext, type Instrument, type Quote } from '../types';
import { alpacaRequest } from './client';
import { alpacaSymbol, parseTime, toInstrument, type AlpacaAsset } from './mapping';

interface LatestTrade {
  t: string;
  p: number;
}
interface LatestQuote {
  bp: number;
  ap: number;
}

/**
 * Last price from the latest trade, bid/ask from the latest quote, both from the market-data host on the
 * free IEX feed (a SIP request needs a paid plan). Crypto quotes are not implemented yet.
 */
export async function quotes(ctx: BrokerContext, symbols: string[]): Promise<Quote[]> {
  if (symbols.length === 0) return [];
  const tickers = symbols.map((s) => alpacaSymbol(ctx, s));
  const crypto = symbols.find((_, i) => tickers[i]!.includes('/'));
  if (crypto) throw new BrokerError('NOT_SUPPORTED', `Quotes for crypto (${crypto}) are not supported for Alpaca yet.`);
  const query = { symbols: [...new Set(tickers)].join(','), feed: 'iex' };
  const [tradesRes, quotesRes] = await Promise.all([
    alpacaRequest(ctx, { method: 'GET', path: '/v2/stocks/trades/latest', query }, { kind: 'data' }),
    alpacaRequest(ctx, { method: 'GET', path: '/v2/stocks/quotes/latest', query }, { kind: 'data' }),
  ]);
  const trades = (tradesRes.body as { trades?: Record<string, LatestTrade> }).trades ?? {};
  const book = (quotesRes.body as { quotes?: Record<string, LatestQuote> }).quotes ?? {};
  const out: Quote[] = [];
  symbols.forEach((symbol, i) => {
    const trade = trades[tickers[i]!];
    if (!trade) return; // Alpaca leaves unknown or untraded symbols out of the map.
    const quote = book[tickers[i]!];
    out.push({ symbol, last: trade.p, bid: quote?.bp || null, ask: quote?.ap || null, at: parseTime(trade.t) });
  });
  return out;
}

/** The asset list (GET /v2/assets) is Alpaca's instrument master: tradable equities and crypto pairs. */
export async function fetchInstruments(ctx: BrokerContext): Promise<Instrument[]> {
  const res = await alpacaRequest(ctx, { method: 'GET', path: '/v2/assets', query: { status: 'active' } });
  return (res.body as AlpacaAsset[]).filter((a) => a.tradable && (a.class === 'us_equity' || a.class === 'crypto')).map(toInstrument);
}
