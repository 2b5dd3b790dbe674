import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ManualClock } from '../../src/main/clock';
import type { Scheduler, TimerHandle } from '../../src/main/scheduler';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * Timers on a ManualClock: nothing fires until the test calls advance(), which moves the clock to each
 * due timer in turn (earliest first, ties in the order they were set) and lets promises settle in between.
 */
export class ManualScheduler implements Scheduler {
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(readonly clock: ManualClock) {}

  now(): number {
    return this.clock.now();
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.clock.now() + Math.max(0, delayMs), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.timers.length;
  }

  /** When the earliest pending timer falls due, or null when none is pending. */
  nextDue(): number | null {
    return this.timers.reduce<number | null>((earliest, t) => (earliest === null || t.at < earliest ? t.at : earliest), null);
  }

  /** A promise resolved after `ms` of manual time (for fake broker latency). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Move time on by `ms`, firing every timer that falls due on the way at its own time. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    for (;;) {
      await this.settle();
      const next = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      if (next.at > this.clock.now()) this.clock.set(next.at);
      next.fn();
    }
    this.clock.set(target);
    await this.settle();
  }

  /** Move time to an absolute instant. */
  advanceTo(at: number): Promise<void> {
    return this.advance(Math.max(0, at - this.clock.now()));
  }

  /** Let pending promise chains (SQLite, vault, rate limiter) run to their next timer. */
  async settle(turns = 20): Promise<void> {
    for (let i = 0; i < turns; i++) await nextTurn();
  }
}
