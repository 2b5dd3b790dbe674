import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange, SimOrder } from '../exchange';
import { dec, iso, orderJson } from './wire';

export interface TradeStreamOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  keys: { apiKeyId: string; apiSecretKey: string };
  /** Paper sends JSON in binary frames, live in text frames. */
  environment: 'paper' | 'live';
  /** How often the exchange is checked for fills that happen without a request (a limit crossed by the price path). */
  pollMs: number;
}

interface Client {
  socket: WebSocket;
  authorized: boolean;
  streams: string[];
}

/** Alpaca's trading socket (`/stream`): authorization, `listen`, and `trade_updates` events. */
export class AlpacaTradeStream {
  private readonly clients = new Set<Client>();
  /** The last status each order was announced with. */
  private readonly announced = new Map<string, SimOrder['status'] | 'NEW'>();
  private pollTimer: TimerHandle | null = null;
  private executions = 0;

  constructor(private readonly options: TradeStreamOptions) {}

  private get anyoneListening(): boolean {
    return [...this.clients].some((c) => c.streams.length > 0);
  }

  accept(socket: WebSocket): void {
    const client: Client = { socket, authorized: false, streams: [] };
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
    if (c.socket.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(message);
    c.socket.send(this.options.environment === 'paper' ? Buffer.from(text, 'utf8') : text);
  }

  private onMessage(c: Client, data: RawData): void {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8')) as Record<string, unknown>;
      if (typeof m !== 'object' || m === null) throw new Error('not an object');
    } catch {
      return this.send(c, { stream: 'error', data: { error_message: 'invalid syntax' } });
    }
    const body = (m.data ?? {}) as Record<string, unknown>;
    if (m.action === 'auth' || m.action === 'authenticate') {
      // Two spellings: the documented {key, secret} and the SDK's {data: {key_id, secret_key}}.
      const key = m.action === 'auth' ? m.key : body.key_id;
      const secret = m.action === 'auth' ? m.secret : body.secret_key;
      c.authorized = key === this.options.keys.apiKeyId && secret === this.options.keys.apiSecretKey;
      const status = c.authorized ? 'authorized' : 'unauthorized';
      return this.send(c, { stream: 'authorization', data: { action: 'authenticate', status } });
    }
    if (m.action === 'listen') {
      if (!c.authorized) return this.send(c, { stream: 'authorization', data: { action: 'listen', status: 'unauthorized' } });
      const streams = Array.isArray(body.streams) ? body.streams.filter((s): s is string => s === 'trade_updates') : [];
      // What happened before anyone listened is not news. Read without settling, so REST behaviour stays as it was.
      if (!this.anyoneListening) for (const o of this.options.exchange.orders.values()) this.announced.set(o.id, o.status);
      c.streams = streams;
      this.send(c, { stream: 'listening', data: { streams } });
      this.armPoll();
      return;
    }
    this.send(c, { stream: 'error', data: { error_message: 'unrecognized action' } });
  }

  private armPoll(): void {
    if (this.pollTimer !== null) return;
    this.pollTimer = this.options.scheduler.setTimeout(() => {
      this.pollTimer = null;
      this.publishChanges();
      if (this.anyoneListening) this.armPoll();
    }, this.options.pollMs);
  }

  /**
   * Announce every order whose state moved since the last call (the REST simulator calls this after each request).
   * With no listener it does nothing, not even settle the exchange, so the REST simulator behaves as without streams.
   */
  publishChanges(): void {
    if (!this.anyoneListening) return;
    const ex = this.options.exchange;
    for (const o of ex.list()) {
      const before = this.announced.get(o.id);
      if (before === o.status) continue;
      if (before === undefined) this.broadcast({ event: 'new', timestamp: iso(o.createdAt), order: { ...orderJson(o, true), status: 'new' } });
      if (o.status === 'FILLED') {
        const positionQty = ex.positionList().find((p) => p.symbol === o.symbol)?.quantity ?? 0;
        this.broadcast({
          event: 'fill',
          timestamp: iso(o.updatedAt),
          execution_id: `${o.id}-exec-${++this.executions}`,
          price: dec(o.averagePrice ?? 0),
          qty: dec(o.filledQuantity),
          position_qty: dec(positionQty),
          order: orderJson(o),
        });
      } else if (o.status === 'CANCELLED') {
        this.broadcast({ event: 'canceled', timestamp: iso(o.updatedAt), order: orderJson(o) });
      } else if (o.status === 'REJECTED') {
        this.broadcast({ event: 'rejected', timestamp: iso(o.updatedAt), order: orderJson(o) });
      }
      this.announced.set(o.id, o.status);
    }
  }

  private broadcast(data: object): void {
    for (const c of this.clients) if (c.streams.includes('trade_updates')) this.send(c, { stream: 'trade_updates', data });
  }
}
