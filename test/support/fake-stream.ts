import type { MarketStream, MarketStreamHandlers, StreamLimits, StreamMode, Tick } from '../../src/main/streaming/types';
import type { StreamSource } from '../../src/main/streaming/subscription-manager';

/** One fake socket: records what the manager asked of it; the test drives its status and ticks. */
export class FakeStream implements MarketStream {
  /** symbol → mode the socket carries now. */
  readonly carried = new Map<string, StreamMode>();
  readonly calls: string[] = [];
  closed = false;
  throwOnSubscribe = false;

  constructor(
    readonly handlers: MarketStreamHandlers,
    readonly session: string | null,
  ) {}

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    if (this.throwOnSubscribe) throw new Error('frame echo: token=secret-token');
    this.calls.push(`sub ${mode} ${[...symbols].sort().join(',')}`);
    for (const symbol of symbols) this.carried.set(symbol, mode);
  }

  unsubscribe(symbols: readonly string[]): void {
    this.calls.push(`unsub ${[...symbols].sort().join(',')}`);
    for (const symbol of symbols) this.carried.delete(symbol);
  }

  close(): void {
    this.closed = true;
  }

  /** The broker accepted the socket. */
  accept(): void {
    this.handlers.onStatus({ state: 'open' });
  }

  drop(reason: 'dropped' | 'auth' | 'refused' = 'dropped'): void {
    this.handlers.onStatus({ state: 'closed', reason });
  }

  tick(symbol: string, ltp: number, ts = 0, extra: Partial<Tick> = {}): void {
    this.handlers.onTick({ symbol, ltp, ts, ...extra });
  }
}

/**
 * A StreamSource over fake sockets: every open() makes a FakeStream with the connection's current session.
 * `autoAccept` opens each socket at once, as a healthy broker would; `failOpens` makes the next opens reject.
 */
export class FakeStreamSource implements StreamSource {
  readonly opened: FakeStream[] = [];
  readonly sessions = new Map<string, string>();
  autoAccept = true;
  failOpens = 0;

  constructor(private readonly streamLimits: StreamLimits | null = { instrumentsPerSocket: 100, socketsPerAccount: 1 }) {}

  limits(): StreamLimits | null {
    return this.streamLimits;
  }

  open(connectionId: string, handlers: MarketStreamHandlers): Promise<MarketStream> {
    if (this.failOpens > 0) {
      this.failOpens--;
      return Promise.reject(new Error('connect ECONNREFUSED'));
    }
    const stream = new FakeStream(handlers, this.sessions.get(connectionId) ?? null);
    this.opened.push(stream);
    if (this.autoAccept) queueMicrotask(() => stream.accept());
    return Promise.resolve(stream);
  }

  sessionStamp(connectionId: string): string | null {
    return this.sessions.get(connectionId) ?? null;
  }

  /** The socket open now (the last one opened), failing the test when there is none. */
  get current(): FakeStream {
    const stream = this.opened.at(-1);
    if (!stream) throw new Error('no socket was opened');
    return stream;
  }

  /** Sockets not closed by the manager. */
  get live(): FakeStream[] {
    return this.opened.filter((s) => !s.closed);
  }
}
