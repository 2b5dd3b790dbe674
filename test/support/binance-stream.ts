import { quietLogger, stepUntil, tickUntil } from './stream-steps';
import { adapter } from '../../src/main/brokers/binance/adapter';
import type { BinanceOrderStream } from '../../src/main/brokers/binance/order-stream';
import type { BinanceMarketStream } from '../../src/main/brokers/binance/stream';
import type { BrokerContext } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../src/main/streaming/types';
import { brokerContext } from '../brokers/support';
import { startBinance, type BinanceSimHandle, type BinanceSimOptions } from '../simulators/binance';
import { ManualScheduler } from './manual-scheduler';

/** The Binance adapter's market and order streams against its simulator, on a manual clock and scheduler. */
export interface BinanceStreamRig {
  sim: BinanceSimHandle;
  clock: ManualClock;
  scheduler: ManualScheduler;
  ctx(credentials?: Record<string, string>): BrokerContext;
  /** Open the adapter's market stream directly, recording what it reports. */
  open(ctx?: BrokerContext): { stream: BinanceMarketStream; ticks: Tick[]; statuses: MarketStreamStatus[]; problems: StreamProblem[] };
  /** Open the adapter's order stream directly, recording what it reports. */
  openOrders(ctx?: BrokerContext): { stream: BinanceOrderStream; orders: OrderUpdate[]; statuses: MarketStreamStatus[] };
  /** A SubscriptionManager whose only source is the Binance adapter on this simulator. */
  manager(): SubscriptionManager;
  /** Advance the simulator's timers and wait until `check` passes on what the sockets delivered. */
  tickUntil(ms: number, check: () => void): Promise<void>;
  /** Step the scheduler 250 ms at a time (at most `budgetMs`) until `check` passes. */
  stepUntil(budgetMs: number, check: () => void): Promise<void>;
  close(): Promise<void>;
}

export async function binanceStreamRig(options: BinanceSimOptions = {}): Promise<BinanceStreamRig> {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 12, 0, 0));
  const scheduler = new ManualScheduler(clock);
  const sim = await startBinance({ clock, scheduler, streamTickMs: 1_000, ...options });
  const managers: SubscriptionManager[] = [];
  const closers: { close(): void }[] = [];
  const ctx = (credentials: Record<string, string> = sim.credentials) =>
    brokerContext({ baseUrl: sim.baseUrl, environment: 'live', credentials, clock, scheduler });
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
      }) as BinanceMarketStream;
      closers.push(stream);
      return { stream, ticks, statuses, problems };
    },
    openOrders(context = ctx()) {
      const orders: OrderUpdate[] = [];
      const statuses: MarketStreamStatus[] = [];
      const stream = adapter.orderStream!.open(context, { onOrder: (o) => orders.push(o), onStatus: (s) => statuses.push(s) }) as BinanceOrderStream;
      closers.push(stream);
      return { stream, orders, statuses };
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
    stepUntil: (budgetMs, check) => stepUntil(scheduler, budgetMs, check, 250),
    async close() {
      for (const m of managers) m.dispose();
      for (const s of closers) s.close();
      await sim.close();
    },
  };
}
