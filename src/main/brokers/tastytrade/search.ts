import type { BrokerContext, Instrument } from '../types';
import { data, tastyCall } from './client';
import { fromTastySymbol } from './symbols';

/** Listing venues (ISO 10383 MICs) as the console shows them. */
const MARKETS: Record<string, string> = {
  XNAS: 'NASDAQ',
  XNYS: 'NYSE',
  ARCX: 'ARCA',
  XASE: 'AMEX',
  BATS: 'BATS',
  XCBO: 'CBOE',
  IEXG: 'IEX',
};

interface SymbolData {
  symbol?: unknown;
  description?: unknown;
  'listed-market'?: unknown;
  'instrument-type'?: unknown;
  'price-increments'?: unknown;
}

/** `price-increments` reads "0.0001 1; 0.01" (0.0001 below $1, 0.01 from there): the step above $1, else 0.01. */
function tickSize(increments: unknown): number {
  if (typeof increments !== 'string') return 0.01;
  const last = increments.split(';').pop()?.trim().split(/\s+/)[0];
  const step = Number(last);
  return Number.isFinite(step) && step > 0 ? step : 0.01;
}

function toInstrument(item: SymbolData): Instrument | null {
  const raw = typeof item.symbol === 'string' ? item.symbol.trim().toUpperCase() : '';
  const type = typeof item['instrument-type'] === 'string' ? item['instrument-type'] : 'Equity';
  const name = typeof item.description === 'string' && item.description ? item.description : raw;
  if (type === 'Equity' && /^[A-Z0-9./]{1,12}$/.test(raw)) {
    const market = typeof item['listed-market'] === 'string' ? item['listed-market'] : '';
    return {
      symbol: fromTastySymbol(raw, type),
      exchange: MARKETS[market] ?? (market || 'US'),
      brokerSymbol: raw,
      token: '',
      name,
      lotSize: 1,
      tickSize: tickSize(item['price-increments']),
      segment: type,
    };
  }
  if (type === 'Cryptocurrency' && /^[A-Z0-9]{2,10}\/USD$/.test(raw)) {
    return {
      symbol: fromTastySymbol(raw, type),
      exchange: 'CRYPTO',
      brokerSymbol: raw,
      token: '',
      name,
      lotSize: 1,
      tickSize: tickSize(item['price-increments']),
      segment: type,
    };
  }
  // Indices, futures and options are not tradable through BrokerVault's tastytrade tickets.
  return null;
}

/**
 * Live symbol search (tastytrade has no instrument master): `GET /symbols/search/{prefix}` matches tickers and
 * fragments ("AAP" → AAP, AAPL). Equities come back as `US:<ticker>`, cryptocurrencies as `CRYPTO:BTCUSD`.
 */
export async function searchSymbols(ctx: BrokerContext, query: string, limit: number): Promise<Instrument[]> {
  const text = query.trim().replace(/^US:/i, '');
  // A path segment of dots only would resolve to another endpoint.
  if (!text || /^\.+$/.test(text) || limit <= 0) return [];
  const response = await tastyCall(ctx, { method: 'GET', path: `/symbols/search/${encodeURIComponent(text)}` });
  const out: Instrument[] = [];
  for (const item of data<{ items?: SymbolData[] }>(response).items ?? []) {
    const instrument = toInstrument(item);
    if (instrument && !out.some((i) => i.symbol === instrument.symbol)) out.push(instrument);
    if (out.length >= limit) break;
  }
  return out;
}
