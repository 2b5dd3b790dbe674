import { quietLogger, stepUntil, tickUntil } from './stream-steps';
import { adapter } from '../../src/main/brokers/tastytrade/adapter';
import type { BrokerContext } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import type { MarketStream, MarketStreamStatus, OrderStream, OrderUpdate, StreamProblem, Tick } from '../../src/main/streaming/types';
import { brokerContext } from '../brokers/support';
import { startTastytrade, type TastytradeSimulatorHandle } from '../simulators/tastytrade';
import { ManualScheduler } from './manual-scheduler';

/** What one opened stream reported. */
export interface Recorded {
  ticks: Tick[];
  orders: OrderUpdate[];
  statuses: MarketStreamStatus[];
  problems: StreamProblem[];
}

/** The tastytrade adapter's two streams (DXLink and the account streamer) against its simulator, on a manual clock and scheduler. */
export interface TastytradeStreamRig {
  sim: TastytradeSimulatorHandle;
  clock: ManualClock;
  scheduler: ManualScheduler;
  ctx(credentials?: Record<string, string>): BrokerContext;
  /** Open the adapter's market stream directly, recording what it reports. */
  open(ctx?: BrokerContext): Recorded & { stream: MarketStream };
  /** Open the adapter's order stream directly, recording what it reports. */
  openOrders(ctx?: BrokerContext): Recorded & { stream: OrderStream };
  /**
   * A SubscriptionManager whose only source is the tastytrade adapter on this simulator; each socket opens with `credentials()`
   * as it is then (a re-login changes them), by default the simulator's.
   */
  manager(credentials?: () => Record<string, string>): SubscriptionManager;
  /** Advance the simulator's timers and wait until `check` passes on what the sockets delivered. */
  tickUntil(ms: number, check: () => void): Promise<void>;
  /** Step the scheduler 500 ms at a time (at most `budgetMs`) until `check` passes. */
  stepUntil(budgetMs: number, check: () => void): Promise<void>;
  close(): Promise<void>;
}

const recorder = (): Recorded => ({ ticks: [], orders: [], statuses: [], problems: [] });

export async function tastytradeStreamRig(): Promise<TastytradeStreamRig> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 15, 0, 0));
  const scheduler = new ManualScheduler(clock);
  const sim = await startTastytrade({ clock, scheduler, subscriptionLimit: 1_000, streamTickMs: 1_000 });
  const managers: SubscriptionManager[] = [];
  const streams: { close(): void }[] = [];
  // Signed in: the session's access token merged into the credentials, as the app does after login.
  const ctx = (credentials: Record<string, string> = { ...sim.credentials, ...sim.session }) =>
    brokerContext({ baseUrl: sim.baseUrl, environment: 'sandbox', credentials, clock, scheduler });
  return {
    sim,
    clock,
    scheduler,
    ctx,
    open(context = ctx()) {
      const r = recorder();
      const stream = adapter.marketStream!.open(context, {
        onTick: (t) => r.ticks.push(t),
        onStatus: (s) => r.statuses.push(s),
        onProblem: (p) => r.problems.push(p),
      });
      streams.push(stream);
      return { ...r, stream };
    },
    openOrders(context = ctx()) {
      const r = recorder();
      const stream = adapter.orderStream!.open(context, {
        onOrder: (o) => r.orders.push(o),
        onStatus: (s) => r.statuses.push(s),
        onProblem: (p) => r.problems.push(p),
      });
      streams.push(stream);
      return { ...r, stream };
    },
    manager(credentials) {
      const capability = adapter.marketStream!;
      const manager = new SubscriptionManager({
        source: {
          limits: () => capability.limits,
          open: (_id, handlers) => Promise.resolve(capability.open(ctx(credentials?.()), handlers)),
        },
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
