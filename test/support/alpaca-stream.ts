import { vi } from 'vitest';
import { adapter } from '../../src/main/brokers/alpaca/adapter';
import type { AlpacaMarketStream } from '../../src/main/brokers/alpaca/stream';
import type { BrokerContext } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import type { Logger } from '../../src/main/log/types';
import type { StreamConsumer } from '../../src/main/streaming/connection-feed';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import type { MarketStreamStatus, Tick } from '../../src/main/streaming/types';
import { brokerContext } from '../brokers/support';
import { startAlpaca, type AlpacaSimHandle } from '../simulators/alpaca';
import { ManualScheduler } from './manual-scheduler';

/** The Alpaca adapter's market stream against its simulator, on a manual clock and scheduler. */
export interface AlpacaStreamRig {
  sim: AlpacaSimHandle;
  clock: ManualClock;
  scheduler: ManualScheduler;
  ctx(credentials?: Record<string, string>): BrokerContext;
  /** Open the adapter's stream directly, recording what it reports. */
  open(ctx?: BrokerContext): { stream: AlpacaMarketStream; ticks: Tick[]; statuses: MarketStreamStatus[] };
  /** A SubscriptionManager whose only source is the Alpaca adapter on this simulator. */
  manager(): SubscriptionManager;
  /** Advance the simulator's timers and wait until `check` passes on what the sockets delivered. */
  tickUntil(ms: number, check: () => void): Promise<void>;
  /**
   * Step the scheduler 500 ms at a time (at most `budgetMs`) until `check` passes: for outcomes that need several
   * rounds of timers and socket I/O (a backoff, a refused socket, another backoff), whatever order they land in.
   */
  stepUntil(budgetMs: number, check: () => void): Promise<void>;
  close(): Promise<void>;
}

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Real sockets deliver on the event loop; poll for the outcome (the bound only turns a hang into a failure). */
export const arrives = (check: () => void) => vi.waitFor(check, { timeout: 5_000, interval: 5 });

export async function alpacaStreamRig(): Promise<AlpacaStreamRig> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 15, 0, 0));
  const scheduler = new ManualScheduler(clock);
  const sim = await startAlpaca({ clock, scheduler, symbolLimit: 30, streamTickMs: 1_000, authTimeoutMs: 60_000 });
  const managers: SubscriptionManager[] = [];
  const streams: AlpacaMarketStream[] = [];
  const ctx = (credentials: Record<string, string> = sim.credentials) =>
    brokerContext({ baseUrl: sim.baseUrl, environment: 'paper', credentials, clock, scheduler });
  return {
    sim,
    clock,
    scheduler,
    ctx,
    open(context = ctx()) {
      const ticks: Tick[] = [];
      const statuses: MarketStreamStatus[] = [];
      const stream = adapter.marketStream!.open(context, { onTick: (t) => ticks.push(t), onStatus: (s) => statuses.push(s) }) as AlpacaMarketStream;
      streams.push(stream);
      return { stream, ticks, statuses };
    },
    manager() {
      const capability = adapter.marketStream!;
      const manager = new SubscriptionManager({
        source: { limits: () => capability.limits, open: (_id, handlers) => Promise.resolve(capability.open(ctx(), handlers)) },
        scheduler,
        random: () => 0.5,
        logger: quiet,
        backoff: { baseMs: 1_000, capMs: 16_000 },
        staleAfterMs: 10_000,
      });
      managers.push(manager);
      return manager;
    },
    async tickUntil(ms, check) {
      await scheduler.advance(ms);
      await arrives(check);
    },
    async stepUntil(budgetMs, check) {
      for (let spent = 0; spent < budgetMs; spent += 500) {
        await scheduler.advance(500);
        try {
          await vi.waitFor(check, { timeout: 200, interval: 5 });
          return;
        } catch {
          // not yet: let the next timers run
        }
      }
      check();
    },
    async close() {
      for (const m of managers) m.dispose();
      for (const s of streams) s.close();
      await sim.close();
    },
  };
}

/** A consumer that keeps every tick it gets. */
export function recordingConsumer(id: string): StreamConsumer & { ticks: Tick[] } {
  const ticks: Tick[] = [];
  return { id, ticks, onTick: (t) => ticks.push(t), onSource: () => undefined };
}
