import pThrottle from 'p-throttle';
import type { RateLimit } from '../brokers/types';

type Gate = ReturnType<typeof pThrottle>;

/**
 * Client-side rate limits per connection and kind of call (orders, reads), from each broker's documented
 * limits. Several limits (e.g. 10/s and 250/min) are all applied: a call waits until every gate lets it through.
 */
export class RateLimiter {
  private readonly gates = new Map<string, Gate[]>();

  run<T>(key: string, limits: readonly RateLimit[], fn: () => Promise<T>): Promise<T> {
    let gates = this.gates.get(key);
    if (!gates) {
      gates = limits.map((l) => pThrottle({ limit: l.limit, interval: l.intervalMs, strict: true }));
      this.gates.set(key, gates);
    }
    const throttled = gates.reduce<() => Promise<T>>((call, gate) => gate(call) as () => Promise<T>, fn);
    return throttled();
  }

  forget(prefix: string): void {
    for (const key of this.gates.keys()) if (key.startsWith(prefix)) this.gates.delete(key);
  }
}
