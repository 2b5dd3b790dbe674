import { randomBytes } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange, SimOrder } from '../exchange';
import { orderJson } from './wire';

export interface AccountStreamerOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  account: string;
  /** Whether an access token (without "Bearer ") is valid now. */
  validToken(token: string): boolean;
  /** How often the exchange is checked for fills that happen without a request. */
  pollMs: number;
}

interface Client {
  socket: WebSocket;
  sessionId: string;
  accounts: string[];
}

/**
 * tastytrade's account streamer (`wss://streamer.tastyworks.com`), as `@tastytrade/api`'s AccountStreamer speaks it:
 * `{"action":"connect","value":[accounts],"auth-token":…,"request-id":n}` → `{"status":"ok","action":"connect",
 * "web-socket-session-id":…,"value":[…],"request-id":n}`; `heartbeat` answered the same way; order changes as
 * `{"type":"Order","data":<the REST order>,"timestamp":ms}`. Unconfirmed (the sheet has no server replies): the reply
 * envelope, and a refused token answered `{"status":"error","action":"connect","message":"…"}` then a 1008 close.
 */
export class TastyAccountStreamer {
  private readonly clients = new Set<Client>();
  private readonly announced = new Map<string, SimOrder['status']>();
  private pollTimer: TimerHandle | null = null;

  constructor(private readonly options: AccountStreamerOptions) {}

  private get anyoneListening(): boolean {
    return [...this.clients].some((c) => c.accounts.length > 0);
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  accept(socket: WebSocket): void {
    const client: Client = { socket, sessionId: randomBytes(8).toString('hex'), accounts: [] };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData) => this.onMessage(client, data));
  }

  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.dropAll();
  }

  private send(c: Client, message: object): void {
    if (c.socket.readyState === WebSocket.OPEN) c.socket.send(JSON.stringify(message));
  }

  private onMessage(c: Client, data: RawData): void {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(String(data)) as Record<string, unknown>;
      if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new Error('not an object');
    } catch {
      return this.send(c, { status: 'error', message: 'invalid message' });
    }
    const requestId = m['request-id'];
    const token = typeof m['auth-token'] === 'string' ? m['auth-token'].replace(/^Bearer /, '') : '';
    const reply = (action: unknown, extra: object = {}) =>
      this.send(c, { status: 'ok', action, 'web-socket-session-id': c.sessionId, 'request-id': requestId, ...extra });
    if (m.action === 'connect') {
      if (!this.options.validToken(token)) {
        this.send(c, { status: 'error', action: 'connect', message: 'not authorized', 'request-id': requestId });
        return void c.socket.close(1008, 'not authorized');
      }
      const wanted = Array.isArray(m.value) ? m.value.filter((a): a is string => a === this.options.account) : [];
      // What happened before anyone listened is not news. Read without settling, so REST behaviour stays as it was.
      if (!this.anyoneListening) for (const o of this.options.exchange.orders.values()) this.announced.set(o.id, o.status);
      c.accounts = wanted;
      reply('connect', { value: wanted });
      return this.armPoll();
    }
    if (m.action === 'heartbeat') return reply('heartbeat');
    if (typeof m.action === 'string' && m.action.endsWith('-subscribe')) return reply(m.action);
    this.send(c, { status: 'error', action: m.action, message: 'unknown action', 'request-id': requestId });
  }

  private armPoll(): void {
    if (this.pollTimer !== null) return;
    this.pollTimer = this.options.scheduler.setTimeout(() => {
      this.pollTimer = null;
      this.publishChanges();
      if (this.anyoneListening) this.armPoll();
    }, this.options.pollMs);
  }

  /** Announce every order whose state moved since the last call (the REST simulator calls this after each request). */
  publishChanges(): void {
    if (!this.anyoneListening) return;
    for (const o of this.options.exchange.list()) {
      const before = this.announced.get(o.id);
      if (before === o.status) continue;
      // A new order is announced Routed first, then in its state now when that is already another.
      if (before === undefined) this.broadcast(orderJson(o, this.options.account, 'Routed'), o.createdAt);
      if (o.status !== 'OPEN' || before !== undefined) this.broadcast(orderJson(o, this.options.account), o.updatedAt);
      this.announced.set(o.id, o.status);
    }
  }

  private broadcast(order: object, at: number): void {
    for (const c of this.clients) if (c.accounts.includes(this.options.account)) this.send(c, { type: 'Order', data: order, timestamp: at });
  }
}
