import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/shared/charts';
import { exchangeTimeFormat, foldPrice } from '../../../src/renderer/src/trading/chart-bars';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 4, 0, 0);

describe('folding live prices into chart bars', () => {
  it('moves the current bar: close, high, low and volume', () => {
    const bars: Candle[] = [{ time: T0, open: 100, high: 101, low: 99, close: 100, volume: 10 }];
    foldPrice(bars, '1m', 102, T0 + 20_000, 5);
    foldPrice(bars, '1m', 98.5, T0 + 40_000, 1);
    expect(bars).toEqual([{ time: T0, open: 100, high: 102, low: 98.5, close: 98.5, volume: 16 }]);
  });

  it('opens the bar a later price falls in, leaving gaps as gaps', () => {
    const bars: Candle[] = [{ time: T0, open: 100, high: 100, low: 100, close: 100, volume: 0 }];
    expect(foldPrice(bars, '5m', 103, T0 + 11 * MIN)).toEqual({ time: T0 + 10 * MIN, open: 103, high: 103, low: 103, close: 103, volume: 0 });
    expect(bars.map((b) => b.time)).toEqual([T0, T0 + 10 * MIN]);
  });

  it("keeps the phase of the broker's bars (hourly bars opening at a quarter past)", () => {
    const bars: Candle[] = [{ time: T0 + 15 * MIN, open: 100, high: 100, low: 100, close: 100, volume: 0 }];
    foldPrice(bars, '1h', 101, T0 + 70 * MIN);
    foldPrice(bars, '1h', 102, T0 + 80 * MIN);
    expect(bars.map((b) => [b.time, b.close])).toEqual([
      [T0 + 15 * MIN, 101],
      [T0 + 75 * MIN, 102],
    ]);
  });

  it('ignores a price older than the last bar, and nonsense prices', () => {
    const bars: Candle[] = [{ time: T0, open: 100, high: 100, low: 100, close: 100, volume: 0 }];
    expect(foldPrice(bars, '1m', 50, T0 - 1)).toBeNull();
    expect(foldPrice(bars, '1m', Number.NaN, T0 + 1)).toBeNull();
    expect(foldPrice(bars, '1m', 0, T0 + 1)).toBeNull();
    expect(bars).toHaveLength(1);
  });

  it('starts bars on an empty chart', () => {
    const bars: Candle[] = [];
    foldPrice(bars, '1h', 10, T0 + 59 * MIN);
    expect(bars).toEqual([{ time: T0, open: 10, high: 10, low: 10, close: 10, volume: 0 }]);
  });

  it('formats times in the exchange time zone', () => {
    // 04:00 UTC is 09:30 in Mumbai and 23:00 the evening before in New York.
    expect(exchangeTimeFormat('Asia/Kolkata', false)(T0)).toBe('09:30');
    expect(exchangeTimeFormat('America/New_York', false)(T0)).toBe('23:00');
  });
});
