import { quietLogger, stepUntil, tickUntil } from './stream-steps';
import { adapter } from '../../src/main/brokers/fyers/adapter';
import type { FyersOrderStream } from '../../src/main/brokers/fyers/order-stream';
import type { FyersMarketStream } from '../../src/main/brokers/fyers/stream';
import type { BrokerContext } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../src/main/streaming/types';
import { brokerContext } from '../brokers/support';
import { start, type FyersSimOptions, type FyersSimHandle } from '../simulators/fyers';
import { ManualScheduler } from './manual-scheduler';

/** 09:30 IST on a Monday: the market is open. */
export const FYERS_STREAM_START = Date.UTC(2026, 0, 5, 4, 0, 0);

/** The FYERS adapter's streams against its simulator, on a manual clock and scheduler. */
export interface FyersStreamRig {
  sim: FyersSimHandle;
  clock: ManualClock;
  scheduler: ManualScheduler;
  /** The connection's context; `session` replaces the access token (default: the simulator's pre-issued one). */
  ctx(session?: Record<string, string>): BrokerContext;
  open(ctx?: BrokerContext): { stream: FyersMarketStream; ticks: Tick[]; statuses: MarketStreamStatus[]; problems: StreamProblem[] };
  openOrders(ctx?: BrokerContext): { stream: FyersOrderStream; updates: OrderUpdate[]; statuses: MarketStreamStatus[] };
  /** A SubscriptionManager whose only source is the FYERS adapter; it reads the session through `session()` at each open. */
  manager(session?: () => Record<string, string>): SubscriptionManager;
  tickUntil(ms: number, check: () => void): Promise<void>;
  /** Step the scheduler 500 ms at a time (at most `budgetMs`) until `check` passes. */
  stepUntil(budgetMs: number, check: () => void): Promise<void>;
  close(): Promise<void>;
}

export async function fyersStreamRig(options: FyersSimOptions = {}): Promise<FyersStreamRig> {
  const clock = new ManualClock(FYERS_STREAM_START);
  const scheduler = new ManualScheduler(clock);
  const sim = await start({ clock, scheduler, streamTickMs: 1_000, ...options });
  const closers: { close(): void }[] = [];
  const managers: SubscriptionManager[] = [];
  const ctx = (session: Record<string, string> = sim.session) =>
    brokerContext({ baseUrl: sim.baseUrl, environment: 'live', credentials: { ...sim.credentials, ...session }, clock, scheduler });
  return {
    sim,
    clock,
    scheduler,
    ctx,
    open(context = ctx()) {
      const ticks: Tick[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.marketStream!.open(context, {
        onTick: (t) => ticks.push(t),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as FyersMarketStream;
      closers.push(stream);
      return { stream, ticks, statuses, problems };
    },
    openOrders(context = ctx()) {
      const updates: OrderUpdate[] = [];
      const statuses: MarketStreamStatus[] = [];
      const stream = adapter.orderStream!.open(context, { onOrder: (u) => updates.push(u), onStatus: (s) => statuses.push(s) }) as FyersOrderStream;
      closers.push(stream);
      return { stream, updates, statuses };
    },
    manager(session = () => sim.session) {
      const capability = adapter.marketStream!;
      const manager = new SubscriptionManager({
        source: { limits: () => capability.limits, open: (_id, handlers) => Promise.resolve(capability.open(ctx(session()), handlers)) },
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
