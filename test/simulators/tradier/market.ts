import type { Clock } from '../../../src/main/clock';
import { priceAt } from '../exchange';

/** The listings the simulator knows; other tickers come back as unmatched. */
export const LISTINGS: Record<string, { description: string; type: string }> = {
  AAPL: { description: 'Apple Inc', type: 'stock' },
  MSFT: { description: 'Microsoft Corp', type: 'stock' },
  TSLA: { description: 'Tesla Inc', type: 'stock' },
  AMZN: { description: 'Amazon.com Inc', type: 'stock' },
  SPY: { description: 'SPDR S&P 500', type: 'etf' },
  QQQ: { description: 'Invesco QQQ Trust', type: 'etf' },
};

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
