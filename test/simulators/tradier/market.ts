import type { Clock } from '../../../src/main/clock';
import { priceAt } from '../exchange';

/** The listings the simulator knows (exchange = Tradier's one-letter code); other tickers come back as unmatched. */
export const LISTINGS: Record<string, { description: string; type: string; exchange: string }> = {
  AAPL: { description: 'Apple Inc', type: 'stock', exchange: 'Q' },
  MSFT: { description: 'Microsoft Corp', type: 'stock', exchange: 'Q' },
  TSLA: { description: 'Tesla Inc', type: 'stock', exchange: 'Q' },
  AMZN: { description: 'Amazon.com Inc', type: 'stock', exchange: 'Q' },
  SPY: { description: 'SPDR S&P 500', type: 'etf', exchange: 'P' },
  QQQ: { description: 'Invesco QQQ Trust', type: 'etf', exchange: 'Q' },
};

/** Indices are found by lookup and search but cannot be traded or quoted here. */
const INDICES: Record<string, { description: string; type: string; exchange: string }> = {
  SPX: { description: 'S&P 500 Index', type: 'index', exchange: 'I' },
};

function security(symbol: string, listing: { description: string; type: string; exchange: string }) {
  return { symbol, exchange: listing.exchange, type: listing.type, description: listing.description };
}

const splitList = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * `GET /v1/markets/lookup?q=&exchanges=&types=`: symbols starting with q (exact match first), optionally only on
 * the given exchange codes and of the given types (stock, etf, index, option).
 */
export function lookupSecurities(query: URLSearchParams): Record<string, unknown>[] {
  const q = (query.get('q') ?? '').trim().toUpperCase();
  const exchanges = splitList(query.get('exchanges'));
  const types = splitList(query.get('types'));
  if (!q) return [];
  return Object.entries({ ...LISTINGS, ...INDICES })
    .filter(
      ([symbol, l]) => symbol.startsWith(q) && (exchanges.length === 0 || exchanges.includes(l.exchange)) && (types.length === 0 || types.includes(l.type)),
    )
    .sort(([a], [b]) => Number(b === q) - Number(a === q) || a.localeCompare(b))
    .map(([symbol, l]) => security(symbol, l));
}

/** `GET /v1/markets/search?q=&indexes=`: company names containing q; indices unless indexes=false. */
export function searchSecurities(query: URLSearchParams): Record<string, unknown>[] {
  const q = (query.get('q') ?? '').trim().toLowerCase();
  const withIndexes = query.get('indexes') !== 'false';
  if (!q) return [];
  return Object.entries({ ...LISTINGS, ...(withIndexes ? INDICES : {}) })
    .filter(([, l]) => l.description.toLowerCase().includes(q))
    .map(([symbol, l]) => security(symbol, l));
}

export function quoteJson(symbol: string, clock: Clock): Record<string, unknown> {
  const now = clock.now();
  const last = priceAt(symbol, now);
  const prev = priceAt(symbol, now - 86_400_000);
  const spread = Math.max(0.01, Math.round(last * 0.0002 * 100) / 100);
  const listing = LISTINGS[symbol]!;
  return {
    symbol,
    description: listing.description,
    exch: 'Q',
    type: listing.type,
    last,
    change: Math.round((last - prev) * 100) / 100,
    volume: 1_000_000,
    open: prev,
    high: Math.max(last, prev),
    low: Math.min(last, prev),
    close: null,
    bid: Math.round((last - spread) * 100) / 100,
    ask: Math.round((last + spread) * 100) / 100,
    change_percentage: Math.round(((last - prev) / prev) * 10_000) / 100,
    average_volume: 900_000,
    last_volume: 100,
    trade_date: now,
    prevclose: prev,
    week_52_high: Math.round(last * 1.2 * 100) / 100,
    week_52_low: Math.round(last * 0.8 * 100) / 100,
    bidsize: 3,
    bidexch: 'Q',
    bid_date: now,
    asksize: 2,
    askexch: 'Q',
    ask_date: now,
    root_symbols: symbol,
  };
}
