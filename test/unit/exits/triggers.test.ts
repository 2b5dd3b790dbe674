import { describe, expect, it } from 'vitest';
import { currentStop, decide, trailingStop, type ArmedLevels } from '../../../src/main/trading/exits/triggers';

const oco = (exitSide: 'BUY' | 'SELL', targetPrice: number, stopPrice: number): ArmedLevels => ({
  kind: 'oco',
  exitSide,
  targetPrice,
  stopPrice,
  trail: null,
  trailBest: null,
});

describe('stop and target of a long (exit SELL)', () => {
  const levels = oco('SELL', 110, 90);
  it('fires nothing between the levels', () => {
    for (const p of [90.01, 100, 109.99]) expect(decide(levels, p)).toEqual({ fire: null, best: null });
  });
  it('fires the stop at the stop and when the price gaps below it', () => {
    expect(decide(levels, 90).fire).toBe('stop');
    expect(decide(levels, 42).fire).toBe('stop');
  });
  it('fires the target at the target and when the price gaps above it', () => {
    expect(decide(levels, 110).fire).toBe('target');
    expect(decide(levels, 500).fire).toBe('target');
  });
  it('ignores prices that are not prices', () => {
    for (const p of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(decide(levels, p).fire).toBeNull();
  });
});

describe('stop and target of a short (exit BUY)', () => {
  const levels = oco('BUY', 90, 110);
  it('fires the stop on a rise and the target on a fall, gaps included', () => {
    expect(decide(levels, 100).fire).toBeNull();
    expect(decide(levels, 110).fire).toBe('stop');
    expect(decide(levels, 180).fire).toBe('stop');
    expect(decide(levels, 90).fire).toBe('target');
    expect(decide(levels, 1).fire).toBe('target');
  });
});

describe('trailing stop', () => {
  it('ratchets with the best price only, and fires when the price falls back by the amount', () => {
    let levels: ArmedLevels = { kind: 'trailing', exitSide: 'SELL', targetPrice: null, stopPrice: null, trail: { amount: 5 }, trailBest: 100 };
    const path = [101, 99, 104, 102, 103.5, 100];
    const out: (string | null)[] = [];
    for (const p of path) {
      const d = decide(levels, p);
      out.push(d.fire);
      if (d.best !== null) levels = { ...levels, trailBest: d.best };
    }
    // best: 101, 101, 104, 104, 104 → stop 99 until 104, then 99; 100 does not fire; nothing fired on a new best.
    expect(levels.trailBest).toBe(104);
    expect(currentStop(levels)).toBe(99);
    expect(out).toEqual([null, null, null, null, null, null]);
    expect(decide(levels, 99).fire).toBe('stop');
    expect(decide(levels, 80).fire).toBe('stop');
  });
  it('never moves the stop back when the price falls', () => {
    const levels: ArmedLevels = { kind: 'trailing', exitSide: 'SELL', targetPrice: null, stopPrice: null, trail: { percent: 10 }, trailBest: 200 };
    expect(decide(levels, 190)).toEqual({ fire: null, best: null });
    expect(currentStop(levels)).toBe(180);
    expect(decide(levels, 180).fire).toBe('stop');
  });
  it('for a short follows the lowest price and fires on a rise', () => {
    let levels: ArmedLevels = { kind: 'trailing', exitSide: 'BUY', targetPrice: null, stopPrice: null, trail: { percent: 2 }, trailBest: null };
    for (const p of [100, 95, 96.5]) {
      const d = decide(levels, p);
      expect(d.fire).toBeNull();
      if (d.best !== null) levels = { ...levels, trailBest: d.best };
    }
    expect(levels.trailBest).toBe(95);
    expect(trailingStop('BUY', 95, { percent: 2 })).toBe(96.9);
    expect(decide(levels, 96.9).fire).toBe('stop');
  });
  it('takes its first price as the best when armed without a quote', () => {
    const levels: ArmedLevels = { kind: 'trailing', exitSide: 'SELL', targetPrice: null, stopPrice: null, trail: { amount: 1 }, trailBest: null };
    expect(decide(levels, 50)).toEqual({ fire: null, best: 50 });
    expect(currentStop(levels)).toBeNull();
  });
});
