import { BrokerError } from '../brokers/types';
import type { Scheduler } from '../scheduler';

/** Answers that say "not now" rather than "no": a rate limit, or no answer at all. */
export function isTransient(error: unknown): boolean {
  return error instanceof BrokerError && (error.code === 'RATE_LIMITED' || error.code === 'NETWORK' || error.code === 'TIMEOUT');
}

export interface RetryOptions {
  scheduler: Scheduler;
  /** Give up (rethrow the last error) when the next try would start after this instant. */
  deadline: number;
  /** Told before each wait, with the error that caused it. */
  onRetry?: (error: unknown) => void;
}

/** First wait after a transient failure: brokers' per-second windows ("wait a second and try again"). */
const FIRST_WAIT_MS = 1_000;
const MAX_WAIT_MS = 8_000;

/**
 * Try `attempt` until it succeeds, fails for good, or the deadline passes: waits on the scheduler, doubling
 * from one second, so the retries stay inside the broker's rate budget (the request gate paces them too).
 */
export async function retryTransient<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, MAX_WAIT_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error) || options.scheduler.now() + wait > options.deadline) throw error;
      options.onRetry?.(error);
      await new Promise<void>((resolve) => options.scheduler.setTimeout(resolve, wait));
    }
  }
}
