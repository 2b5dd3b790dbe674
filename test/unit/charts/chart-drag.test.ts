import { describe, expect, it } from 'vitest';
import { lineNear, roundToTick, tickOf } from '../../../src/renderer/src/trading/chart-drag';

describe('dragging an order line', () => {
  it('snaps to 0.05 on NSE and BSE, 0.01 elsewhere, without float dust', () => {
    expect(tickOf('NSE:INFY')).toBe(0.05);
    expect(tickOf('BSE:TCS')).toBe(0.05);
    expect(tickOf('US:AAPL')).toBe(0.01);
    expect(roundToTick(1502.37, 0.05)).toBe(1502.35);
    expect(roundToTick(1502.38, 0.05)).toBe(1502.4);
    expect(roundToTick(0.1 + 0.2, 0.01)).toBe(0.3);
  });

  it('refuses no price, a non-finite one and one that rounds to zero or below', () => {
    expect(roundToTick(null, 0.01)).toBeNull();
    expect(roundToTick(Number.NaN, 0.01)).toBeNull();
    expect(roundToTick(0.001, 0.01)).toBeNull();
    expect(roundToTick(-5, 0.05)).toBeNull();
  });

  it('finds the nearest drawn line within the tolerance, skipping lines off the chart', () => {
    const y = (p: number) => (p === 99 ? null : 500 - p);
    expect(lineNear([100, 110], 396, y)).toBe(0);
    expect(lineNear([100, 110], 392, y)).toBe(1);
    expect(lineNear([100, 110], 370, y)).toBe(-1);
    expect(lineNear([99], 401, y)).toBe(-1);
  });
});
