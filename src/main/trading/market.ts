import type { EventBus } from '../ipc/events';
import type { Logger } from '../log/types';
import type { SecretRegistry } from '../log/redact';
import type { Scheduler } from '../scheduler';
import type { BrokerService } from '../services/brokers';
import type { ConnectionService } from '../services/connections';
import { BrokerStreams } from '../services/market-streams';
import { SubscriptionManager } from '../streaming/subscription-manager';
import type { Trading } from '.';
import { LiveQuotes } from './live-quotes';
import { sessionOpenAt } from './market-calendar';
import { OrderStreams } from './order-streams';
import { pricingConnection } from './price-routing';

/** Streamed prices wait this long in main and go to the window as one batch (the window coalesces again per frame). */
export const LIVE_QUOTES_FLUSH_MS = 4;

/** Paper positions and P&L follow streamed prices this often (each is a read of the paper book). */
export const PAPER_REPRICE_EVERY_MS = 1_000;

/** The one subscription manager and where it reaches brokers; built before trading, whose paper engine consumes it. */
export function createStreams(d: { connections: ConnectionService; brokerCalls: BrokerService; scheduler: Scheduler; random: () => number; log: Logger }) {
  const source = new BrokerStreams(d.connections, d.brokerCalls);
  const streams = new SubscriptionManager({ source, scheduler: d.scheduler, random: d.random, logger: d.log, marketOpen: sessionOpenAt });
  return { source, streams };
}

export interface MarketDeps extends ReturnType<typeof createStreams> {
  connections: ConnectionService;
  brokerCalls: BrokerService;
  trading: Trading;
  scheduler: Scheduler;
  random: () => number;
  log: Logger;
  secrets: SecretRegistry;
  events: EventBus;
}

/** Live market data and order updates: the one subscription manager, the window's quotes, and the order sockets. */
export interface Market {
  streams: SubscriptionManager;
  liveQuotes: LiveQuotes;
  orderStreams: OrderStreams;
  /** After any change to connections (coalesced per event-loop turn by the caller). */
  connectionsChanged(): void;
  start(): void;
  close(): void;
}

export function createMarket(d: MarketDeps): Market {
  const { source, streams } = d;
  /** The connection whose stream prices `symbol` on screen: the live account in live mode, else the pricing connection. */
  const route = (symbol: string): string | null => {
    const live = d.trading.mode.liveConnectionId();
    const id = live ?? pricingConnection(symbol, d.connections.list(), (c) => d.brokerCalls.adapterFor(c.broker).descriptor)?.id ?? null;
    return id !== null && source.canStream(id) ? id : null;
  };
  const liveQuotes = new LiveQuotes({
    streams,
    route,
    scheduler: d.scheduler,
    flushMs: LIVE_QUOTES_FLUSH_MS,
    emit: (batch) => d.events.emit('quotes:live', batch),
    log: d.log,
  });
  const orderStreams = new OrderStreams({
    // An order socket costs one of the broker's few connections: open it for the live account, and for any account
    // with orders still working in the journal.
    wanted: () => {
      const needed = new Set([d.trading.mode.liveConnectionId(), ...d.trading.orders.openLiveConnections()]);
      return [...needed].filter((id): id is string => id !== null && source.pushesOrders(id));
    },
    open: (id, handlers) => source.openOrders(id, handlers),
    sessionStamp: (id) => source.sessionStamp(id),
    apply: (id, update) => d.trading.orders.applyPushed(id, update),
    scrub: (id, text) => d.secrets.scrubFor(id, text),
    scheduler: d.scheduler,
    random: d.random,
    log: d.log,
  });
  streams.onDidChangeFeedStatus((change) => d.events.emit('feeds:changed', change));
  // Paper positions are valued in main (each at its own feed): tell the window at most once a second to read them again.
  let repricePending: unknown = null;
  d.trading.onDidRepricePaper(() => {
    if (repricePending !== null) return;
    repricePending = d.scheduler.setTimeout(() => {
      repricePending = null;
      d.events.emit('positions:changed', { mode: 'paper' });
    }, PAPER_REPRICE_EVERY_MS);
  });
  let started = false;
  d.trading.mode.onDidChange(() => {
    liveQuotes.rewatch();
    if (started) orderStreams.sync();
  });
  d.trading.orders.onDidChange(() => {
    if (started) orderStreams.sync();
  });
  return {
    streams,
    liveQuotes,
    orderStreams,
    connectionsChanged() {
      // A re-login or rollover reopens sockets with the new session; a connection gone or invalid moves its symbols.
      streams.checkSessions();
      liveQuotes.rewatch();
      if (started) orderStreams.sync();
    },
    start() {
      started = true;
      orderStreams.sync();
    },
    close() {
      if (repricePending !== null) d.scheduler.clearTimeout(repricePending);
      orderStreams.dispose();
      liveQuotes.dispose();
      streams.dispose();
    },
  };
}
