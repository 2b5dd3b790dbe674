import { describe, expect, it } from 'vitest';
import { freezeQuantityOf, freezeSlices, MAX_SLICES } from '../../src/main/trading/freeze-limits';

describe('freeze quantity of an NSE index derivative', () => {
  it.each([
    ['NFO:NIFTY26JANFUT', 1800],
    ['NFO:NIFTY26JAN24000CE', 1800],
    ['NFO:BANKNIFTY26JAN52000PE', 600],
    ['NFO:FINNIFTY26JANFUT', 1800],
    ['NFO:MIDCPNIFTY26JANFUT', 2800],
    ['NFO:NIFTYNXT5026JANFUT', 600],
  ])('%s → %d', (symbol, freeze) => expect(freezeQuantityOf(symbol)).toBe(freeze));

  it.each(['NSE:NIFTY', 'NSE:NIFTYBEES', 'NFO:NIFTYIT26JANFUT', 'NFO:RELIANCE26JANFUT', 'US:AAPL', 'NFO:', 'BFO:SENSEX26JANFUT'])(
    '%s has none in the table (sent whole)',
    (symbol) => expect(freezeQuantityOf(symbol)).toBeNull(),
  );
});

describe('freeze slices', () => {
  it('an order at or under the freeze quantity is not split', () => {
    expect(freezeSlices(1800, 1800, 75, 'NFO:NIFTY26JANFUT')).toBeNull();
    expect(freezeSlices(75, 1800, 75, 'NFO:NIFTY26JANFUT')).toBeNull();
  });

  it('slices are whole lots at most the freeze quantity, full ones first, summing to the order', () => {
    // Lot 65: 1800 / 65 = 27.7, so a slice holds 27 lots = 1755.
    const slices = freezeSlices(65 * 60, 1800, 65, 'NFO:NIFTY26JANFUT')!;
    expect(slices).toEqual([1755, 1755, 390]);
    for (const s of slices) {
      expect(s).toBeLessThanOrEqual(1800);
      expect(s % 65).toBe(0);
    }
    expect(slices.reduce((a, b) => a + b, 0)).toBe(3900);
    expect(freezeSlices(1200, 600, 30, 'NFO:BANKNIFTY26JANFUT')).toEqual([600, 600]);
  });

  it('is the same every time for the same order (retries map onto the same slices)', () => {
    expect(freezeSlices(5000, 1800, 25, 'NFO:X')).toEqual(freezeSlices(5000, 1800, 25, 'NFO:X'));
  });

  it('refuses, in words, a quantity that is not whole lots, an unknown lot size, or too many slices', () => {
    expect(() => freezeSlices(1900, 1800, 75, 'NFO:NIFTY26JANFUT')).toThrow(/not a whole number of lots \(lot size 75\)/);
    expect(() => freezeSlices(3600, 1800, null, 'NFO:NIFTY26JANFUT')).toThrow(/does not know its lot size/);
    expect(() => freezeSlices(600 * (MAX_SLICES + 1), 600, 30, 'NFO:BANKNIFTY26JANFUT')).toThrow(/at most 40/);
  });
});
