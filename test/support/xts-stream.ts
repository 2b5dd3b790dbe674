import { quietLogger, stepUntil, tickUntil } from './stream-steps';
import type { XtsMarketStream } from '../../src/main/brokers/xts/stream';
import type { XtsOrderStream } from '../../src/main/brokers/xts/order-stream';
import type { BrokerAdapter, BrokerContext, Instrument } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../src/main/streaming/types';
import { brokerContext } from '../brokers/support';
import { start, type XtsSimulatorHandle, type XtsSimulatorOptions } from '../simulators/xts';
import { ManualScheduler } from './manual-scheduler';

/** An XTS adapter's streams against the XTS simulator, on a manual clock and scheduler. */
export interface XtsStreamRig {
  sim: XtsSimulatorHandle;
  clock: ManualClock;
  scheduler: ManualScheduler;
  instruments: Instrument[];
  /** The session the rig's contexts carry; a test replaces it after a re-login. */
  session: Record<string, string>;
  ctx(session?: Record<string, string>): BrokerContext;
  /** Open the adapter's market stream directly, recording what it reports. */
  open(ctx?: BrokerContext): { stream: XtsMarketStream; ticks: Tick[]; statuses: MarketStreamStatus[]; problems: StreamProblem[] };
  /** Open the adapter's order stream directly, recording what it reports. */
  openOrders(ctx?: BrokerContext): { stream: XtsOrderStream; orders: OrderUpdate[]; statuses: MarketStreamStatus[]; problems: StreamProblem[] };
  /** A SubscriptionManager whose only source is this adapter on this simulator (with the rig's current session). */
  manager(): SubscriptionManager;
  /** Advance the simulator's timers and wait until `check` passes on what the sockets delivered. */
  tickUntil(ms: number, check: () => void): Promise<void>;
  /** Step the scheduler 500 ms at a time (at most `budgetMs`) until `check` passes. */
  stepUntil(budgetMs: number, check: () => void): Promise<void>;
  close(): Promise<void>;
}

export async function xtsStreamRig(adapter: BrokerAdapter, options: XtsSimulatorOptions = {}): Promise<XtsStreamRig> {
  // 10:30 IST on a Monday: the market is open.
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 5, 0, 0));
  const scheduler = new ManualScheduler(clock);
  const sim = await start({ clock, scheduler, streamTickMs: 1_000, ...options });
  sim.setReadRateLimit(false);
  const managers: SubscriptionManager[] = [];
  const closers: { close(): void }[] = [];
  const rig: XtsStreamRig = {
    sim,
    clock,
    scheduler,
    instruments: [],
    session: sim.session,
    ctx: (session = rig.session) =>
      brokerContext({
        baseUrl: sim.baseUrl,
        environment: 'live',
        credentials: { ...sim.credentials, ...session },
        clock,
        scheduler,
        instruments: rig.instruments,
      }),
    open(context = rig.ctx()) {
      const ticks: Tick[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.marketStream!.open(context, {
        onTick: (t) => ticks.push(t),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as XtsMarketStream;
      closers.push(stream);
      return { stream, ticks, statuses, problems };
    },
    openOrders(context = rig.ctx()) {
      const orders: OrderUpdate[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.orderStream!.open(context, {
        onOrder: (o) => orders.push(o),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as XtsOrderStream;
      closers.push(stream);
      return { stream, orders, statuses, problems };
    },
    manager() {
      const capability = adapter.marketStream!;
      const manager = new SubscriptionManager({
        source: {
          limits: () => capability.limits,
          open: (_id, handlers) => Promise.resolve(capability.open(rig.ctx(), handlers)),
          sessionStamp: () => rig.session.marketDataToken ?? null,
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
      for (const c of closers) c.close();
      await sim.close();
    },
  };
  rig.instruments = await adapter.fetchInstruments!(rig.ctx());
  return rig;
}
