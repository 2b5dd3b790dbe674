import { AppError } from '../errors';
import type { Logger } from '../log/types';
import type { Scheduler, TimerHandle } from '../scheduler';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { StaleWatch } from './stale-watch';
import { byMode, SubscriptionBook, type SocketChanges } from './subscription-book';
import type { MarketStream, MarketStreamHandlers, MarketStreamStatus, StreamLimits, StreamMode, StreamProblem, Tick } from './types';

const PROBLEM_LOG_EVERY_MS = 60_000;

export const emptyProblems = (): Record<StreamProblem, number> => ({ malformed: 0, unknown: 0, error: 0, unsupported: 0, 'out-of-order': 0 });

/** A connection's feed as the trader sees it. */
export type FeedStatus = 'live' | 'reconnecting' | 'stale' | 'polling';

/** Where a consumer should take a symbol's price from right now. */
export type PriceSource = 'stream' | 'poll';

/** Anything that wants live prices: a renderer panel, the paper engine, an exit, a schedule. */
export interface StreamConsumer {
  readonly id: string;
  onTick(tick: Tick): void;
  /** 'poll': the stream cannot serve this symbol now (socket down, or stale), poll quotes; 'stream': ticks flow again. */
  onSource?(symbol: string, source: PriceSource): void;
}

export interface FeedCounters {
  ticks: number;
  /** Frames the adapter dropped (malformed, unknown, broker errors, unsupported symbols) and ticks older than the latest. */
  problems: Record<StreamProblem, number>;
  /** Sockets given up: dropped, refused, failed to open, an adapter call threw, or replaced for a new session. */
  drops: number;
  consumerErrors: number;
  adapterErrors: number;
}

export interface FeedOptions {
  backoff: BackoffPolicy;
  /** No tick for this long on a subscribed symbol (market open) makes it stale. */
  staleAfterMs: number;
  /** After this many failed connects in a row the status is 'polling' (retries go on in the background). */
  pollingAfterAttempts: number;
  /** False while the symbol's market is shut: silence then is not staleness. */
  marketOpen(symbol: string, now: number): boolean;
}

export interface FeedDeps extends FeedOptions {
  connectionId: string;
  limits: StreamLimits;
  open(handlers: MarketStreamHandlers): Promise<MarketStream>;
  scheduler: Scheduler;
  random: () => number;
  logger: Logger;
  onStatus(status: FeedStatus | null): void;
}

/**
 * One connection's single market-data socket and everything riding on it: reference-counted subscriptions,
 * reconnects with backoff, resubscription, staleness. At most one timer is pending at a time (reconnect or
 * stale check). Callbacks from a socket this feed has given up on are ignored (each socket has a generation).
 */
export class ConnectionFeed {
  private readonly book = new SubscriptionBook();
  private readonly consumers = new Map<string, StreamConsumer>();
  /** Latest tick per carried symbol: the value wins, nothing queues. */
  private readonly latestTicks = new Map<string, Tick>();
  /** Symbols whose consumers were told to poll. */
  private readonly polling = new Set<string>();
  private readonly staleWatch: StaleWatch;
  private stream: MarketStream | null = null;
  private open = false;
  private generation = 0;
  private attempts = 0;
  private timer: TimerHandle | null = null;
  /** open() was called for the current generation and has not settled. */
  private connecting = false;
  private lastStatus: FeedStatus | null = null;
  readonly counters: FeedCounters = { ticks: 0, problems: emptyProblems(), drops: 0, consumerErrors: 0, adapterErrors: 0 };
  /** When each kind of problem was last logged: a flood of bad frames is one line a minute, not one per frame. */
  private readonly problemLoggedAt = new Map<StreamProblem, number>();
  /** The session the socket was opened with (kept by the manager to notice a token rollover). */
  sessionStamp: string | null = null;

  constructor(private readonly deps: FeedDeps) {
    this.staleWatch = new StaleWatch(deps.staleAfterMs);
  }

  get status(): FeedStatus | null {
    if (this.book.size === 0) return null;
    if (!this.open) return this.attempts >= this.deps.pollingAfterAttempts ? 'polling' : 'reconnecting';
    return this.staleWatch.anyStale ? 'stale' : 'live';
  }

  get idle(): boolean {
    return this.book.size === 0;
  }

  latest(symbol: string): Tick | null {
    return this.latestTicks.get(symbol) ?? null;
  }

