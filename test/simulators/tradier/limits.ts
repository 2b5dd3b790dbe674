import type { Clock } from '../../../src/main/clock';
import { WindowLimiter } from '../harness';

export type Bucket = 'standard' | 'market' | 'trading';

/** Tradier's per-token minute window: it opens at the first request, not at time 0. */
export function quotaWindow(allowed: number, clock: Clock): WindowLimiter {
  return new WindowLimiter(allowed, 60_000, clock, -Infinity);
}

/** Count one request; returns the quota headers to send and whether it is over quota. */
export function hitQuota(window: WindowLimiter): { over: boolean; headers: Record<string, string> } {
  const over = window.hit();
  return {
    over,
    headers: {
      'X-Ratelimit-Allowed': String(window.limit),
      'X-Ratelimit-Used': String(Math.min(window.used, window.limit)),
      'X-Ratelimit-Available': String(Math.max(0, window.limit - window.used)),
      'X-Ratelimit-Expiry': String(window.windowEnd),
    },
  };
}

/** Which bucket a request counts against. */
export function bucketOf(method: string, path: string): Bucket {
  if (path.startsWith('/v1/markets/')) return 'market';
  if (/^\/v1\/accounts\/[^/]+\/orders/.test(path) && method !== 'GET') return 'trading';
  return 'standard';
}
