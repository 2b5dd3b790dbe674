import { describe, expect, it } from 'vitest';
import { applyFill, curveOf, type Fill } from '../../src/main/trading/pnl-curve';
import { dayBounds, dayOf } from '../../src/main/trading/schedule-time';

/** The P&L curve's arithmetic on worked examples (average cost; shorts; carried positions; the day's bounds). */

const H = 3_600_000;
const DAY = Date.UTC(2026, 11, 7, 0, 0) - 5.5 * H; // Monday 7 Dec 2026, 00:00 IST
const fill = (at: number, symbol: string, side: Fill['side'], quantity: number, price: number): Fill => ({ at, symbol, side, quantity, price });

describe('applyFill (average cost)', () => {
  it('averages buys, realises on sells, and flips through zero at the fill price', () => {
    const h = { quantity: 0, average: 0 };
    expect(applyFill(h, { side: 'BUY', quantity: 10, price: 100 })).toBe(0);
    expect(applyFill(h, { side: 'BUY', quantity: 10, price: 110 })).toBe(0);
    expect(h).toEqual({ quantity: 20, average: 105 });
    expect(applyFill(h, { side: 'SELL', quantity: 5, price: 120 })).toBe(75); // 5 × (120 − 105)
    expect(applyFill(h, { side: 'SELL', quantity: 25, price: 100 })).toBe(-75); // 15 × (100 − 105), then 10 short at 100
    expect(h).toEqual({ quantity: -10, average: 100 });
    expect(applyFill(h, { side: 'BUY', quantity: 10, price: 90 })).toBe(100); // the short covered 10 lower
    expect(h).toEqual({ quantity: 0, average: 0 });
  });
});

describe('curveOf (one day)', () => {
  it('starts at the day with carried positions marked, adds a point per fill, and marks the last at the quotes', () => {
    const fills = [
      fill(DAY - 2 * H, 'NSE:INFY', 'BUY', 10, 1500), // carried in from the day before
      fill(DAY + 10 * H, 'NSE:INFY', 'SELL', 4, 1520), // realises 4 × 20 = 80
      fill(DAY + 11 * H, 'NSE:TCS', 'SELL', 2, 4000), // a short
      fill(DAY + 12 * H, 'NSE:INFY', 'BUY', 2, 1510), // average (6 × 1500 + 2 × 1510) / 8 = 1502.5
    ];
    const { points, open, dayFills } = curveOf(fills, DAY, DAY + 13 * H, new Map([['NSE:TCS', 3990]]));
    expect(dayFills).toBe(3);
    expect(open).toEqual(['NSE:INFY', 'NSE:TCS']);
    expect(points).toEqual([
      { time: DAY, realized: 0, unrealized: 0, total: 0 },
      { time: DAY + 10 * H, realized: 80, unrealized: 120, total: 200 }, // 6 × (1520 − 1500)
      { time: DAY + 11 * H, realized: 80, unrealized: 120, total: 200 },
      { time: DAY + 12 * H, realized: 80, unrealized: 60, total: 140 }, // 8 × (1510 − 1502.5)
      // INFY at its last fill (1510), TCS at its quote: 2 × (4000 − 3990) = 20 on the short
      { time: DAY + 13 * H, realized: 80, unrealized: 80, total: 160 },
    ]);
  });

  it('leaves out fills after the end and is flat at zero on a day without fills', () => {
    expect(curveOf([fill(DAY + 30 * H, 'US:AAPL', 'BUY', 1, 200)], DAY, DAY + 24 * H, new Map()).points).toEqual([
      { time: DAY, realized: 0, unrealized: 0, total: 0 },
      { time: DAY + 24 * H, realized: 0, unrealized: 0, total: 0 },
    ]);
  });
});

describe('day bounds in the exchange time zone', () => {
  it('runs from local midnight to local midnight, across a DST change too', () => {
    expect(dayBounds('2026-12-07', 'Asia/Kolkata')).toEqual({ start: DAY, end: DAY + 24 * H });
    expect(dayOf(DAY + 23 * H, 'Asia/Kolkata')).toBe('2026-12-07');
    // New York leaves DST on 1 Nov 2026: that day has 25 hours.
    const { start, end } = dayBounds('2026-11-01', 'America/New_York');
    expect(start).toBe(Date.UTC(2026, 10, 1, 4, 0));
    expect(end - start).toBe(25 * H);
  });
});