  subscribe(consumer: StreamConsumer, symbols: readonly string[], mode: StreamMode): void {
    const adding = this.book.countNew(symbols);
    const limit = this.deps.limits.instrumentsPerSocket;
    if (this.book.size + adding > limit) {
      throw new AppError(
        'LIMIT_EXCEEDED',
        `This broker streams at most ${limit} instruments per connection. ${this.book.size} are streaming now and this would add ${adding}; ` +
          'close a panel or watch fewer symbols. Nothing was subscribed.',
      );
    }
    const added = symbols.filter((s) => !this.book.has(s));
    this.consumers.set(consumer.id, consumer);
    const changes = this.book.acquire(consumer.id, symbols, mode);
    for (const symbol of symbols) {
      if (!this.open) this.polling.add(symbol);
      if (this.polling.has(symbol)) this.tellSource(consumer, symbol, 'poll');
    }
    if (this.open) {
      this.staleWatch.watch(added, this.deps.scheduler.now());
      this.applyToSocket(changes);
      this.armStaleCheck();
    } else if (!this.stream && this.timer === null && !this.connecting) {
      this.connect();
    }
    this.publish();
  }

  /** `consumerId` lets go of `symbols` (all of its symbols when omitted). */
  release(consumerId: string, symbols?: readonly string[]): void {
    const changes = this.book.release(consumerId, symbols ?? this.book.symbolsOf(consumerId));
    if (this.book.symbolsOf(consumerId).length === 0) this.consumers.delete(consumerId);
    for (const symbol of changes.unsubscribe) {
      this.latestTicks.delete(symbol);
      this.polling.delete(symbol);
    }
    this.staleWatch.forget(changes.unsubscribe);
    if (this.open) this.applyToSocket(changes);
    // Nothing left to carry: close the socket and stop every timer.
    if (this.book.size === 0) this.shutDown();
    this.publish();
  }

  /** The session changed (re-login, token rollover): reopen now with the new one; subscriptions carry over. */
  sessionChanged(): void {
    if (this.book.size === 0) return;
    this.loseSocket();
    this.attempts = 0;
    this.connect();
    this.publish();
  }

  dispose(): void {
    this.shutDown();
    this.consumers.clear();
  }

  private connect(): void {
    const generation = ++this.generation;
    const current = () => generation === this.generation;
    this.connecting = true;
    const handlers: MarketStreamHandlers = {
      onTick: (tick) => {
        if (current()) this.guard('tick', () => this.onTick(tick));
      },
      onStatus: (status) => {
        if (current()) this.guard('status', () => this.onSocketStatus(status));
      },
      onProblem: (problem) => {
        if (current()) this.problem(problem);
      },
    };
    let opening: Promise<MarketStream>;
    try {
      opening = this.deps.open(handlers);
    } catch (error) {
      opening = Promise.reject(error);
    }
    opening.then(
      (stream) => {
        if (!current()) return this.closeQuietly(stream);
        this.connecting = false;
        this.stream = stream;
        if (this.open) this.onOpened();
      },
      (error: unknown) => {
        if (!current()) return;
        this.adapterFailed('open', error);
      },
    );
  }

  private onSocketStatus(status: MarketStreamStatus): void {
    if (status.state === 'closed') return this.drop();
    if (this.open) return;
    this.open = true;
    // The adapter may report 'open' before open() has handed the socket back; resubscribe once both are in.
    if (this.stream) this.onOpened();
  }

  private onOpened(): void {
    const wanted = this.book.wanted();
    this.staleWatch.clear();
    this.staleWatch.watch(wanted.keys(), this.deps.scheduler.now());
    this.applyToSocket({ subscribe: new Map(wanted), unsubscribe: [] });
    if (!this.stream) return;
    this.armStaleCheck();
    this.publish();
  }

  private onTick(tick: Tick): void {
    if (!this.book.has(tick.symbol)) return;
    const before = this.latestTicks.get(tick.symbol);
    // Latest wins only if it is the latest: an older tick arriving late would put an old price back on screen.
    if (before && tick.ts < before.ts) return this.problem('out-of-order');
    this.counters.ticks++;
    // A socket that delivers is healthy again: the next drop starts backoff from the bottom.
    this.attempts = 0;
    this.latestTicks.set(tick.symbol, tick);
    const recovered = this.staleWatch.seen(tick.symbol, this.deps.scheduler.now());
    const holders = this.book.consumersOf(tick.symbol).flatMap((id) => this.consumers.get(id) ?? []);
    if (this.polling.delete(tick.symbol)) for (const consumer of holders) this.tellSource(consumer, tick.symbol, 'stream');
    for (const consumer of holders) {
      try {
        consumer.onTick(tick);
      } catch (error) {
        this.consumerFailed(consumer, error);
      }
    }
    if (recovered) {
      if (this.timer === null) this.armStaleCheck();
      this.publish();
    }
  }

