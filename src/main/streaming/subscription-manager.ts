import { AppError } from '../errors';
import { Emitter, type Disposable } from '../events';
import type { Logger } from '../log/types';
import type { Scheduler } from '../scheduler';
import { DEFAULT_BACKOFF } from './backoff';
import { ConnectionFeed, type FeedCounters, type FeedOptions, type FeedStatus, type StreamConsumer } from './connection-feed';
import type { MarketStream, MarketStreamHandlers, StreamLimits, StreamMode, Tick } from './types';

/** How the manager reaches a connection's broker: built by the composition root from the adapter's capability. */
export interface StreamSource {
  /** The broker's declared limits, or null when this connection's broker does not stream. */
  limits(connectionId: string): StreamLimits | null;
  /** Open a socket with the connection's current session. */
  open(connectionId: string, handlers: MarketStreamHandlers): Promise<MarketStream>;
  /** Something that changes when the connection's session does (e.g. its expiry and sign-in time), for checkSessions. */
  sessionStamp?(connectionId: string): string | null;
}

export interface SubscriptionManagerDeps extends Partial<FeedOptions> {
  source: StreamSource;
  scheduler: Scheduler;
  /** Uniform in [0, 1): the jitter's source, injected so tests are deterministic. */
  random: () => number;
  logger: Logger;
}

export interface FeedStatusChange {
  connectionId: string;
  /** null: nothing is subscribed on this connection any more, so it has no socket. */
  status: FeedStatus | null;
}

const SYMBOL_MAX = 64;
const SYMBOLS_PER_CALL_MAX = 5_000;

export const DEFAULT_FEED_OPTIONS: FeedOptions = {
  backoff: DEFAULT_BACKOFF,
  staleAfterMs: 10_000,
  pollingAfterAttempts: 3,
  marketOpen: () => true,
};

/**
 * The one owner of broker market-data sockets in main: consumers subscribe here, never to a broker. One socket per
 * connection (one broker account), shared by every consumer through reference counts.
 */
export class SubscriptionManager {
  private readonly feeds = new Map<string, ConnectionFeed>();
  private readonly options: FeedOptions;
  private readonly didChangeFeedStatus = new Emitter<FeedStatusChange>();
  /** Fires when a connection's feed status changes (live, reconnecting, stale, polling, or null when unused). */
  readonly onDidChangeFeedStatus = this.didChangeFeedStatus.event;

  constructor(private readonly deps: SubscriptionManagerDeps) {
    this.options = {
      backoff: deps.backoff ?? DEFAULT_FEED_OPTIONS.backoff,
      staleAfterMs: deps.staleAfterMs ?? DEFAULT_FEED_OPTIONS.staleAfterMs,
      pollingAfterAttempts: deps.pollingAfterAttempts ?? DEFAULT_FEED_OPTIONS.pollingAfterAttempts,
      marketOpen: deps.marketOpen ?? DEFAULT_FEED_OPTIONS.marketOpen,
    };
  }

  /**
   * `consumer` wants live `symbols` from `connectionId` in `mode`. Refused whole (nothing subscribed) when the broker
   * does not stream or the socket's instrument limit would be passed. Dispose the result to let go of these symbols.
   */
  subscribe(connectionId: string, consumer: StreamConsumer, symbols: readonly string[], mode: StreamMode): Disposable {
    checkSymbols(symbols);
    const existing = this.feeds.get(connectionId);
    const feed = existing ?? this.createFeed(connectionId);
    try {
      feed.subscribe(consumer, symbols, mode);
    } catch (error) {
      if (!existing) feed.dispose();
      throw error;
    }
    if (!existing) this.feeds.set(connectionId, feed);
    return { dispose: () => this.release(connectionId, consumer.id, symbols) };
  }

  /** Let go of `symbols` (all of the consumer's on this connection when omitted). The last holder's release unsubscribes. */
  release(connectionId: string, consumerId: string, symbols?: readonly string[]): void {
    const feed = this.feeds.get(connectionId);
    if (!feed) return;
    feed.release(consumerId, symbols);
    if (feed.idle) this.feeds.delete(connectionId);
  }

  /** The connection signed in again or its token rolled over: reopen its socket now with the new session. */
  sessionChanged(connectionId: string): void {
    const feed = this.feeds.get(connectionId);
    if (!feed) return;
    feed.sessionStamp = this.deps.source.sessionStamp?.(connectionId) ?? null;
    feed.sessionChanged();
  }

  /** After any change to connections: reopen the sockets whose session stamp moved. */
  checkSessions(): void {
    const source = this.deps.source;
    if (!source.sessionStamp) return;
    for (const [connectionId, feed] of [...this.feeds]) {
      if (source.sessionStamp(connectionId) !== feed.sessionStamp) this.sessionChanged(connectionId);
    }
  }

  status(connectionId: string): FeedStatus | null {
    return this.feeds.get(connectionId)?.status ?? null;
  }

  /** Every connection with a feed now, and its status. */
  feedList(): FeedStatusChange[] {
    return [...this.feeds].map(([connectionId, feed]) => ({ connectionId, status: feed.status }));
  }

  /** The latest tick for a streamed symbol (latest value wins; nothing queues). */
  latest(connectionId: string, symbol: string): Tick | null {
    return this.feeds.get(connectionId)?.latest(symbol) ?? null;
  }

  counters(connectionId: string): FeedCounters | null {
    const counters = this.feeds.get(connectionId)?.counters;
    return counters ? { ...counters, problems: { ...counters.problems } } : null;
  }

  dispose(): void {
    for (const feed of this.feeds.values()) feed.dispose();
    this.feeds.clear();
    this.didChangeFeedStatus.dispose();
  }

  private createFeed(connectionId: string): ConnectionFeed {
    const limits = this.deps.source.limits(connectionId);
    if (!limits) throw new AppError('NOT_SUPPORTED', 'This connection cannot stream prices yet; its quotes are refreshed by polling.');
    const feed = new ConnectionFeed({
      ...this.options,
      connectionId,
      limits,
      open: (handlers) => this.deps.source.open(connectionId, handlers),
      scheduler: this.deps.scheduler,
      random: this.deps.random,
      logger: this.deps.logger,
      onStatus: (status) => this.fireStatus({ connectionId, status }),
    });
    feed.sessionStamp = this.deps.source.sessionStamp?.(connectionId) ?? null;
    return feed;
  }

  private fireStatus(change: FeedStatusChange): void {
    try {
      this.didChangeFeedStatus.fire(change);
    } catch (error) {
      // A listener's failure must not reach the socket that caused the change.
      this.deps.logger.warn('A feed status listener failed', { connectionId: change.connectionId, error: error instanceof Error ? error.name : typeof error });
    }
  }
}

function checkSymbols(symbols: readonly string[]): void {
  if (symbols.length === 0) throw new AppError('INVALID_INPUT', 'Choose at least one symbol to stream.');
  if (symbols.length > SYMBOLS_PER_CALL_MAX) throw new AppError('INVALID_INPUT', `At most ${SYMBOLS_PER_CALL_MAX} symbols can be streamed in one request.`);
  for (const symbol of symbols) {
    if (typeof symbol !== 'string' || symbol.length === 0 || symbol.length > SYMBOL_MAX) {
      throw new AppError('INVALID_INPUT', `A symbol to stream must be 1 to ${SYMBOL_MAX} characters, such as "NSE:INFY".`);
    }
  }
}
