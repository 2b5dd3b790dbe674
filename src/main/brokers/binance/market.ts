import type { BrokerContext, Instrument, Quote } from '../types';
import { publicRequest } from './client';
import { binanceSymbol, toInstrument, type ExchangeSymbol } from './mapping';

/** Last prices of several pairs in one public call (weight 4): GET /api/v3/ticker/price?symbols=[...]. */
export async function quotes(ctx: BrokerContext, symbols: string[]): Promise<Quote[]> {
  if (symbols.length === 0) return [];
  const pairs = symbols.map((s) => binanceSymbol(ctx, s));
  const body = (await publicRequest(ctx, '/api/v3/ticker/price', { symbols: JSON.stringify([...new Set(pairs)]) })) as { symbol: string; price: string }[];
  const prices = new Map(body.map((t) => [t.symbol, Number(t.price)]));
  const out: Quote[] = [];
  symbols.forEach((symbol, i) => {
    const last = prices.get(pairs[i]!);
    // ticker/price carries neither bid/ask nor a time.
    if (last !== undefined) out.push({ symbol, last, bid: null, ask: null, at: null });
  });
  return out;
}

/** exchangeInfo is Binance's instrument master: the spot pairs that are trading, with tick and step sizes. */
export async function fetchInstruments(ctx: BrokerContext): Promise<Instrument[]> {
  const body = (await publicRequest(ctx, '/api/v3/exchangeInfo', { permissions: 'SPOT' })) as { symbols: ExchangeSymbol[] };
  return body.symbols.filter((s) => s.status === 'TRADING' && s.isSpotTradingAllowed).map(toInstrument);
}
