import type { Clock } from '../../../src/main/clock';
import { priceAt } from '../exchange';

/** What the simulator lists, by tastytrade symbol, with the `/market-data/by-type` key it belongs under. */
export const LISTINGS: Record<string, { type: 'Equity' | 'Cryptocurrency'; key: 'equity' | 'cryptocurrency' }> = {
  AAPL: { type: 'Equity', key: 'equity' },
  MSFT: { type: 'Equity', key: 'equity' },
  TSLA: { type: 'Equity', key: 'equity' },
  SPY: { type: 'Equity', key: 'equity' },
  QQQ: { type: 'Equity', key: 'equity' },
  'BTC/USD': { type: 'Cryptocurrency', key: 'cryptocurrency' },
  'ETH/USD': { type: 'Cryptocurrency', key: 'cryptocurrency' },
};

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
