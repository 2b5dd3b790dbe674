import { systemClock, type Clock } from './clock';

/** Opaque handle of one pending timer. */
export type TimerHandle = unknown;

/**
 * Time and timers for background work (health checks, order refresh, schedules), injected so tests can drive every interval, debounce and
 * expiry with a ManualClock instead of waiting in real time.
 */
export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

// Node fires a timer at once when its delay exceeds a signed 32-bit integer (~24.8 days).
const MAX_NODE_DELAY_MS = 2 ** 31 - 1;

/** Real timers. Long delays (a refresh token valid for 90 days) are reached in hops Node accepts. */
export function systemScheduler(clock: Clock = systemClock): Scheduler {
  interface Entry {
    timer: ReturnType<typeof setTimeout> | null;
  }
  const arm = (entry: Entry, callback: () => void, dueAt: number): void => {
    const wait = Math.max(0, dueAt - clock.now());
    const hop = Math.min(wait, MAX_NODE_DELAY_MS);
    entry.timer = setTimeout(() => (hop < wait ? arm(entry, callback, dueAt) : callback()), hop);
    // Health timers alone must not keep a process (tests, the bridge CLI) alive.
    entry.timer.unref?.();
  };
  return {
    now: () => clock.now(),
    setTimeout(callback, delayMs) {
      const entry: Entry = { timer: null };
      arm(entry, callback, clock.now() + Math.max(0, delayMs));
      return entry;
    },
    clearTimeout(handle) {
      const entry = handle as Entry | null;
      if (entry?.timer) clearTimeout(entry.timer);
    },
  };
}
