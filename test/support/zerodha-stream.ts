import { quietLogger, stepUntil, tickUntil } from './stream-steps';
import { adapter } from '../../src/main/brokers/zerodha/adapter';
import { parseKiteInstruments } from '../../src/main/brokers/zerodha/instruments';
import type { KiteOrderStream } from '../../src/main/brokers/zerodha/order-stream';
import type { KiteMarketStream } from '../../src/main/brokers/zerodha/stream';
import type { BrokerContext, Instrument } from '../../src/main/brokers/types';
import { ManualClock } from '../../src/main/clock';
import { SubscriptionManager } from '../../src/main/streaming/subscription-manager';
import type { MarketStreamStatus, OrderUpdate, StreamProblem, Tick } from '../../src/main/streaming/types';
import { brokerContext } from '../brokers/support';
import { start, type ZerodhaSimHandle } from '../simulators/zerodha';
import { INSTRUMENTS_CSV } from '../simulators/zerodha/instruments';
import { ManualScheduler } from './manual-scheduler';

/** 09:30 IST on a Monday: the market is open. */
export const KITE_MARKET_OPEN = Date.UTC(2026, 0, 5, 4, 0, 0);

/** The Zerodha adapter's ticker sockets against its simulator, on a manual clock and scheduler. */
export interface ZerodhaStreamRig {
  sim: ZerodhaSimHandle;
  clock: ManualClock;
  scheduler: ManualScheduler;
  /** The session the rig's contexts use; tests replace fields to roll the token over. */
  credentials: Record<string, string>;
  /** A context on the simulator whose instrument master holds the simulator's dump (or `instruments`). */
  ctx(credentials?: Record<string, string>, instruments?: Instrument[]): BrokerContext;
  open(ctx?: BrokerContext): { stream: KiteMarketStream; ticks: Tick[]; statuses: MarketStreamStatus[]; problems: StreamProblem[] };
  openOrders(ctx?: BrokerContext): { stream: KiteOrderStream; updates: OrderUpdate[]; statuses: MarketStreamStatus[]; problems: StreamProblem[] };
  /** A SubscriptionManager whose only source is this adapter on this simulator, with the rig's current session. */
  manager(): SubscriptionManager;
  /** Advance the simulator's timers and wait until `check` passes on what the sockets delivered. */
  tickUntil(ms: number, check: () => void): Promise<void>;
  /** Step the scheduler 500 ms at a time (at most `budgetMs`) until `check` passes. */
  stepUntil(budgetMs: number, check: () => void): Promise<void>;
  close(): Promise<void>;
}

/** The simulator's instrument dump as the adapter parses it (tokens match the ticker's). */
export const SIM_INSTRUMENTS = parseKiteInstruments(INSTRUMENTS_CSV);

export async function zerodhaStreamRig(options: { instrumentLimit?: number } = {}): Promise<ZerodhaStreamRig> {
  const clock = new ManualClock(KITE_MARKET_OPEN);
  const scheduler = new ManualScheduler(clock);
  const sim = await start({ clock, scheduler, tickerBeatMs: 1_000, tickerInstrumentLimit: options.instrumentLimit });
  const credentials = { ...sim.credentials, ...sim.session };
  const closers: { close(): void }[] = [];
  const managers: SubscriptionManager[] = [];
  const ctx = (creds: Record<string, string> = credentials, instruments: Instrument[] = SIM_INSTRUMENTS) =>
    brokerContext({ baseUrl: sim.baseUrl, environment: 'live', credentials: { ...creds }, clock, scheduler, instruments });
  return {
    sim,
    clock,
    scheduler,
    credentials,
    ctx,
    open(context = ctx()) {
      const ticks: Tick[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.marketStream!.open(context, {
        onTick: (t) => ticks.push(t),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as KiteMarketStream;
      closers.push(stream);
      return { stream, ticks, statuses, problems };
    },
    openOrders(context = ctx()) {
      const updates: OrderUpdate[] = [];
      const statuses: MarketStreamStatus[] = [];
      const problems: StreamProblem[] = [];
      const stream = adapter.orderStream!.open(context, {
        onOrder: (u) => updates.push(u),
        onStatus: (s) => statuses.push(s),
        onProblem: (p) => problems.push(p),
      }) as KiteOrderStream;
      closers.push(stream);
      return { stream, updates, statuses, problems };
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
      for (const c of closers) c.close();
      await sim.close();
    },
  };
}
