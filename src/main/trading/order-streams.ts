import type { Logger } from '../log/types';
import type { Scheduler, TimerHandle } from '../scheduler';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../streaming/backoff';
import type { MarketStreamStatus, OrderStream, OrderStreamHandlers, OrderUpdate, StreamProblem } from '../streaming/types';

/** How the service reaches brokers and the journal: built by the composition root. */
export interface OrderStreamDeps {
  /** Connections whose order socket should be open now (valid, active, the broker pushes orders, and it matters). */
  wanted(): string[];
  /** Open the connection's order socket with its current session. */
  open(connectionId: string, handlers: OrderStreamHandlers): Promise<OrderStream>;
  /** Changes when the connection's session does: a changed stamp reopens the socket with the new one. */
  sessionStamp(connectionId: string): string | null;
  /** Apply one pushed update to the journal (true when it changed an order). */
  apply(connectionId: string, update: OrderUpdate): boolean;
  /** A pushed broker message may quote the request: scrubbed of the connection's secrets before it is stored. */
  scrub(connectionId: string, text: string): string;
  scheduler: Scheduler;
  random: () => number;
  log: Logger;
  backoff?: BackoffPolicy;
}

/** A connection's order-update socket, as the renderer may show it. */
export type OrderStreamState = 'open' | 'connecting' | 'retrying';

interface Entry {
  generation: number;
  stream: OrderStream | null;
  stamp: string | null;
  state: OrderStreamState;
  attempts: number;
  timer: TimerHandle | null;
  problems: number;
}

/**
 * Keeps one order-update socket open per connection that needs one, so order states change the moment the
 * broker says so. It reconnects with backoff and jitter, reopens after a re-login or token rollover, and closes
 * sockets no longer wanted. The 15-second refresh stays as the safety net for anything a socket missed.
 */
export class OrderStreams {
  private readonly entries = new Map<string, Entry>();
  private closed = false;
  readonly counters = { updates: 0, applied: 0, drops: 0, problems: 0 };

  constructor(private readonly deps: OrderStreamDeps) {}

  /** Bring the open sockets in line with what is wanted now; call after any change to connections, mode or orders. */
  sync(): void {
    if (this.closed) return;
    const wanted = new Set(this.deps.wanted());
    for (const [id, entry] of [...this.entries]) {
      if (!wanted.has(id)) this.stop(id, entry);
      else if (this.deps.sessionStamp(id) !== entry.stamp) {
        // New session: the old socket carries the old token; reopen now, from the bottom of the backoff.
        this.stop(id, entry);
      }
    }
    for (const id of wanted) if (!this.entries.has(id)) this.start(id);
  }

  state(connectionId: string): OrderStreamState | null {
    return this.entries.get(connectionId)?.state ?? null;
  }

  dispose(): void {
    this.closed = true;
    for (const [id, entry] of [...this.entries]) this.stop(id, entry);
  }

  private start(id: string): void {
    const entry: Entry = { generation: 0, stream: null, stamp: this.deps.sessionStamp(id), state: 'connecting', attempts: 0, timer: null, problems: 0 };
    this.entries.set(id, entry);
    this.connect(id, entry);
  }

  private stop(id: string, entry: Entry): void {
    entry.generation++;
    if (entry.timer !== null) this.deps.scheduler.clearTimeout(entry.timer);
    entry.timer = null;
    this.closeQuietly(id, entry.stream);
    entry.stream = null;
    this.entries.delete(id);
  }

  private connect(id: string, entry: Entry): void {
    const generation = ++entry.generation;
    const current = () => !this.closed && this.entries.get(id) === entry && entry.generation === generation;
    entry.state = entry.attempts === 0 ? 'connecting' : 'retrying';
    entry.stamp = this.deps.sessionStamp(id);
    const handlers: OrderStreamHandlers = {
      onOrder: (update) => {
        if (current()) this.onOrder(id, update);
      },
      onStatus: (status) => {
        if (current()) this.onStatus(id, entry, status);
      },
      onProblem: (problem) => {
        if (current()) this.onProblem(id, entry, problem);
      },
    };
    let opening: Promise<OrderStream>;
    try {
      opening = this.deps.open(id, handlers);
    } catch (error) {
      opening = Promise.reject(error);
    }
    opening.then(
      (stream) => {
        if (current()) entry.stream = stream;
        else this.closeQuietly(id, stream);
      },
      (error: unknown) => {
        if (!current()) return;
        // SECURITY: the class name only; an adapter's message may quote a token.
        this.deps.log.warn('An order-update socket could not open; retrying', { connectionId: id, error: error instanceof Error ? error.name : typeof error });
        this.retry(id, entry);
      },
    );
  }

  private onStatus(id: string, entry: Entry, status: MarketStreamStatus): void {
    if (status.state === 'open') {
      entry.state = 'open';
      entry.attempts = 0;
      return;
    }
    this.counters.drops++;
    this.deps.log.info('An order-update socket closed; reconnecting', { connectionId: id, reason: status.reason });
    this.closeQuietly(id, entry.stream);
    entry.stream = null;
    this.retry(id, entry);
  }

  private retry(id: string, entry: Entry): void {
    entry.generation++;
    entry.attempts++;
    entry.state = 'retrying';
    const delay = backoffDelay(this.deps.backoff ?? DEFAULT_BACKOFF, entry.attempts, this.deps.random);
    entry.timer = this.deps.scheduler.setTimeout(() => {
      entry.timer = null;
      if (this.entries.get(id) === entry) this.connect(id, entry);
    }, delay);
  }

  private onOrder(id: string, update: OrderUpdate): void {
    this.counters.updates++;
    const clean = update.message === undefined ? update : { ...update, message: this.deps.scrub(id, update.message) };
    try {
      if (this.deps.apply(id, clean)) this.counters.applied++;
    } catch (error) {
      this.deps.log.warn('An order update could not be applied', { connectionId: id, error: error instanceof Error ? error.name : typeof error });
    }
  }

  private onProblem(id: string, entry: Entry, problem: StreamProblem): void {
    this.counters.problems++;
    entry.problems++;
    // First of its kind per socket is logged; a flood is counted, not written line by line.
    if (entry.problems === 1) this.deps.log.warn('An order-update socket sent a frame BrokerVault could not use', { connectionId: id, problem });
  }

  private closeQuietly(id: string, stream: OrderStream | null): void {
    try {
      stream?.close();
    } catch (error) {
      this.deps.log.warn('An order-update socket failed to close', { connectionId: id, error: error instanceof Error ? error.name : typeof error });
    }
  }
}
