import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/main/services/rate-limiter';

/** Start times of calls made through the limiter, to check no window holds more than the limit. */
async function starts(limiter: RateLimiter, key: string, limits: { limit: number; intervalMs: number }[], calls: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: calls }, () =>
      limiter.run(key, limits, async () => {
        times.push(performance.now());
      }),
    ),
  );
  return times.sort((a, b) => a - b);
}

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j]! - times[i]! < windowMs - 1) j++;
    max = Math.max(max, j - i);
  }
  return max;
}

describe('client-side rate limits', () => {
  it('never starts more than the limit within one interval', async () => {
    const times = await starts(new RateLimiter(), 'c1:orders', [{ limit: 3, intervalMs: 100 }], 9);
    expect(times).toHaveLength(9);
    expect(maxInWindow(times, 100)).toBeLessThanOrEqual(3);
  });

  it('applies every limit together (per second and per longer window)', async () => {
    const times = await starts(new RateLimiter(), 'c1:reads', [{ limit: 4, intervalMs: 50 }, { limit: 6, intervalMs: 300 }], 8);
    expect(maxInWindow(times, 50)).toBeLessThanOrEqual(4);
    expect(maxInWindow(times, 300)).toBeLessThanOrEqual(6);
  });

  it('keeps separate budgets per connection and kind', async () => {
    const limiter = new RateLimiter();
    const oncePerMinute = [{ limit: 1, intervalMs: 60_000 }];
    await limiter.run('c1:orders', oncePerMinute, async () => undefined);
    // Were budgets shared, each of these would wait a minute and the test would time out.
    await limiter.run('c2:orders', oncePerMinute, async () => undefined);
    await limiter.run('c1:reads', oncePerMinute, async () => undefined);
  }, 5_000);

  it('passes results and errors through', async () => {
    const limiter = new RateLimiter();
    await expect(limiter.run('k', [{ limit: 1, intervalMs: 10 }], async () => 42)).resolves.toBe(42);
    await expect(limiter.run('k', [{ limit: 1, intervalMs: 10 }], async () => Promise.reject(new Error('broker said no')))).rejects.toThrow('broker said no');
  });
});
