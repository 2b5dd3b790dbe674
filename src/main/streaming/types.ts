/**
 * The streaming seam: what a broker adapter implements so the subscription manager can stream its market data.
 * Broker-independent: the adapter owns the protocol (URL, auth, framing, decoding, heartbeats), the manager owns
 * who wants what, reconnects, staleness and limits. Nothing here imports the broker layer, so the broker layer
 * can import it without a cycle; the context type is the broker layer's own, passed in as `Ctx`.
 */

import type { OrderState } from '../../shared/orders';

/** How much a subscription asks for, weakest first: last price; plus best bid/ask and volume; plus depth. */
export type StreamMode = 'ltp' | 'quote' | 'full';

/** One price update in the common symbol form ("NSE:INFY", "US:AAPL"). `ts` is the exchange's or broker's time in ms. */
export interface Tick {
  symbol: string;
  ltp: number;
  bid?: number;
  ask?: number;
  volume?: number;
  ts: number;
}

/**
 * The socket's own state as the adapter sees it. `open` means connected, authenticated and ready for subscribe
 * calls; `closed` means the socket is gone (dropped, refused, or the session was rejected) and will not come back
 * by itself: the manager decides when to open a new one.
 */
export type MarketStreamStatus = { state: 'open' } | { state: 'closed'; reason: 'dropped' | 'auth' | 'refused' };

/** What the adapter calls back. Ticks must already be validated; malformed frames are counted and dropped by the adapter. */
export interface MarketStreamHandlers extends StreamProblemHandler {
  onTick(tick: Tick): void;
  onStatus(status: MarketStreamStatus): void;
}

/** One open (or opening) market-data socket of one connection. */
export interface MarketStream {
  /** Subscribe these symbols in `mode`; for a symbol already subscribed this changes its mode (up or down). */
  subscribe(symbols: readonly string[], mode: StreamMode): void;
  unsubscribe(symbols: readonly string[]): void;
  /** Close for good; no handler is called after this. */
  close(): void;
}

/** The broker's documented streaming limits. */
export interface StreamLimits {
  /** Instruments one socket may carry at once. */
  instrumentsPerSocket: number;
  /** Sockets the broker allows per account at once (the manager opens one). */
  socketsPerAccount: number;
}

/** The optional adapter capability: declared limits, and how to open a socket with the connection's current session. */
export interface MarketStreamCapability<Ctx> {
  readonly limits: StreamLimits;
  open(ctx: Ctx, handlers: MarketStreamHandlers): MarketStream;
}

/**
 * Frames an adapter dropped without passing on: malformed or truncated, an unknown message type, a broker error
 * that did not close the socket, a symbol this socket cannot carry, a tick older than one already delivered.
 */
export type StreamProblem = 'malformed' | 'unknown' | 'error' | 'unsupported' | 'out-of-order';

/** What an adapter reports besides ticks and status (optional: the manager counts and logs them, redacted). */
export interface StreamProblemHandler {
  onProblem?(problem: StreamProblem): void;
}

/** One order's state as the broker pushed it, in BrokerVault's order vocabulary. */
export interface OrderUpdate {
  /** The broker's order id, as the order path stored it when the order was placed. */
  brokerOrderId: string;
  state: OrderState;
  /** Cumulative filled quantity, where the broker says. */
  filledQuantity?: number;
  /** Average fill price, where the broker says. */
  averagePrice?: number;
  /** The broker's reason for a rejection or cancellation, in its words (never credentials). */
  message?: string;
  /** The broker's time of the update in ms, or the receive time where the broker gives none. */
  ts: number;
}

export interface OrderStreamHandlers extends StreamProblemHandler {
  onOrder(update: OrderUpdate): void;
  onStatus(status: MarketStreamStatus): void;
}

/** One open (or opening) order-update socket of one connection; it listens to every order of the account. */
export interface OrderStream {
  /** Close for good; no handler is called after this. */
  close(): void;
}

/** The optional adapter capability for brokers that push order updates (on the market socket or on its own). */
export interface OrderStreamCapability<Ctx> {
  open(ctx: Ctx, handlers: OrderStreamHandlers): OrderStream;
}
