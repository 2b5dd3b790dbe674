import type { Clock } from '../../../src/main/clock';
import { priceAt } from '../exchange';

/**
 * What the simulator lists, by tastytrade symbol, with the `/market-data/by-type` key it belongs under, and what
 * `/symbols/search` says about it (description, listing venue MIC, price increments, listed options).
 */
export const LISTINGS: Record<
  string,
  { type: 'Equity' | 'Cryptocurrency'; key: 'equity' | 'cryptocurrency'; description: string; market: string; increments: string; options: boolean }
> = {
  AAPL: { type: 'Equity', key: 'equity', description: 'Apple Inc. - Common Stock', market: 'XNAS', increments: '0.0001 1; 0.01', options: true },
  MSFT: { type: 'Equity', key: 'equity', description: 'Microsoft Corporation - Common Stock', market: 'XNAS', increments: '0.0001 1; 0.01', options: true },
  TSLA: { type: 'Equity', key: 'equity', description: 'Tesla, Inc. - Common Stock', market: 'XNAS', increments: '0.0001 1; 0.01', options: true },
  SPY: { type: 'Equity', key: 'equity', description: 'SPDR S&P 500 ETF Trust', market: 'ARCX', increments: '0.0001 1; 0.01', options: true },
  QQQ: { type: 'Equity', key: 'equity', description: 'Invesco QQQ Trust, Series 1', market: 'XNAS', increments: '0.0001 1; 0.01', options: true },
  'BTC/USD': { type: 'Cryptocurrency', key: 'cryptocurrency', description: 'Bitcoin', market: 'CXTALP', increments: '0.01', options: false },
  'ETH/USD': { type: 'Cryptocurrency', key: 'cryptocurrency', description: 'Ethereum', market: 'CXTALP', increments: '0.01', options: false },
};

/** `GET /symbols/search/{symbol}`: listings whose symbol starts with the fragment (exact match first), at most 20. */
export function searchItems(fragment: string): Record<string, unknown>[] {
  const q = fragment.trim().toUpperCase();
  if (!q) return [];
  return Object.entries(LISTINGS)
    .filter(([symbol]) => symbol.startsWith(q))
    .sort(([a], [b]) => Number(b === q) - Number(a === q) || a.localeCompare(b))
    .slice(0, 20)
    .map(([symbol, l]) => ({
      symbol,
      description: l.description,
      'listed-market': l.market,
      'price-increments': l.increments,
      'trading-hours': '',
      options: l.options,
      'instrument-type': l.type,
    }));
}

export const dec = (n: number) => (Math.round(n * 10_000) / 10_000).toString();

export function quoteItem(symbol: string, clock: Clock): Record<string, unknown> {
  const now = clock.now();
  const last = priceAt(symbol, now);
  const prev = priceAt(symbol, now - 86_400_000);
  const half = Math.max(0.01, Math.round(last * 0.0002 * 100) / 100);
  return {
    symbol,
    'instrument-type': LISTINGS[symbol]!.type,
    'updated-at': new Date(now).toISOString(),
    bid: dec(last - half),
    'bid-size': '300.0',
    ask: dec(last + half),
    'ask-size': '200.0',
    mid: dec(last),
    mark: dec(last),
    last: dec(last),
    open: dec(prev),
    'day-high-price': dec(Math.max(last, prev)),
    'day-low-price': dec(Math.min(last, prev)),
    close: dec(prev),
    'prev-close': dec(prev),
    volume: '1000000.0',
  };
}
