import type { Notifier } from '../notifier';
import { Emitter, type Event } from '../events';
import type { Clock } from '../clock';
import type { Logger } from '../log/types';
import type { BrokerService } from '../services/brokers';
import type { ConnectionService } from '../services/connections';
import type { AppSettings } from '../store/app-settings';
import type { AuditLog } from '../store/audit-log';
import type { Db } from '../store/db';
import type { BrokerId } from '../../shared/brokers';
import type { Scheduler } from '../scheduler';
import { OrdersRepo } from '../store/orders-repo';
import { SchedulesRepo } from '../store/schedules-repo';
import { KillSwitch } from './kill-switch';
import { LimitsStore } from './limits';
import { MarketPrices } from './market-prices';
import { ModeService } from './mode';
import { OrderGate } from './order-gate';
import { OrderService } from './orders';
import { freezeQuantityOf, freezeSlices } from './freeze-limits';
import { InstrumentsRepo } from '../store/instruments-repo';
import { SimulatedFeed } from './paper';
import { PaperDesk } from './paper-desk';
import { LiveTicks } from './live-ticks';
import { startPaperStreaming, type PaperStreaming } from './paper-streaming';
import type { PriceStreams } from './price-streams';
import { ScheduleService } from './schedules';
import { liveVenue, type Venue } from './venue';
import { ChartHistory } from './chart-history';
import { PaperSquareOff } from './paper-square-off';
import { PnlCurves } from './pnl-curve';
import { ExitService } from './exits/exit-service';
import { ExitsRepo } from '../store/exits-repo';
import { originConnection } from './paper';

export interface TradingDeps {
  db: Db;
  settings: AppSettings;
  connections: ConnectionService;
  brokerCalls: BrokerService;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  notifier: Notifier;
  canDecrypt: () => boolean;
  /** Timers of the kill switch's bounded waits and retries (a manual scheduler in tests). */
  scheduler: Scheduler;
  /** The broker's health interval: how old a live connection's last check may be when an order leaves. */
  checkIntervalMs: (broker: BrokerId) => number;
  /**
   * The subscription manager (optional: without it paper prices are polled on the refresh timer). Paper prices
   * then come from a connection's live ticks while its feed is live, and resting paper orders fill on the tick.
   */
  streams?: PriceStreams;
  /** Whether paper fills book BrokerVault's charges estimate (Settings; off by default). */
  paperCharges?: () => boolean;
}

export interface Trading {
  mode: ModeService;
  orders: OrderService;
  killSwitch: KillSwitch;
  schedules: ScheduleService;
  /** Protective exits: native at the broker where it holds the kind, else managed from the live feed. */
  exits: ExitService;
  limits: LimitsStore;
  paper: PaperDesk;
  /** Paper quotes, labelled: each from the feed a paper fill of it would use. */
  prices: { quotes(symbols: string[]): ReturnType<MarketPrices['quotes']> };
  /** Live subscriptions of the paper engine; null without `streams`. */
  paperStreaming: PaperStreaming | null;
  /** A streamed price reached the paper engine: paper positions and P&L may read differently now. */
  onDidRepricePaper: Event<void>;
  venue(): Venue;
  /** Chart bars from the feed the trader's prices come from (live connection, paper's pricing connection, or simulated). */
  charts: ChartHistory;
  /** P&L curves per account and day from the journal (realised plus marked). */
  pnl: PnlCurves;
  /** The paper engine's intraday square-off, through the order path, then its resting orders against current prices. */
  settlePaper(): Promise<unknown>;
  /** Settle open orders and run due schedules; the shell calls it on a timer. */
  tick(): Promise<void>;
  /** Start-up: reconcile the journal with live order books, then report missed schedules. */
  start(): Promise<void>;
}

