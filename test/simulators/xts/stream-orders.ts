import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimOrder } from '../exchange';
import { orderRow } from './interactive';
import { CODES } from './responses';
import type { XtsSimState } from './state';

export interface XtsOrderStreamOptions {
  state: XtsSimState;
  scheduler: Scheduler;
  /** How often fills that no request caused (a limit order crossing) are looked for. */
  pollMs: number;
  /** The `order` event's payload: JSON text (default) or an object; Symphony's SDK passes either through. */
  payload: 'text' | 'object';
}

const query = (socket: Socket, name: string) => {
  const v = socket.handshake.query[name];
  return typeof v === 'string' ? v : '';
};

/**
 * The XTS interactive socket at the fixed path `/interactive/socket.io` (query token, userID, apiType=INTERACTIVE):
 * `joined` on connect, then an `order` event for every change of an order placed, cancelled or filled over REST
 * (a placed order first as New, then in its current state).
 */
export class XtsOrderStream {
  readonly io: Server;
  /** Order id → the last state published (`status:filled`). */
  private readonly published = new Map<string, string>();
  private timer: TimerHandle | null = null;

  constructor(private readonly options: XtsOrderStreamOptions) {
    this.io = new Server({ path: '/interactive/socket.io', allowEIO3: true, serveClient: false, destroyUpgrade: false, cors: { origin: false } });
    this.io.use((socket, next) => {
      if (!options.state.valid('interactive', query(socket, 'token'))) {
        return next(Object.assign(new Error('Invalid Token'), { data: { type: 'error', code: CODES.invalidToken, description: 'Invalid Token' } }));
      }
      if (query(socket, 'apiType') !== 'INTERACTIVE') return next(new Error('apiType must be INTERACTIVE'));
      return next();
    });
    this.io.on('connection', (socket) => {
      socket.data = { token: query(socket, 'token') };
      socket.emit('joined', JSON.stringify({ type: 'success', code: 's-socket-0001', description: 'Joined', result: { userID: query(socket, 'userID') } }));
      this.arm();
    });
  }

  attach(server: http.Server): void {
    this.io.attach(server);
  }

  get connectionCount(): number {
    return this.io.of('/').sockets.size;
  }

  dropAll(): void {
    for (const socket of this.io.of('/').sockets.values()) socket.conn.close();
  }

  /** Publish every order whose state changed since the last call (called after each REST request and on the timer). */
  publishChanges(): void {
    const { state } = this.options;
    state.brackets.settle();
    for (const order of state.exchange.list()) {
      const now = `${order.status}:${order.filledQuantity}`;
      const before = this.published.get(order.id);
      if (before === now) continue;
      this.published.set(order.id, now);
      if (before === undefined) this.emit(order, true);
      if (before !== undefined || order.status !== 'OPEN') this.emit(order, false);
    }
  }

  close(): void {
    if (this.timer !== null) this.options.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.io.disconnectSockets(true);
    this.io.engine?.close();
  }

  private emit(order: SimOrder, asNew: boolean): void {
    const row = orderRow(this.options.state, order, asNew);
    const payload = this.options.payload === 'object' ? row : JSON.stringify(row);
    for (const socket of this.io.of('/').sockets.values()) {
      if (this.options.state.valid('interactive', (socket.data as { token: string }).token)) socket.emit('order', payload);
    }
  }

  private arm(): void {
    if (this.timer !== null) return;
    this.timer = this.options.scheduler.setTimeout(() => {
      this.timer = null;
      this.publishChanges();
      if (this.connectionCount > 0) this.arm();
    }, this.options.pollMs);
  }
}
