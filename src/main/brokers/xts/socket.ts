import type { TimerHandle } from '../../scheduler';
import { BrokerSocket, type SocketEndReason } from '../../streaming/broker-socket';
import type { StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { EIO3_PING, readEioFrame } from './socketio-wire';

/** Where a socket.io client connects: the host, and the socket.io path under the deployment's (or a proxy's) prefix. */
export function socketTarget(ctx: BrokerContext, root: string): { origin: string; path: string } {
  const base = new URL(ctx.baseUrl);
  return { origin: base.origin, path: `${base.pathname.replace(/\/+$/, '')}${root}/socket.io` };
}

/** The WebSocket URL of an XTS socket.io endpoint, as socket.io-client 2.x builds it for the websocket transport. */
export function socketUrl(ctx: BrokerContext, root: string, query: Readonly<Record<string, string>>): string {
  const { origin, path } = socketTarget(ctx, root);
  const params = new URLSearchParams({ ...query, EIO: '3', transport: 'websocket' });
  return `${origin.replace(/^http/, 'ws')}${path}/?${params.toString()}`;
}

/** A refused connection, in the seam's words: XTS names the token ("Invalid Token") when the session is bad. */
export function refusalReason(text: string): SocketEndReason {
  return /invalid token|token|(un|not )authori[sz]ed|session/i.test(text) ? 'auth' : 'refused';
}

export interface XtsSocketOptions {
  ctx: BrokerContext;
  /** `/apimarketdata` or `/interactive`: the socket.io path is `<root>/socket.io`. */
  root: string;
  /** Handshake query: the token travels here, as every XTS client sends it. SECURITY: the URL is never logged. */
  query: Readonly<Record<string, string>>;
  /** No frame at all (data, pong) for this long → dropped. 0: none. */
  silenceMs: number;
  onEvent(name: string, payload: unknown): void;
  onProblem(problem: StreamProblem): void;
  /** Once, when the socket is gone for any reason other than close(). */
  onEnd(reason: SocketEndReason): void;
}

/**
 * One XTS socket.io connection over BrokerSocket, in the EIO 3 dialect (see socketio-wire.ts): the server's open packet
 * sets the ping interval, pings go out on the injected scheduler, events come back as (name, payload). A refusal
 * (`44…`) ends it as `auth` when it names the token, an Engine.IO close or a server disconnect as `dropped`.
 */
export class XtsSocket {
  private readonly socket: BrokerSocket;
  private pingTimer: TimerHandle | null = null;

  constructor(private readonly options: XtsSocketOptions) {
    this.socket = new BrokerSocket({
      url: socketUrl(options.ctx, options.root, options.query),
      scheduler: options.ctx.scheduler,
      silenceMs: options.silenceMs,
      onOpen: () => undefined,
      onMessage: (data) => this.onFrame(data),
      onEnd: (reason) => {
        this.stopPings();
        options.onEnd(reason);
      },
    });
  }

  /** The adapter decided the socket is over (a logout, a broker limit): report `reason` once and close. */
  end(reason: SocketEndReason): void {
    this.stopPings();
    this.socket.end(reason);
  }

  /** The owner closes for good: no onEnd after this. */
  close(): void {
    this.stopPings();
    this.socket.close();
  }

  private onFrame(data: string | Buffer): void {
    const frame = typeof data === 'string' ? readEioFrame(data) : null;
    if (!frame) return this.options.onProblem('malformed');
    switch (frame.kind) {
      case 'open':
        return this.schedulePing(frame.pingIntervalMs);
      case 'event':
        return this.options.onEvent(frame.name, frame.payload);
      case 'refused':
        return this.end(refusalReason(frame.text));
      case 'close':
      case 'disconnected':
        return this.end('dropped');
      case 'other':
        return this.options.onProblem('unknown');
      default:
        return; // connected, pong, noop: the silence watchdog already saw them
    }
  }

  private schedulePing(everyMs: number): void {
    this.stopPings();
    this.pingTimer = this.options.ctx.scheduler.setTimeout(() => {
      this.pingTimer = null;
      if (!this.socket.isOpen) return;
      this.socket.send(EIO3_PING);
      this.schedulePing(everyMs);
    }, everyMs);
  }

  private stopPings(): void {
    if (this.pingTimer !== null) this.options.ctx.scheduler.clearTimeout(this.pingTimer);
    this.pingTimer = null;
  }
}
