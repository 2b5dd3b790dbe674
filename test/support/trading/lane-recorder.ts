import type { RateLimits, RateRequest } from '../../../src/main/brokers/types';
import { RateLimiter } from '../../../src/main/services/rate-limiter';
import type { Scheduler } from '../../../src/main/scheduler';

export interface GatedRequest {
  method: string;
  path: string;
  /** Whether it came through the urgent lane (an order, or what an order waits for). */
  urgent: boolean;
}

/**
 * The app's rate limiter, recording each request's lane as it reaches the gate (`entered`) and when it is let through
 * (`released`, on the scheduler's clock). `squeeze(limits)` swaps every adapter's limits for one budget of the test's,
 * so the manual clock decides who leaves when.
 */
export class LaneRecorder extends RateLimiter {
  readonly entered: GatedRequest[] = [];
  readonly released: (GatedRequest & { at: number })[] = [];
  private squeezed: RateLimits | null = null;

  constructor(private readonly timers: Scheduler) {
    super(timers);
  }

  squeeze(limits: RateLimits): void {
    this.squeezed = limits;
  }

  override gateFor(key: string, limits: RateLimits, urgent = false): (request: RateRequest) => Promise<void> {
    const own = super.gateFor(key, limits, urgent);
    return async (request) => {
      const seen = { method: request.method, path: request.path, urgent };
      this.entered.push(seen);
      // Read at each request: the squeeze may come after the context was made.
      await (this.squeezed ? super.gateFor(`${key}:squeezed`, this.squeezed, urgent) : own)(request);
      this.released.push({ ...seen, at: this.timers.now() });
    };
  }
}
