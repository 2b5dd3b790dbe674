import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange, SimOrder } from '../exchange';
import { SIM_ERRORS, type TradierSessions } from './stream';
import { orderJson } from './wire';

const ACCOUNT_HEARTBEAT_MS = 60_000;

interface AccountClient {
  socket: WebSocket;
  token: string | null;
}

export interface AccountStreamOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  sessions: TradierSessions;
  account: string;
  /** How often the exchange is checked for fills that happen without a request. */
  pollMs: number;
}

/**
 * `wss://ws.tradier.com/v1/accounts/events` (beta): payload `{events:["order"], sessionid}`; order events in the shape
 * of Tradier's "Account Streaming Responses" page, and `{"event":"heartbeat","status":"active"}` every 60 s.
 */
export class AccountEventsSocket {
  private readonly clients = new Set<AccountClient>();
  private readonly announced = new Map<string, SimOrder['status']>();
  private pollTimer: TimerHandle | null = null;

  constructor(private readonly options: AccountStreamOptions) {}

  private get anyoneListening(): boolean {
    return [...this.clients].some((c) => c.token !== null);
  }

  accept(socket: WebSocket): void {
    const client: AccountClient = { socket, token: null };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData) => this.onPayload(client, data));
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.dropAll();
  }

  private onPayload(c: AccountClient, data: RawData): void {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(String(data)) as Record<string, unknown>;
      if (typeof m !== 'object' || m === null || !Array.isArray(m.events)) throw new Error('not a payload');
    } catch {
      c.socket.send(JSON.stringify({ error: SIM_ERRORS.payload }));
      return void c.socket.close(1008, SIM_ERRORS.payload);
    }
    const token = this.options.sessions.claim('account', m.sessionid);
    if (token === null) {
      c.socket.send(JSON.stringify({ error: SIM_ERRORS.session }));
      return void c.socket.close(1008, SIM_ERRORS.session);
    }
    // What happened before anyone listened is not news. Read without settling, so REST behaviour stays as it was.
    if (!this.anyoneListening) for (const o of this.options.exchange.orders.values()) this.announced.set(o.id, o.status);
    c.token = m.events.includes('order') ? token : null;
    this.arm();
  }

  private arm(): void {
    if (this.pollTimer !== null) return;
    let sinceHeartbeat = 0;
    const loop = () => {
      this.pollTimer = this.options.scheduler.setTimeout(() => {
        this.pollTimer = null;
        this.publishChanges();
        sinceHeartbeat += this.options.pollMs;
        if (sinceHeartbeat >= ACCOUNT_HEARTBEAT_MS) {
          sinceHeartbeat = 0;
          const at = new Date(this.options.scheduler.now()).toISOString();
          this.broadcast({ event: 'heartbeat', status: 'active', timestamp: at });
        }
        if (this.anyoneListening) loop();
      }, this.options.pollMs);
    };
    loop();
  }

  /** Announce every order whose state moved since the last call (the REST simulator calls this after each request). */
  publishChanges(): void {
    if (!this.anyoneListening) return;
    for (const o of this.options.exchange.list()) {
      const before = this.announced.get(o.id);
      if (before === o.status) continue;
      // A new order is announced open first, then in its state now when that is already another.
      if (before === undefined) this.broadcast(this.event({ ...o, status: 'OPEN', filledQuantity: 0, averagePrice: null }));
      if (o.status !== 'OPEN') this.broadcast(this.event(o));
      this.announced.set(o.id, o.status);
    }
  }

  private event(o: SimOrder): object {
    const rest = orderJson(o);
    return {
      id: rest.id,
      event: 'order',
      status: rest.status,
      type: rest.type,
      price: o.limitPrice ?? 0,
      stop_price: o.stopPrice ?? 0,
      avg_fill_price: rest.avg_fill_price,
      exec_quantity: rest.exec_quantity,
      last_fill_quantity: rest.last_fill_quantity,
      remaining_quantity: rest.remaining_quantity,
      transaction_date: rest.transaction_date,
      create_date: rest.create_date,
      account: this.options.account,
      // A leg of an advanced order names it (field unconfirmed).
      ...(o.extra.parentId ? { parent_id: Number(o.extra.parentId) } : {}),
      ...(o.clientOrderId ? { tag: o.clientOrderId } : {}),
      ...(o.rejectReason ? { reason_description: o.rejectReason } : {}),
    };
  }

  private broadcast(data: object): void {
    for (const c of this.clients) if (c.token !== null && c.socket.readyState === WebSocket.OPEN) c.socket.send(JSON.stringify(data));
  }
}