/** Build the trading core: mode, the one order path, paper engine, kill switch and schedules. */
export function createTrading(d: TradingDeps): Trading {
  const mode = new ModeService({
    db: d.db,
    settings: d.settings,
    connections: d.connections,
    audit: d.audit,
    clock: d.clock,
    notifier: d.notifier,
    canDecrypt: d.canDecrypt,
  });
  const ticks = d.streams ? new LiveTicks(d.streams) : undefined;
  const repriced = new Emitter<void>();
  ticks?.onDidTick(() => repriced.fire());
  const prices = new MarketPrices(d.connections, d.brokerCalls, new SimulatedFeed(d.clock), ticks, d.clock);
  // Instrument masters: F&O lot sizes and expiries for the paper engine, and whole-lot slices above the freeze quantity.
  const instruments = new InstrumentsRepo(d.db);
  const paper = new PaperDesk(d.db, d.settings, prices, d.clock, (symbol) => instruments.contract(symbol), d.paperCharges);
  const paperStreaming = ticks
    ? startPaperStreaming({
        ticks,
        prices,
        desk: paper,
        logger: d.log,
        onDidChangeBook: paper.onDidChangeBook,
        onDidChangeConnections: d.connections.onDidChange,
      })
    : null;
  const live = (connectionId: string) => liveVenue(d.brokerCalls, connectionId, d.connections.row(connectionId).broker);
  const limits = new LimitsStore(d.settings);
  const gate = new OrderGate({
    mode,
    clock: d.clock,
    scheduler: d.scheduler,
    liveCheck: (id) => {
      const c = d.connections.get(id);
      return { status: c.status, lastValidatedAt: c.lastValidatedAt, label: c.label, maxAgeMs: d.checkIntervalMs(c.broker) };
    },
    validate: (id) => d.brokerCalls.validate(id),
  });
  const ordersRepo = new OrdersRepo(d.db);
  const orders = new OrderService({
    db: d.db,
    repo: ordersRepo,
    audit: d.audit,
    clock: d.clock,
    log: d.log,
    mode,
    limits,
    gate,
    paper,
    live,
    // The venue's own quote: for paper, the feed a fill would use (a held symbol's own feed). An order waits for it.
    price: async (venue, symbol) => {
      try {
        return (await venue.quotes([symbol], true))[0]?.last ?? null;
      } catch {
        return null;
      }
    },
    freezeSlices: (venue, ticket) => {
      const freeze = freezeQuantityOf(ticket.symbol);
      if (freeze === null || ticket.quantity <= freeze) return null;
      const broker = venue.broker === 'paper' ? null : venue.broker;
      return freezeSlices(ticket.quantity, freeze, instruments.lotSize(ticket.symbol, broker), ticket.symbol);
    },
  });
  paper.onDidUpdateOrders((changed) => orders.sync({ mode: 'paper', connectionId: null }, changed));
  // A reset (or a switch of currency) clears the paper book: its resting orders end in the journal too.
  paper.onDidReset(() => orders.closeOpen('paper', 'Cancelled by a reset of the paper account.'));
  const squareOff = new PaperSquareOff({ paper, orders, gate, log: d.log });
  const settlePaper = async () => {
    await squareOff.run();
    return paper.evaluate();
  };
  const pnl = new PnlCurves({ repo: ordersRepo, clock: d.clock, venue: (a) => orders.venueFor(a), paperResetAt: () => paper.lastResetAt() });
  const exits = new ExitService({
    db: d.db,
    repo: new ExitsRepo(d.db),
    orders,
    journal: new OrdersRepo(d.db),
    gate,
    audit: d.audit,
    clock: d.clock,
    scheduler: d.scheduler,
    log: d.log,
    notifier: d.notifier,
    // A paper exit watches the feed its paper fill would use: its position's own, else the best connection's.
    paperFeed: (symbol) => {
      const from = paper.feedOf(symbol);
      return from === undefined ? prices.bestConnection(symbol) : originConnection(from);
    },
    streams: d.streams,
  });
  d.connections.onDidChange(() => exits.connectionsChanged());
  const killSwitch = new KillSwitch({
    connections: d.connections,
    orders,
    gate,
    mode,
    audit: d.audit,
    notifier: d.notifier,
    paper,
    // Its reads of order books and positions go ahead of display reads, as its cancels do.
    live: (connectionId) => liveVenue(d.brokerCalls, connectionId, d.connections.row(connectionId).broker, { urgent: true }),
    exits,
    awaitingSignIn: (id) => d.brokerCalls.awaitingSignIn(id),
    scheduler: d.scheduler,
  });
  const schedules = new ScheduleService({
    db: d.db,
    repo: new SchedulesRepo(d.db),
    orders,
    clock: d.clock,
    notifier: d.notifier,
    log: d.log,
    audit: d.audit,
  });

  return {
    mode,
    orders,
    killSwitch,
    schedules,
    exits,
    limits,
    paper,
    prices: { quotes: (symbols) => prices.quotes(symbols, (symbol) => paper.feedOf(symbol)) },
    paperStreaming,
    onDidRepricePaper: repriced.event,
    venue: () => orders.currentVenue(),
    charts: new ChartHistory({
      brokers: d.brokerCalls,
      connections: d.connections,
      clock: d.clock,
      sourceFor: (symbol) => {
        const venue = orders.currentVenue();
        return venue.mode === 'live' ? venue.connectionId : prices.bestConnection(symbol);
      },
    }),
    settlePaper,
    pnl,
    async tick() {
      await orders.refresh(settlePaper);
      await exits.refresh();
      await schedules.tick();
    },
    async start() {
      mode.enforce();
      await orders.reconcileOnStart();
      // Managed exits are armed again (and those a stop interrupted settled) once the journal is up to date.
      await exits.start();
      await schedules.tick();
    },
  };
}
