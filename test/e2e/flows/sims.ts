import type { Clock } from '../../../src/main/clock';
import { ARRIVAL_JITTER_MS } from '../../../src/main/services/rate-limiter';
import type { SimulatorHandle } from '../../simulators/harness';
import { SIMULATORS } from '../../simulators/registry';

/** Start one broker simulator by its registry id (optionally on a test clock); the caller closes it. */
export async function startSim<T extends SimulatorHandle = SimulatorHandle>(id: string, options: { clock?: Clock } = {}): Promise<T> {
  const start = await SIMULATORS[id]!();
  return (await start(options)) as T;
}

/**
 * Let simulated or real time pass between two broker calls (a broker's one-login-per-second rule, a
 * gateway's pacing window). Real time by default; tests on a ManualClock move the clock instead.
 */
export type Pause = (ms: number) => Promise<void>;

/**
 * A pause that passes a broker's rate window of `intervalMs` as the app's own limiter keeps it (the interval plus
 * its allowance for uneven arrival). The limiter runs on the app's clock: on a manual one, a shorter pause would
 * leave the next request waiting on a timer nothing moves.
 */
export const windowGap = (intervalMs: number): number => intervalMs + ARRIVAL_JITTER_MS + 100;

/**
 * A clock that runs in real time from a chosen start and that a test can move forward at once (`skip`),
 * shared by the app and a simulator: timers keep working, yet a broker's rate window can be passed without waiting.
 */
export class SkippingClock implements Clock {
  private offset: number;
  constructor(start: number) {
    this.offset = start - Date.now();
  }
  now(): number {
    return Date.now() + this.offset;
  }
  skip(ms: number): void {
    this.offset += ms;
  }
}
