import { BrokerSocket, type SocketEndReason } from '../../streaming/broker-socket';
import type { OrderStream, OrderStreamCapability, OrderStreamHandlers, StreamProblem } from '../../streaming/types';
import { BrokerError, type BrokerContext } from '../types';
import { credential, serverOffset } from './client';
import { brokerOrderId, orderState } from './mapping';
import { ed25519PrivateKey, sign, signEd25519 } from './signing';
import { BINANCE_SILENCE_MS, webSocketApiUrl } from './stream';

type Msg = Record<string, unknown>;
type Step = 'logon' | 'subscribe';

/** Leeway for slow links, as on REST. */
const RECV_WINDOW = 10_000;
/** Answers that mean the key is wrong, not permitted, or not usable here: the session cannot stream until the user acts. */
const AUTH_CODES = new Set([-1002, -1022, -2014, -2015, -4056, -4057]);
/** Events of the user data stream that carry no order news. */
const QUIET_EVENTS = new Set(['outboundAccountPosition', 'balanceUpdate', 'listStatus', 'externalLockUpdate']);

const isObject = (v: unknown): v is Msg => typeof v === 'object' && v !== null && !Array.isArray(v);
const decimal = (v: unknown): number | null => {
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** The WebSocket API's signature payload: every parameter but `signature`, sorted by name, as `key=value&…`. */
export function wsApiPayload(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/**
 * Order updates over Binance's WebSocket API: `userDataStream.subscribe.signature` signed with the HMAC secret, or,
 * for a self-generated Ed25519 key, `session.logon` then `userDataStream.subscribe`. executionReport events become
 * OrderUpdates with the REST order states. A rejected key or signature closes as 'auth'.
 */
export class BinanceOrderStream implements OrderStream {
  readonly counters = { malformed: 0, unknown: 0, errors: 0 };
  private readonly socket: BrokerSocket;
  private done = false;
  private nextId = 1;
  private readonly pending = new Map<number, Step>();
  private resynced = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: OrderStreamHandlers,
    url = webSocketApiUrl(ctx),
  ) {
    this.socket = new BrokerSocket({
      url,
      scheduler: ctx.scheduler,
      silenceMs: BINANCE_SILENCE_MS,
      onOpen: () => void this.authenticate(false),
      onMessage: (data) => this.onFrame(data),
      onEnd: (reason) => this.finish(reason),
    });
  }

  close(): void {
    this.done = true;
    this.socket.close();
  }

  private finish(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.handlers.onStatus({ state: 'closed', reason });
  }

  private problem(kind: StreamProblem & ('malformed' | 'unknown' | 'error')): void {
    if (kind === 'malformed') this.counters.malformed++;
    else if (kind === 'unknown') this.counters.unknown++;
    else this.counters.errors++;
    this.handlers.onProblem?.(kind);
  }

  /** Sign in on the socket: a signed subscribe (HMAC), or a signed logon (Ed25519) that the subscribe then follows. */
  private async authenticate(refreshClock: boolean): Promise<void> {
    let params: Record<string, string>;
    let step: Step;
    try {
      const timestamp = Math.round(this.ctx.clock.now() + (await serverOffset(this.ctx, refreshClock)));
      params = { apiKey: credential(this.ctx, 'apiKey'), recvWindow: String(RECV_WINDOW), timestamp: String(timestamp) };
      const privateKey = this.ctx.credentials.privateKey;
      // SECURITY: the secret and the private key only sign here; neither leaves the process nor reaches an error.
      if (privateKey) {
        params.signature = signEd25519(ed25519PrivateKey(privateKey), wsApiPayload(params));
        step = 'logon';
      } else {
        params.signature = sign(credential(this.ctx, 'secretKey'), wsApiPayload(params));
        step = 'subscribe';
      }
    } catch (error) {
      // No usable key ('auth': the user must act), or no server time (the REST host is down: try again later).
      if (!this.done) this.socket.end(error instanceof BrokerError && error.code === 'INVALID_CREDENTIALS' ? 'auth' : 'dropped');
      return;
    }
    this.request(step === 'logon' ? 'session.logon' : 'userDataStream.subscribe.signature', params, step);
  }

  private request(method: string, params: Record<string, string>, step: Step): void {
    const id = this.nextId++;
    this.pending.set(id, step);
    this.socket.send(JSON.stringify({ id, method, params }));
  }

  private onFrame(data: string | Buffer): void {
    if (this.done) return;
    let m: unknown;
    try {
      m = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
    } catch {
      return this.problem('malformed');
    }
    if (!isObject(m)) return this.problem('malformed');
    if ('subscriptionId' in m) return isObject(m.event) ? this.onEvent(m.event) : this.problem('malformed');
    if ('status' in m && 'id' in m) return this.onReply(m);
    this.problem('unknown');
  }

  private onReply(m: Msg): void {
    const step = typeof m.id === 'number' ? this.pending.get(m.id) : undefined;
    if (typeof m.id === 'number') this.pending.delete(m.id);
    if (!step) return;
    if (m.status === 200) {
      if (step === 'logon') this.request('userDataStream.subscribe', {}, 'subscribe');
      else this.handlers.onStatus({ state: 'open' });
      return;
    }
    const code = isObject(m.error) ? m.error.code : undefined;
    // -1021: our clock drifted from Binance's; measure again and sign in once more.
    if (code === -1021 && !this.resynced) {
      this.resynced = true;
      void this.authenticate(true);
      return;
    }
    this.socket.end(typeof code === 'number' && AUTH_CODES.has(code) ? 'auth' : 'refused');
  }

  private onEvent(event: Msg): void {
    if (event.e === 'executionReport') return this.onExecution(event);
    // The server ended the subscription (a logout or a revoked key): this socket carries no more orders.
    if (event.e === 'eventStreamTerminated') return this.socket.end('dropped');
    if (typeof event.e === 'string' && QUIET_EVENTS.has(event.e)) return;
    this.problem('unknown');
  }

  private onExecution(e: Msg): void {
    const filled = decimal(e.z);
    const quote = decimal(e.Z);
    const ts = typeof e.T === 'number' ? e.T : typeof e.E === 'number' ? e.E : null;
    if (typeof e.s !== 'string' || typeof e.i !== 'number' || typeof e.X !== 'string' || filled === null || ts === null) return this.problem('malformed');
    const reason = typeof e.r === 'string' && e.r !== 'NONE' ? e.r : undefined;
    this.handlers.onOrder({
      brokerOrderId: brokerOrderId(e.s, e.i),
      state: orderState(e.X),
      filledQuantity: filled,
      ...(filled > 0 && quote !== null && { averagePrice: quote / filled }),
      ...(reason !== undefined && { message: reason }),
      ts,
    });
  }
}

export const binanceOrderStream: OrderStreamCapability<BrokerContext> = {
  open: (ctx, handlers) => new BinanceOrderStream(ctx, handlers),
};
