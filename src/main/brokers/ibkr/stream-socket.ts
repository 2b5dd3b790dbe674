import type { Socket } from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';
import type { TimerHandle } from '../../scheduler';
import { BrokerSocket, type SocketEndReason } from '../../streaming/broker-socket';
import type { StreamProblem } from '../../streaming/types';
import { BrokerError, type BrokerContext } from '../types';
import { ensureAccount, gatewayCall, sharedInFlight } from './client';
import { gatewayTls, isLoopbackAddress, normalizeFingerprint } from './transport';

/** Without `sts` authenticated this long after the socket opened, the session value was not accepted. */
export const IBKR_AUTH_WAIT_MS = 10_000;
/** `tic` keeps the gateway session alive (it drops one idle for ~6 minutes); once a minute, like /tickle. */
export const IBKR_TIC_EVERY_MS = 60_000;
/**
 * The gateway sends `system` heartbeats (interval unconfirmed) and answers `tic`: 90 s of nothing at all, more than
 * one `tic` round, is a dead socket.
 */
export const IBKR_SILENCE_MS = 90_000;
/** The gateway's 1 /tickle per second: a refused session request waits this long and tries again. */
const TICKLE_RETRY_MS = 1_100;
const TICKLE_TRIES = 3;

export type Msg = Record<string, unknown>;

/** `<gateway>/v1/api` → `<gateway>/v1/api/ws`, `http`→`ws`, `https`→`wss`. */
export function gatewayStreamUrl(ctx: BrokerContext): string {
  return `${ctx.baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/ws`;
}

/** The websocket's session value: the `session` of POST /tickle (which also proves the brokerage session is up). */
async function streamSession(ctx: BrokerContext): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sharedInFlight(ctx, 'ibkr:streamSession', async () => {
        const body = (await gatewayCall(ctx, { method: 'POST', path: '/tickle' }, 'open the live feed')) as Msg | null;
        const status = ((body?.iserver as Msg | undefined)?.authStatus ?? {}) as Msg;
        if (status.authenticated !== true || status.competing === true || typeof body?.session !== 'string' || body.session === '') {
          throw new BrokerError('TOKEN_EXPIRED', 'The IBKR gateway session is not logged in.');
        }
        return body.session;
      });
    } catch (error) {
      if (!(error instanceof BrokerError && error.code === 'RATE_LIMITED') || attempt >= TICKLE_TRIES) throw error;
      await new Promise<void>((resolve) => ctx.scheduler.setTimeout(resolve, TICKLE_RETRY_MS));
    }
  }
}

/** Why a failed session request ends the socket: a logged-out gateway needs the user ('auth'); anything else is retried. */
function endReasonOf(error: unknown): SocketEndReason {
  if (error instanceof BrokerError && (error.code === 'TOKEN_EXPIRED' || error.code === 'INVALID_CREDENTIALS')) return 'auth';
  return 'dropped';
}

/**
 * TLS to a gateway on this computer, pinned to the certificate the REST transport pinned (the gateway's certificate
 * is self-signed, so chain checks are off and the pin replaces them, as for REST).
 */
function pinnedConnect(expected: string, onRefused: () => void) {
  return ((options: ConnectionOptions) => {
    const socket = tls.connect({ ...options, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      const seen = normalizeFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
      if (!isLoopbackAddress(socket.remoteAddress) || seen !== expected) {
        onRefused();
        socket.destroy(new Error('gateway certificate does not match the pinned one'));
      }
    });
    return socket as Socket;
  }) as unknown as NonNullable<ConstructorParameters<typeof BrokerSocket>[0]['connect']>;
}

export interface GatewaySocketEvents {
  /** `sts` authenticated: subscriptions may be sent. */
  onReady(): void;
  /** A message with a topic the socket does not handle itself; false when the owner does not know it either. */
  onTopic(topic: string, message: Msg): boolean;
  onProblem(problem: StreamProblem): void;
  /** Once, when the socket is gone for any reason other than close(). */
  onEnd(reason: SocketEndReason): void;
}

