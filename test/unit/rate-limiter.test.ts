import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from '../../src/main/services/rate-limiter';

/**
 * Start times of calls made through the limiter, to check no window holds more than the limit.
 * Time is faked and advanced by hand, so the times are exact and a busy machine cannot skew them.
 */
async function starts(limiter: RateLimiter, key: string, limits: { limit: number; intervalMs: number }[], calls: number): Promise<number[]> {
  const times: number[] = [];
  const all = Promise.all(
    Array.from({ length: calls }, () =>
      limiter.run(key, limits, async () => {
        times.push(Date.now());
      }),
    ),
  );
  while (times.length < calls) await vi.advanceTimersByTimeAsync(1);
  await all;
  return times.sort((a, b) => a - b);
}

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j]! - times[i]! < windowMs) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

describe('client-side rate limits', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never starts more than the limit within one interval', async () => {
    const times = await starts(new RateLimiter(), 'c1:orders', [{ limit: 3, intervalMs: 100 }], 9);
    expect(times).toHaveLength(9);
    expect(maxInWindow(times, 100)).toBeLessThanOrEqual(3);
    // And it does not hold calls back longer than needed: nine calls at 3 per 100 ms take three windows.
    expect(times.at(-1)! - times[0]!).toBeLessThan(300);
  });

  it('applies every limit together (per second and per longer window)', async () => {
    const times = await starts(new RateLimiter(), 'c1:reads', [{ limit: 4, intervalMs: 50 }, { limit: 6, intervalMs: 300 }], 8);
    expect(maxInWindow(times, 50)).toBeLessThanOrEqual(4);
    expect(maxInWindow(times, 300)).toBeLessThanOrEqual(6);
  });

  it('keeps separate budgets per connection and kind', async () => {
    const limiter = new RateLimiter();
    const oncePerMinute = [{ limit: 1, intervalMs: 60_000 }];
    const started: string[] = [];
    const run = (key: string) => limiter.run(key, oncePerMinute, async () => void started.push(key));
    await run('c1:orders');
    // Were budgets shared, each of these would wait a minute; no time passes here, so they would not start.
    const rest = Promise.all([run('c2:orders'), run('c1:reads'), run('c1:orders')]);
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toEqual(['c1:orders', 'c2:orders', 'c1:reads']);
    await vi.advanceTimersByTimeAsync(60_000);
    await rest;
    expect(started).toEqual(['c1:orders', 'c2:orders', 'c1:reads', 'c1:orders']);
  });

  it('passes results and errors through', async () => {
    const limiter = new RateLimiter();
    await expect(limiter.run('k', [{ limit: 1, intervalMs: 10 }], async () => 42)).resolves.toBe(42);
    const failing = expect(limiter.run('k', [{ limit: 1, intervalMs: 10 }], async () => Promise.reject(new Error('broker said no')))).rejects.toThrow('broker said no');
    await vi.advanceTimersByTimeAsync(10);
    await failing;
  });
});
