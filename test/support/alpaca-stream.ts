import { quietLogger, stepUntil, tickUntil } from './stream-steps';
import { adapter } from '../../src/main/brokers/alpaca/adapter';
import type { AlpacaMarketStream } from '../../src/main/brokers/alpaca/stream';
import type { BrokerContext } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
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
        logger: quietLogger,
        backoff: { baseMs: 1_000, capMs: 16_000 },
        staleAfterMs: 10_000,
      });
      managers.push(manager);
      return manager;
    },
    tickUntil: (ms, check) => tickUntil(scheduler, ms, check),
    stepUntil: (budgetMs, check) => stepUntil(scheduler, budgetMs, check),
    async close() {
      for (const m of managers) m.dispose();
      for (const s of streams) s.close();
      await sim.close();
    },
  };
}