/**
 * One websocket to the Client Portal Gateway: the session value from /tickle (through the adapter's own HTTP path,
 * with its pinned TLS), `{"session":…}` when the gateway says it waits for one, `sts` authenticated → ready; no
 * `sts` within IBKR_AUTH_WAIT_MS, or `sts` not authenticated → 'auth'. `tic` every minute keeps the session alive.
 */
export class IbkrGatewaySocket {
  private socket: BrokerSocket | null = null;
  private done = false;
  private session = '';
  private authTimer: TimerHandle | null = null;
  private ready = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly events: GatewaySocketEvents,
  ) {
    void this.start();
  }

  get isReady(): boolean {
    return this.ready && !this.done;
  }

  send(text: string): void {
    if (this.isReady) this.socket?.send(text);
  }

  /** The owner decided the socket is over (reported once through onEnd). */
  end(reason: SocketEndReason): void {
    if (this.socket) this.socket.end(reason);
    else this.finish(reason);
  }

  close(): void {
    this.done = true;
    this.ctx.scheduler.clearTimeout(this.authTimer);
    this.socket?.close();
  }

  private async start(): Promise<void> {
    try {
      this.session = await streamSession(this.ctx);
      // Market data and orders need the account priming call once per brokerage session.
      await ensureAccount(this.ctx);
    } catch (error) {
      return this.finish(endReasonOf(error));
    }
    if (this.done) return;
    const pin = gatewayTls(this.ctx)?.fingerprint();
    let pinRefused = false;
    this.socket = new BrokerSocket({
      url: gatewayStreamUrl(this.ctx),
      scheduler: this.ctx.scheduler,
      silenceMs: IBKR_SILENCE_MS,
      keepAlive: { everyMs: IBKR_TIC_EVERY_MS, send: 'tic' },
      ...(pin && { connect: pinnedConnect(pin, () => (pinRefused = true)) }),
      onOpen: () => {
        this.authTimer = this.ctx.scheduler.setTimeout(() => this.socket?.end('auth'), IBKR_AUTH_WAIT_MS);
      },
      onMessage: (data) => this.onFrame(typeof data === 'string' ? data : data.toString('utf8')),
      // SECURITY: a certificate other than the pinned one is never talked to; the user must re-pin by logging in again.
      onEnd: (reason) => this.finish(pinRefused ? 'auth' : reason),
    });
  }

  private finish(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.ctx.scheduler.clearTimeout(this.authTimer);
    this.events.onEnd(reason);
  }

  private onFrame(text: string): void {
    if (this.done) return;
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch {
      return this.events.onProblem('malformed');
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return this.events.onProblem('malformed');
    const message = m as Msg;
    if (message.message === 'waiting for session') {
      // SECURITY: the session value goes only into this message, never into a log or a status.
      this.socket?.send(JSON.stringify({ session: this.session }));
      return;
    }
    const topic = message.topic;
    if (typeof topic !== 'string') return this.events.onProblem('unknown');
    if (topic === 'sts') return this.onStatus(message.args);
    // Heartbeats, the login notice, keep-alive and echo answers, notifications and bulletins carry nothing to pass on.
    if (['system', 'tic', 'ech+hb', 'ntf', 'blt', 'act'].includes(topic)) return;
    if (!this.events.onTopic(topic, message)) this.events.onProblem('unknown');
  }

  private onStatus(args: unknown): void {
    const authenticated = typeof args === 'object' && args !== null ? (args as Msg).authenticated : undefined;
    if (authenticated === false) return this.socket?.end('auth');
    if (authenticated !== true || this.ready) return;
    this.ready = true;
    this.ctx.scheduler.clearTimeout(this.authTimer);
    this.authTimer = null;
    this.events.onReady();
  }
}
