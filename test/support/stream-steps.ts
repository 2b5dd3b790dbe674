import { vi } from 'vitest';
import type { Logger } from '../../src/main/log/types';
import type { StreamConsumer } from '../../src/main/streaming/connection-feed';
import type { Tick } from '../../src/main/streaming/types';
import type { ManualScheduler } from './manual-scheduler';

/** Shared by every broker's stream rig: real sockets on a manual scheduler. */

export const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Real sockets deliver on the event loop; poll for the outcome (the bound only turns a hang into a failure). */
export const arrives = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 5 });

/** Advance the simulator's timers by `ms`, then wait until `check` passes on what the sockets delivered. */
export async function tickUntil(scheduler: ManualScheduler, ms: number, check: () => void): Promise<void> {
  await scheduler.advance(ms);
  await arrives(check);
}

/**
 * Step the scheduler `stepMs` at a time (at most `budgetMs`) until `check` passes: for outcomes that need several
 * rounds of timers and socket I/O (a backoff, a refused socket, another backoff), whatever order they land in.
 */
export async function stepUntil(scheduler: ManualScheduler, budgetMs: number, check: () => void, stepMs = 500): Promise<void> {
  for (let spent = 0; spent < budgetMs; spent += stepMs) {
    await scheduler.advance(stepMs);
    try {
      await vi.waitFor(check, { timeout: 200, interval: 5 });
      return;
    } catch {
      // not yet: let the next timers run
    }
  }
  // The budget is spent: what is left is socket I/O already under way, which a loaded machine may deliver late.
  await arrives(check);
}

/** A consumer that keeps every tick it gets. */
export function recordingConsumer(id: string): StreamConsumer & { ticks: Tick[] } {
  const ticks: Tick[] = [];
  return { id, ticks, onTick: (t) => ticks.push(t), onSource: () => undefined };
}