  /** The socket is gone: tell consumers to poll and schedule the next attempt. */
  private drop(): void {
    this.loseSocket();
    this.attempts++;
    const delay = backoffDelay(this.deps.backoff, this.attempts, this.deps.random);
    this.timer = this.deps.scheduler.setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
    this.publish();
  }

  private loseSocket(): void {
    this.generation++;
    this.connecting = false;
    this.open = false;
    this.counters.drops++;
    this.clearTimer();
    if (this.stream) this.closeQuietly(this.stream);
    this.stream = null;
    this.staleWatch.clear();
    for (const symbol of this.book.wanted().keys()) this.startPolling(symbol);
  }

  private shutDown(): void {
    this.generation++;
    this.connecting = false;
    this.open = false;
    this.attempts = 0;
    this.clearTimer();
    if (this.stream) this.closeQuietly(this.stream);
    this.stream = null;
    this.staleWatch.clear();
    this.polling.clear();
    this.latestTicks.clear();
  }

  private armStaleCheck(): void {
    if (!this.open) return;
    this.clearTimer();
    const due = this.staleWatch.nextCheckAt();
    if (due === null) return;
    this.timer = this.deps.scheduler.setTimeout(() => {
      this.timer = null;
      const now = this.deps.scheduler.now();
      for (const symbol of this.staleWatch.sweep(now, (s) => !this.deps.marketOpen(s, now))) this.startPolling(symbol);
      this.armStaleCheck();
      this.publish();
    }, due - this.deps.scheduler.now());
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private startPolling(symbol: string): void {
    if (this.polling.has(symbol)) return;
    this.polling.add(symbol);
    for (const id of this.book.consumersOf(symbol)) {
      const consumer = this.consumers.get(id);
      if (consumer) this.tellSource(consumer, symbol, 'poll');
    }
  }

  private applyToSocket(changes: SocketChanges): void {
    const stream = this.stream;
    if (!stream) return;
    try {
      for (const [mode, symbols] of byMode(changes.subscribe)) stream.subscribe(symbols, mode);
      if (changes.unsubscribe.length > 0) stream.unsubscribe(changes.unsubscribe);
    } catch (error) {
      // The socket's subscriptions are unknown now: a fresh socket resubscribes everything.
      this.adapterFailed('subscribe', error);
    }
  }

  private tellSource(consumer: StreamConsumer, symbol: string, source: PriceSource): void {
    try {
      consumer.onSource?.(symbol, source);
    } catch (error) {
      this.consumerFailed(consumer, error);
    }
  }

  private closeQuietly(stream: MarketStream): void {
    try {
      stream.close();
    } catch (error) {
      this.counters.adapterErrors++;
      this.log('A market stream failed to close', 'close', error);
    }
  }

  /** Run an adapter callback's work; a failure inside the manager must not escape into the adapter's socket loop. */
  private guard(where: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.adapterFailed(where, error);
    }
  }

  private adapterFailed(where: string, error: unknown): void {
    this.counters.adapterErrors++;
    this.log('A market stream failed; reconnecting', where, error);
    this.drop();
  }

  private consumerFailed(consumer: StreamConsumer, error: unknown): void {
    this.counters.consumerErrors++;
    this.log('A price consumer failed; the others carry on', 'consumer', error, consumer.id);
  }

  private problem(problem: StreamProblem): void {
    if (!(problem in this.counters.problems)) return;
    this.counters.problems[problem]++;
    const now = this.deps.scheduler.now();
    const last = this.problemLoggedAt.get(problem);
    if (last !== undefined && now - last < PROBLEM_LOG_EVERY_MS) return;
    this.problemLoggedAt.set(problem, now);
    // SECURITY: the kind and the count only, never the frame: a frame may carry a token or an account's orders.
    this.deps.logger.warn('A market stream dropped frames it could not use', {
      connectionId: this.deps.connectionId,
      problem,
      total: this.counters.problems[problem],
    });
  }

  private log(message: string, where: string, error: unknown, consumer?: string): void {
    // SECURITY: only the error's class name is logged: an adapter's or consumer's message may echo a frame or a token.
    const kind = error instanceof Error ? error.name : typeof error;
    this.deps.logger.warn(message, { connectionId: this.deps.connectionId, where, error: kind, ...(consumer ? { consumer } : {}) });
  }

  private publish(): void {
    const status = this.status;
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this.deps.onStatus(status);
  }
}
