import type { RateLimit, RateLimits, RateRequest } from '../brokers/types';
import type { Scheduler } from '../scheduler';
import { SlidingWindow } from './rate-window';

/**
 * Added to every window by default: the broker counts a request when it arrives, and arrivals spread less
 * evenly than departures (the first request of a burst may wait for a TLS handshake the next ones skip).
 */
export const ARRIVAL_JITTER_MS = 200;

/**
 * Client-side rate limits, kept per broker account (`key`) and per budget of the broker's documented limits.
 * A request waits for every limit of every budget it draws on. Windows are passed longest first, so the
 * short windows, which pace requests second by second, are the last to open before the request is sent.
 * Time is the injected scheduler's: tests pace requests on the manual clock without waiting.
 */
export class RateLimiter {
  private readonly windows = new Map<string, SlidingWindow>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly arrivalAllowanceMs = ARRIVAL_JITTER_MS,
  ) {}

  /**
   * The function a broker context calls before each request of connection `key`. An `urgent` gate (an order, or a
   * price an order waits for) lets its requests pass reads that are still waiting, within the same limits.
   */
  gateFor(key: string, limits: RateLimits, urgent = false): (request: RateRequest) => Promise<void> {
    return async (request) => {
      const waits: { window: SlidingWindow; weight: number; intervalMs: number }[] = [];
      for (const [budget, weight] of Object.entries(limits.spend(request))) {
        if (!weight) continue;
        const budgetLimits = limits.budgets[budget];
        if (!budgetLimits) throw new Error(`Rate budget "${budget}" is not declared.`);
        budgetLimits.forEach((limit, index) => waits.push({ window: this.window(`${key}:${budget}:${index}`, limit), weight, intervalMs: limit.intervalMs }));
      }
      waits.sort((a, b) => b.intervalMs - a.intervalMs);
      for (const wait of waits) await wait.window.pass(wait.weight, urgent);
    };
  }

  private window(name: string, limit: RateLimit): SlidingWindow {
    let window = this.windows.get(name);
    if (!window) this.windows.set(name, (window = new SlidingWindow(limit.limit, limit.intervalMs + this.arrivalAllowanceMs, this.scheduler)));
    return window;
  }
}
