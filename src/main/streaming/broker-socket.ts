import WebSocket, { type ClientOptions } from 'ws';
import type { Scheduler, TimerHandle } from '../scheduler';

/** Why a broker socket ended, in the seam's words (see MarketStreamStatus). */
export type SocketEndReason = 'dropped' | 'auth' | 'refused';

export interface BrokerSocketOptions {
  url: string;
  /** How to open the TCP/TLS connection (e.g. TLS pinned to a self-signed gateway certificate); default: ws's own. */
  connect?: ClientOptions['createConnection'];
  /** Upgrade headers (auth headers for brokers that authenticate at the upgrade). SECURITY: never logged. */
  headers?: Record<string, string>;
  /** Timers: the silence watchdog and keep-alives run on the app's scheduler (a manual one in tests). */
  scheduler: Scheduler;
  /**
   * Close as dropped when nothing at all (data, heartbeat, pong) arrives for this long: a socket that stopped
   * answering is dead even when TCP has not noticed. 0 or undefined: no watchdog.
   */
  silenceMs?: number;
  /** Send this every `keepAlive.everyMs` while open: a text/binary heartbeat, or 'ping' for a WebSocket ping frame. */
  keepAlive?: { everyMs: number; send: string | Uint8Array | 'ping-frame' };
  /** The HTTP status of a refused upgrade, in the seam's words; by default 401/403 → auth, 429 → refused, else dropped. */
  handshakeReason?(status: number, headers: Readonly<Record<string, string | string[] | undefined>>): SocketEndReason;
  onOpen(): void;
  /** One message: text as a string, binary as a Buffer. */
  onMessage(data: string | Buffer): void;
  /** Called once, when the socket is gone for any reason other than close() by the owner. */
  onEnd(reason: SocketEndReason): void;
}

/** The default reading of a refused upgrade: a bad or expired credential, a connection limit, anything else. */
export function defaultHandshakeReason(status: number): SocketEndReason {
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'refused';
  return 'dropped';
}

/**
 * One client socket to a broker, as every adapter opens it: `ws`, because brokers authenticate with upgrade
 * headers and refuse with an HTTP status at the upgrade, which the browser-style WebSocket cannot show. It ends
 * exactly once (`onEnd`), whatever happens: a refused upgrade, a drop, silence past the watchdog, or an end the
 * adapter decides (`end`). After `close()` or an end, nothing more is delivered.
 */
export class BrokerSocket {
  private readonly socket: WebSocket;
  private ended = false;
  private endReason: SocketEndReason = 'dropped';
  private silenceTimer: TimerHandle | null = null;
  private keepAliveTimer: TimerHandle | null = null;

  constructor(private readonly options: BrokerSocketOptions) {
    this.socket = new WebSocket(options.url, {
      headers: options.headers,
      handshakeTimeout: 15_000,
      perMessageDeflate: false,
      ...(options.connect && { createConnection: options.connect }),
    });
    this.socket.on('unexpected-response', (_request, response) => {
      const reason = (options.handshakeReason ?? defaultHandshakeReason)(response.statusCode ?? 0, response.headers);
      response.resume();
      this.end(reason);
    });
    this.socket.on('open', () => {
      if (this.ended) return;
      this.armSilence();
      this.armKeepAlive();
      options.onOpen();
    });
    this.socket.on('message', (data, isBinary) => {
      if (this.ended) return;
      this.armSilence();
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      options.onMessage(isBinary ? buffer : buffer.toString('utf8'));
    });
    // ws answers the server's pings itself; any control frame still proves the peer alive.
    this.socket.on('ping', () => this.armSilence());
    this.socket.on('pong', () => this.armSilence());
    this.socket.on('close', () => this.end(this.endReason));
    // An error is followed by close (or by unexpected-response); the reason is what matters, not the error text.
    this.socket.on('error', () => undefined);
  }

  get isOpen(): boolean {
    return !this.ended && this.socket.readyState === WebSocket.OPEN;
  }

  send(data: string | Uint8Array): void {
    if (this.isOpen) this.socket.send(data);
  }

  /** The adapter decided the socket is over (an auth failure message, a broker limit): report `reason` once and close. */
  end(reason: SocketEndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimers();
    this.shut();
    this.options.onEnd(reason);
  }

  /** The owner closes for good: no onEnd, nothing delivered after this. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimers();
    this.shut();
  }

  private shut(): void {
    const state = this.socket.readyState;
    if (state === WebSocket.OPEN) this.socket.close(1000);
    else if (state === WebSocket.CONNECTING) this.socket.terminate();
  }

  private armSilence(): void {
    const silenceMs = this.options.silenceMs;
    if (!silenceMs) return;
    const { scheduler } = this.options;
    if (this.silenceTimer !== null) scheduler.clearTimeout(this.silenceTimer);
    this.silenceTimer = scheduler.setTimeout(() => {
      this.silenceTimer = null;
      // The peer stopped answering: terminate rather than wait for a closing handshake that will not come.
      if (!this.ended) this.socket.terminate();
      this.end('dropped');
    }, silenceMs);
  }

  private armKeepAlive(): void {
    const keepAlive = this.options.keepAlive;
    if (!keepAlive) return;
    this.keepAliveTimer = this.options.scheduler.setTimeout(() => {
      this.keepAliveTimer = null;
      if (!this.isOpen) return;
      if (keepAlive.send === 'ping-frame') this.socket.ping();
      else this.socket.send(keepAlive.send);
      this.armKeepAlive();
    }, keepAlive.everyMs);
  }

  private clearTimers(): void {
    const { scheduler } = this.options;
    if (this.silenceTimer !== null) scheduler.clearTimeout(this.silenceTimer);
    if (this.keepAliveTimer !== null) scheduler.clearTimeout(this.keepAliveTimer);
    this.silenceTimer = null;
    this.keepAliveTimer = null;
  }
}
