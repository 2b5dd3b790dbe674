import type { RateLimits, RateRequest } from '../../../src/main/brokers/types';
import { RateLimiter } from '../../../src/main/services/rate-limiter';
import type { Scheduler } from '../../../src/main/scheduler';
import type { ManualScheduler } from '../manual-scheduler';

/** A request held at one point until the test lets it go: `reached` resolves when something arrives there. */
export class Hold {
  private arrived!: () => void;
  private opened!: () => void;
  readonly reached = new Promise<void>((resolve) => (this.arrived = resolve));
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
  count = 0;

  constructor(readonly matches: (request: { method: string; path: string }) => boolean) {}

  /** Called at the held point: waits until release(). */
  wait(): Promise<void> {
    this.count += 1;
    this.arrived();
    return this.gate;
  }

  release(): void {
    this.opened();
  }
}

/** The app's rate limiter (on the test's scheduler), with an optional hold after a request's gate opens (the last await before it leaves). */
export class HeldRateLimiter extends RateLimiter {
  hold: Hold | null = null;

  constructor(scheduler: Scheduler) {
    super(scheduler, 0);
  }

  override gateFor(key: string, limits: RateLimits, urgent = false): (request: RateRequest) => Promise<void> {
    const gate = super.gateFor(key, limits, urgent);
    return async (request) => {
      await gate(request);
      const hold = this.hold;
      if (hold?.matches(request)) {
        this.hold = null;
        await hold.wait();
      }
    };
  }
}

/** Broker latency on the manual scheduler: each request reaches the broker `ms` of manual time after it leaves. */
export interface Latency {
  ms: number;
  scheduler: ManualScheduler;
}
