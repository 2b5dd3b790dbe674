import { quietLogger, stepUntil, tickUntil } from './stream-steps';
import { adapter } from '../../src/main/brokers/ibkr/adapter';
import type { IbkrOrderStream } from '../../src/main/brokers/ibkr/order-stream';
import type { IbkrMarketStream } from '../../src/main/brokers/ibkr/stream';
import type { BrokerContext } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../src/main/streaming/types';
import { brokerContext } from '../brokers/support';
import { startIbkrGateway, type IbkrSimHandle, type IbkrSimOptions } from '../simulators/ibkr';
import { ManualScheduler } from './manual-scheduler';

/** Monday 5 January 2026, 10:00 in New York: regular trading hours. */
export const MONDAY_10_NY = Date.UTC(2026, 0, 5, 15, 0, 0);

/** The IBKR adapter's websocket streams against the gateway simulator, on a manual clock and scheduler. */
export interface IbkrStreamRig {
  sim: IbkrSimHandle;
  clock: ManualClock;
  scheduler: ManualScheduler;
  /** One connection's context (shared memo, like the app's), or a fresh one with other fields. */
  ctx: BrokerContext;
  freshCtx(over?: Partial<BrokerContext>): BrokerContext;
  open(ctx?: BrokerContext): { stream: IbkrMarketStream; ticks: Tick[]; statuses: MarketStreamStatus[]; problems: StreamProblem[] };
  openOrders(ctx?: BrokerContext): { stream: IbkrOrderStream; orders: OrderUpdate[]; statuses: MarketStreamStatus[] };
  /** A SubscriptionManager whose only source is the IBKR adapter on this simulator. */
  manager(): SubscriptionManager;
  /** Advance the scheduler and wait until `check` passes on what the sockets delivered. */
  tickUntil(ms: number, check: () => void): Promise<void>;
  /** Step the scheduler `stepMs` at a time (at most `budgetMs`) until `check` passes. */
  stepUntil(budgetMs: number, check: () => void, stepMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function ibkrStreamRig(options: IbkrSimOptions = {}, at = MONDAY_10_NY): Promise<IbkrStreamRig> {
  const clock = new ManualClock(at);
  const scheduler = new ManualScheduler(clock);
  const sim = await startIbkrGateway({ clock, scheduler, globalPerSecond: 1_000, streamTickMs: 1_000, ...options });
  const managers: SubscriptionManager[] = [];
  const closers: { close(): void }[] = [];
  const freshCtx = (over: Partial<BrokerContext> = {}): BrokerContext => ({
    ...brokerContext({ baseUrl: sim.baseUrl, environment: 'paper', credentials: { ...sim.credentials, ...sim.session }, clock, scheduler }),
    ...over,
  });
  const ctx = freshCtx();
  return {
    sim,
    clock,
    scheduler,
    ctx,
    freshCtx,
    open(context = ctx) {
      const ticks: Tick[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.marketStream!.open(context, {
        onTick: (t) => ticks.push(t),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as IbkrMarketStream;
      closers.push(stream);
      return { stream, ticks, statuses, problems };
    },
    openOrders(context = ctx) {
      const orders: OrderUpdate[] = [];
      const statuses: MarketStreamStatus[] = [];
      const stream = adapter.orderStream!.open(context, { onOrder: (o) => orders.push(o), onStatus: (s) => statuses.push(s) }) as IbkrOrderStream;
      closers.push(stream);
      return { stream, orders, statuses };
    },
    manager() {
      const capability = adapter.marketStream!;
      const manager = new SubscriptionManager({
        source: { limits: () => capability.limits, open: (_id, handlers) => Promise.resolve(capability.open(ctx, handlers)) },
        scheduler,
        random: () => 0.5,
        logger: quietLogger,
        backoff: { baseMs: 1_000, capMs: 16_000 },
        staleAfterMs: 30_000,
      });
      managers.push(manager);
      return manager;
    },
    tickUntil: (ms, check) => tickUntil(scheduler, ms, check),
    stepUntil: (budgetMs, check, stepMs) => stepUntil(scheduler, budgetMs, check, stepMs),
    async close() {
      for (const m of managers) m.dispose();
      for (const s of closers) s.close();
      await sim.close();
    },
  };
}
