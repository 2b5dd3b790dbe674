import type { BrokerContext, Instrument } from '../types';
import { tradierCall } from './client';
import { asList } from './mapping';

/** Tradier's one-letter exchange codes for the US venues a stock or ETF lists on. */
const EXCHANGES: Record<string, string> = {
  Q: 'NASDAQ',
  S: 'NASDAQ',
  T: 'NASDAQ',
  N: 'NYSE',
  P: 'ARCA',
  A: 'AMEX',
  Z: 'BATS',
  Y: 'BYX',
  V: 'IEX',
  U: 'OTC',
};

interface TradierSecurity {
  symbol?: unknown;
  exchange?: unknown;
  type?: unknown;
  description?: unknown;
}

/** The `securities.security` list of a lookup or search answer (collapsed: null, one object or an array). */
function securities(body: unknown): TradierSecurity[] {
  const wrapper = (body as { securities?: unknown } | null)?.securities;
  return asList<TradierSecurity>(wrapper && typeof wrapper === 'object' ? (wrapper as { security?: unknown }).security : null);
}

function toInstrument(s: TradierSecurity): Instrument | null {
  const ticker = typeof s.symbol === 'string' ? s.symbol.toUpperCase() : '';
  if (!/^[A-Z0-9./-]{1,21}$/.test(ticker)) return null;
  const type = typeof s.type === 'string' ? s.type : 'stock';
  if (type !== 'stock' && type !== 'etf') return null;
  const code = typeof s.exchange === 'string' ? s.exchange : '';
  return {
    symbol: `US:${ticker}`,
    exchange: EXCHANGES[code] ?? (code || 'US'),
    brokerSymbol: ticker,
    // Tradier names securities by ticker only: there is no numeric id.
    token: '',
    name: typeof s.description === 'string' && s.description ? s.description : ticker,
    lotSize: 1,
    tickSize: 0.01,
    segment: type,
  };
}

/**
 * Live symbol search (Tradier has no instrument master): `GET /markets/lookup` matches ticker prefixes; when it
 * finds nothing, `GET /markets/search` matches company names ("apple"). Stocks and ETFs only, as `US:<ticker>`.
 */
export async function searchSymbols(ctx: BrokerContext, query: string, limit: number): Promise<Instrument[]> {
  const text = query.trim().replace(/^US:/i, '');
  if (!text || limit <= 0) return [];
  const collect = (body: unknown) => {
    const out: Instrument[] = [];
    for (const s of securities(body)) {
      const instrument = toInstrument(s);
      if (instrument && !out.some((i) => i.symbol === instrument.symbol)) out.push(instrument);
    }
    return out.slice(0, limit);
  };
  const lookup = await tradierCall(ctx, { method: 'GET', path: '/markets/lookup', query: { q: text, types: 'stock,etf' } });
  const found = collect(lookup.body);
  if (found.length > 0) return found;
  const byName = await tradierCall(ctx, { method: 'GET', path: '/markets/search', query: { q: text, indexes: false } });
  return collect(byName.body);
}
