import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../../../src/main/streaming/backoff';

const policy = { baseMs: 500, capMs: 30_000 };

describe('reconnect backoff', () => {
  it('doubles the ceiling per attempt up to the cap, and stays finite after very many attempts', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffCeiling(policy, n))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    expect(backoffCeiling(policy, 10_000)).toBe(30_000);
  });

  it('draws a full-jitter delay in [0, ceiling) from the injected random source', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(1_000);
    expect(backoffDelay(policy, 3, () => 0.9999)).toBe(1_999);
  });
});
