import { quietLogger, stepUntil, tickUntil } from './stream-steps';
import { adapter } from '../../src/main/brokers/dhan/adapter';
import type { DhanOrderStream } from '../../src/main/brokers/dhan/order-stream';
import type { DhanMarketStream } from '../../src/main/brokers/dhan/stream';
import type { BrokerContext, Instrument } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../src/main/streaming/types';
import { brokerContext } from '../brokers/support';
import { start, type DhanSimOptions, type DhanSimulatorHandle } from '../simulators/dhan';
import { ManualScheduler } from './manual-scheduler';

/** The Dhan adapter's market feed and order update sockets against its simulator, on a manual clock and scheduler. */
export interface DhanStreamRig {
  sim: DhanSimulatorHandle;
  clock: ManualClock;
  scheduler: ManualScheduler;
  /** The scrip master as the adapter downloaded it from the simulator. */
  instruments: Instrument[];
  ctx(credentials?: Record<string, string>, instruments?: Instrument[]): BrokerContext;
  /** Open the adapter's market feed directly, recording what it reports. */
  open(ctx?: BrokerContext): { stream: DhanMarketStream; ticks: Tick[]; statuses: MarketStreamStatus[]; problems: StreamProblem[] };
  /** Open the adapter's order update socket directly, recording what it reports. */
  openOrders(ctx?: BrokerContext): { stream: DhanOrderStream; orders: OrderUpdate[]; statuses: MarketStreamStatus[]; problems: StreamProblem[] };
  /** A SubscriptionManager whose only source is the Dhan adapter on this simulator, with the session `credentials()` returns. */
  manager(credentials?: () => Record<string, string>): SubscriptionManager;
  /** Advance the simulator's timers and wait until `check` passes on what the sockets delivered. */
  tickUntil(ms: number, check: () => void): Promise<void>;
  /** Step the scheduler 500 ms at a time (at most `budgetMs`) until `check` passes. */
  stepUntil(budgetMs: number, check: () => void): Promise<void>;
  close(): Promise<void>;
}

/** 09:30 IST on a Monday: the market is open. */
export const RIG_START = Date.UTC(2026, 0, 5, 4, 0, 0);

export async function dhanStreamRig(options: DhanSimOptions = {}): Promise<DhanStreamRig> {
  const clock = new ManualClock(RIG_START);
  const scheduler = new ManualScheduler(clock);
  const sim = await start({ clock, scheduler, streamTickMs: 1_000, ...options });
  const managers: SubscriptionManager[] = [];
  const closers: { close(): void }[] = [];
  let instruments: Instrument[] = [];
  const ctx = (credentials: Record<string, string> = sim.credentials, list: Instrument[] = instruments) =>
    brokerContext({ baseUrl: sim.baseUrl, environment: 'live', credentials, clock, scheduler, instruments: list });
  instruments = await adapter.fetchInstruments!(ctx());
  return {
    sim,
    clock,
    scheduler,
    instruments,
    ctx,
    open(context = ctx()) {
      const ticks: Tick[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.marketStream!.open(context, {
        onTick: (t) => ticks.push(t),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as DhanMarketStream;
      closers.push(stream);
      return { stream, ticks, statuses, problems };
    },
    openOrders(context = ctx()) {
      const orders: OrderUpdate[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.orderStream!.open(context, {
        onOrder: (o) => orders.push(o),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as DhanOrderStream;
      closers.push(stream);
      return { stream, orders, statuses, problems };
    },
    manager(credentials = () => sim.credentials) {
      const capability = adapter.marketStream!;
      const manager = new SubscriptionManager({
        source: {
          limits: () => capability.limits,
          open: (_id, handlers) => Promise.resolve(capability.open(ctx(credentials()), handlers)),
          sessionStamp: () => credentials().accessToken ?? null,
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
      for (const s of closers) s.close();
      await sim.close();
    },
  };
}
