import { quietLogger, stepUntil, tickUntil } from './stream-steps';
import { adapter } from '../../src/main/brokers/angel-one/adapter';
import type { AngelOrderStream } from '../../src/main/brokers/angel-one/order-stream';
import type { AngelMarketStream } from '../../src/main/brokers/angel-one/stream';
import type { BrokerContext, Instrument } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../src/main/streaming/types';
import { brokerContext } from '../brokers/support';
import { start, type AngelSimulatorHandle, type AngelSimulatorOptions } from '../simulators/angel-one';
import { ManualScheduler } from './manual-scheduler';

/** 09:30 IST on Monday 5 January 2026: the market is open. */
export const ANGEL_STREAM_START = Date.UTC(2026, 0, 5, 4, 0, 0);

/** What one opened stream reported. */
export interface Recorded<S> {
  stream: S;
  statuses: MarketStreamStatus[];
  problems: StreamProblem[];
}

/** The Angel One adapter's streams against its simulator, on a manual clock and scheduler. */
export interface AngelStreamRig {
  sim: AngelSimulatorHandle;
  clock: ManualClock;
  scheduler: ManualScheduler;
  instruments: Instrument[];
  /** A context with the simulator's login fields and pre-issued session, or these credentials instead. */
  ctx(credentials?: Record<string, string>): BrokerContext;
  /** Open the adapter's market stream directly, recording what it reports. */
  open(ctx?: BrokerContext): Recorded<AngelMarketStream> & { ticks: Tick[] };
  /** Open the adapter's order-status stream directly, recording what it reports. */
  openOrders(ctx?: BrokerContext): Recorded<AngelOrderStream> & { orders: OrderUpdate[] };
  /** A SubscriptionManager whose only source is the Angel One adapter on this simulator, with `ctx()` read per open. */
  manager(ctx?: () => BrokerContext): SubscriptionManager;
  /** Advance the simulator's timers and wait until `check` passes on what the sockets delivered. */
  tickUntil(ms: number, check: () => void): Promise<void>;
  /** Step the scheduler 500 ms at a time (at most `budgetMs`) until `check` passes. */
  stepUntil(budgetMs: number, check: () => void): Promise<void>;
  close(): Promise<void>;
}

export async function angelStreamRig(options: Omit<AngelSimulatorOptions, 'clock' | 'scheduler'> = {}): Promise<AngelStreamRig> {
  const clock = new ManualClock(ANGEL_STREAM_START);
  const scheduler = new ManualScheduler(clock);
  const sim = await start({ clock, scheduler, streamTickMs: 1_000, ...options });
  const closers: { close(): void }[] = [];
  const managers: SubscriptionManager[] = [];
  let instruments: Instrument[] = [];
  const ctx = (credentials: Record<string, string> = { ...sim.credentials, ...sim.session }) =>
    brokerContext({ baseUrl: sim.baseUrl, environment: 'live', credentials, clock, scheduler, instruments });
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
      }) as AngelMarketStream;
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
      }) as AngelOrderStream;
      closers.push(stream);
      return { stream, orders, statuses, problems };
    },
    manager(current = () => ctx()) {
      const capability = adapter.marketStream!;
      const manager = new SubscriptionManager({
        source: {
          limits: () => capability.limits,
          open: (_id, handlers) => Promise.resolve(capability.open(current(), handlers)),
          sessionStamp: () => current().credentials.jwtToken ?? null,
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
