import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange, SimOrder } from '../exchange';
import type { AngelSessions } from './sessions';
import { refuseUpgrade } from './smart-stream';
import { orderRow } from './trading';

export interface OrderStreamOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  sessions: AngelSessions;
  /** Concurrent sockets per client code (Angel's docs: 3; the next upgrade gets HTTP 429). */
  connectionLimit: number;
  /** How often the exchange is checked for fills no request caused (a limit crossed by the price path). */
  pollMs: number;
  /** Runs before each check, so ROBO legs armed or filled on the poll are announced too. */
  settle?: () => void;
}

interface Client {
  socket: WebSocket;
  clientcode: string;
}

/** What each order was last announced as: its order-status code. */
type Announced = 'AB01' | 'AB02' | 'AB03' | 'AB05' | 'AB10';

/** The order-status code for an order's state now (a resting stop order is "trigger pending"). */
function codeFor(o: SimOrder): Announced {
  if (o.status === 'FILLED') return 'AB05';
  if (o.status === 'CANCELLED') return 'AB02';
  if (o.status === 'REJECTED') return 'AB03';
  return o.type === 'STOP' || o.type === 'STOP_LIMIT' ? 'AB10' : 'AB01';
}

/**
 * Angel's order-status socket (`/smart-order-update`): `Authorization: Bearer <JWT>` at the upgrade (401 unknown,
 * 403 expired, 429 past 3 per client code), the AB00 greeting, then one message per order change with `orderData`
 * shaped like an order-book row.
 */
export class AngelOrderStream {
  private readonly clients = new Set<Client>();
  private readonly announced = new Map<string, Announced>();
  private pollTimer: TimerHandle | null = null;

  constructor(
    private readonly wss: WebSocketServer,
    private readonly options: OrderStreamOptions,
  ) {}

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const header = req.headers.authorization;
    // The docs and the JS SDK send "Bearer <JWT>"; a bare JWT is accepted as well.
    const jwt = (Array.isArray(header) ? header[0] : header)?.replace(/^Bearer\s+/i, '');
    const session = this.options.sessions.checkDetailed(jwt);
    if (session === 'expired') return refuseUpgrade(socket, 403, 'Forbidden');
    if (typeof session === 'string') return refuseUpgrade(socket, 401, 'Unauthorized');
    if ([...this.clients].filter((c) => c.clientcode === session.clientcode).length >= this.options.connectionLimit) {
      return refuseUpgrade(socket, 429, 'Too Many Requests');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, session.clientcode));
  }

  private accept(socket: WebSocket, clientcode: string): void {
    // What happened before anyone listened is not news. Read without settling, so REST behaviour stays as it was.
    if (this.clients.size === 0) for (const o of this.options.exchange.orders.values()) this.announced.set(o.id, codeFor(o));
    const client: Client = { socket, clientcode };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const text = (Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[])).toString('utf8');
      if (!isBinary && text === 'ping') this.send(client, 'pong');
    });
    this.send(client, JSON.stringify(this.message(clientcode, 'AB00', {})));
    this.armPoll();
  }

  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.dropAll();
  }

  private message(clientcode: string, code: string, orderData: Record<string, unknown>): object {
    return { 'user-id': clientcode, 'status-code': '200', 'order-status': code, 'error-message': '', orderData };
  }

  private send(c: Client, text: string): void {
    if (c.socket.readyState === WebSocket.OPEN) c.socket.send(text);
  }

  private armPoll(): void {
    if (this.pollTimer !== null) return;
    this.pollTimer = this.options.scheduler.setTimeout(() => {
      this.pollTimer = null;
      this.publishChanges();
      if (this.clients.size > 0) this.armPoll();
    }, this.options.pollMs);
  }

  /**
   * Announce every order whose state moved since the last call (the REST simulator calls this after each request).
   * An order that filled or was rejected at once is first announced open, as the exchange saw it.
   */
  publishChanges(): void {
    this.options.settle?.();
    if (this.clients.size === 0) return;
    for (const o of this.options.exchange.list()) {
      const before = this.announced.get(o.id);
      const now = codeFor(o);
      if (before === now) continue;
      const row = orderRow(o);
      if (before === undefined && now === 'AB05') {
        const open = { ...row, status: 'open', orderstatus: 'open', filledshares: '0', unfilledshares: String(o.quantity), averageprice: 0 };
        this.broadcast('AB01', open);
      }
      this.broadcast(now, row);
      this.announced.set(o.id, now);
    }
  }

  private broadcast(code: string, orderData: Record<string, unknown>): void {
    for (const c of this.clients) this.send(c, JSON.stringify(this.message(c.clientcode, code, orderData)));
  }
}
