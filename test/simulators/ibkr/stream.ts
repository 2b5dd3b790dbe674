import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import { priceAt } from '../exchange';
import type { SimOrder } from '../exchange';
import { liveItem } from './order-routes';
import { contractByConid, exchangeSymbol, insideRegularHours, type GatewayState } from './state';

export interface IbkrStreamOptions {
  state: GatewayState;
  scheduler: Scheduler;
  /** How often subscribed conids get an `smd` update (only the fields that changed), and orders are checked. */
  tickMs: number;
  /** Interval of `{"topic":"system","hb":…}` heartbeats (the gateway's own interval is unconfirmed). */
  heartbeatMs: number;
  /** An `smd` subscription ends this long after it was last sent (IBKR: 10 minutes, changelog 14 Apr 2026). */
  smdLifetimeMs: number;
  /** Market-data lines (concurrent `smd` conids) one session may hold (IBKR's default allowance: 100). */
  maxLines: number;
}

interface Subscription {
  fields: Set<string>;
  renewedAt: number;
  /** The value of each field last sent, so an update carries only what changed. */
  sent: Map<string, string>;
}

interface Client {
  socket: WebSocket;
  /** The session value this socket authenticated with, or null while it waits for one. */
  session: string | null;
  subs: Map<number, Subscription>;
  orders: boolean;
}

const SERVER = { serverName: 'JifN19053', serverVersion: 'Build 10.25.0p, Dec 5, 2023 5:48:12 PM' };

/**
 * The gateway's websocket (`/v1/api/ws`, RealtimeSubscription.html): `{"message":"waiting for session"}` on open; the
 * `session` value of `/tickle` sent back authenticates (`sts` + `system`); a wrong one is met with silence (IBKR's
 * answer is unconfirmed). Text requests `smd+<conid>+{"fields":[…]}` (resend adds fields), `umd+<conid>+{}`,
 * `sor+{}` / `uor+{}`, `tic`, `ech+hb`. Replies are JSON with `topic`. A socket whose session ended (logout, idle
 * timeout, a new login) is closed at the next heartbeat.
 */
export class IbkrGatewayStream {
  private readonly clients = new Set<Client>();
  /** The last status each order was announced with. */
  private readonly announced = new Map<string, SimOrder['status']>();
  private tickTimer: TimerHandle | null = null;
  private heartbeatTimer: TimerHandle | null = null;
  /** `{"session":…}` messages with a value that is not the gateway's current session. */
  sessionsRefused = 0;

  constructor(private readonly options: IbkrStreamOptions) {}

  get connectionCount(): number {
    return this.clients.size;
  }

  /** The conids each authenticated socket receives data for. */
  subscriptions(): number[][] {
    return [...this.clients].filter((c) => c.session !== null).map((c) => [...c.subs.keys()]);
  }

  /** The fields each authenticated socket receives per conid. */
  fields(): Record<number, string[]>[] {
    return [...this.clients].filter((c) => c.session !== null).map((c) => Object.fromEntries([...c.subs].map(([conid, sub]) => [conid, [...sub.fields]])));
  }

  accept(socket: WebSocket): void {
    const client: Client = { socket, session: null, subs: new Map(), orders: false };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData) =>
      this.onMessage(client, Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8')),
    );
    this.send(client, { message: 'waiting for session' });
    this.arm();
  }

  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.tickTimer);
    this.options.scheduler.clearTimeout(this.heartbeatTimer);
    this.tickTimer = this.heartbeatTimer = null;
    this.dropAll();
  }

  private send(c: Client, message: object): void {
    if (c.socket.readyState === WebSocket.OPEN) c.socket.send(JSON.stringify(message));
  }

  private get sessionLive(): boolean {
    const { state } = this.options;
    state.refresh();
    return state.loggedIn && state.brokerage && !state.competing;
  }

  private onMessage(c: Client, text: string): void {
    const { state } = this.options;
    if (text.startsWith('{')) {
      let m: unknown;
      try {
        m = JSON.parse(text);
      } catch {
        return;
      }
      const session = (m as { session?: unknown }).session;
      if (typeof session !== 'string' || c.session !== null) return;
      if (!this.sessionLive || session !== state.sessionId) {
        this.sessionsRefused++;
        return; // a wrong session: no sts, no data
      }
      c.session = session;
      state.touch();
      this.send(c, { topic: 'sts', args: { authenticated: true, competing: false, message: '', fail: '', ...SERVER, username: state.login.username } });
      this.send(c, { topic: 'system', success: state.login.username, isFT: false, isPaper: state.selectedAccount.startsWith('D') });
      return;
    }
    if (c.session === null) return;
    const now = this.options.scheduler.now();
    if (text === 'tic') {
      state.touch();
      return this.send(c, { topic: 'tic', alive: true, id: c.session.slice(0, 8), lastAccessed: now });
    }
    if (text === 'ech+hb') return this.send(c, { topic: 'ech+hb', alive: true });
    const smd = /^smd\+(\d+)\+(\{.*\})$/s.exec(text);
    if (smd) return this.subscribe(c, Number(smd[1]), smd[2]!);
    const umd = /^umd\+(\d+)\+/.exec(text);
    if (umd) {
      c.subs.delete(Number(umd[1]));
      return;
    }
    if (text.startsWith('sor+')) {
      c.orders = true;
      this.markKnown();
      return this.send(c, { topic: 'sor', args: state.exchange.list().map(liveItem) });
    }
    if (text.startsWith('uor+')) c.orders = false;
    // Anything else: the gateway ignores it.
  }

  private subscribe(c: Client, conid: number, argText: string): void {
    const topic = `smd+${conid}`;
    let fields: string[];
    try {
      const args = JSON.parse(argText) as { fields?: unknown };
      fields = Array.isArray(args.fields) ? args.fields.map(String) : ['31'];
    } catch {
      return this.send(c, { topic, error: 'Bad Request: malformed arguments' });
    }
    if (!contractByConid(conid)) return this.send(c, { topic, error: `Invalid conid: ${conid}` });
    const existing = c.subs.get(conid);
    if (!existing && c.subs.size >= this.options.maxLines) {
      return this.send(c, { topic, error: `Max number of market data lines (${this.options.maxLines}) exceeded` });
    }
    const sub = existing ?? { fields: new Set<string>(), renewedAt: 0, sent: new Map<string, string>() };
    for (const f of fields) sub.fields.add(f);
    sub.renewedAt = this.options.scheduler.now();
    c.subs.set(conid, sub);
    this.update(c, conid, sub);
  }

  private arm(): void {
    const { scheduler } = this.options;
    if (this.tickTimer === null) {
      this.tickTimer = scheduler.setTimeout(() => {
        this.tickTimer = null;
        this.tick();
        if (this.clients.size > 0) this.arm();
      }, this.options.tickMs);
    }
    if (this.heartbeatTimer === null) {
      this.heartbeatTimer = scheduler.setTimeout(() => {
        this.heartbeatTimer = null;
        this.heartbeat();
        if (this.clients.size > 0) this.arm();
      }, this.options.heartbeatMs);
    }
  }

  /** Every tickMs: changed fields of every live subscription (lapsed ones end), and orders a price move filled. */
  tick(): void {
    const now = this.options.scheduler.now();
    for (const c of this.clients) {
      if (c.session === null) continue;
      for (const [conid, sub] of c.subs) {
        if (now - sub.renewedAt >= this.options.smdLifetimeMs) c.subs.delete(conid);
        else this.update(c, conid, sub);
      }
    }
    this.publishChanges();
  }

  private heartbeat(): void {
    const now = this.options.scheduler.now();
    const live = this.sessionLive;
    for (const c of this.clients) {
      if (c.session === null) continue;
      // The session this socket authenticated with is over: the gateway closes it.
      if (!live || c.session !== this.options.state.sessionId) c.socket.close(1000, 'session ended');
      else this.send(c, { topic: 'system', hb: now });
    }
  }

  /** The fields of one conid that changed since the last update; field 31 carries a C prefix outside regular hours. */
  private update(c: Client, conid: number, sub: Subscription): void {
    const contract = contractByConid(conid)!;
    const now = this.options.scheduler.now();
    const symbol = exchangeSymbol(contract);
    const last = priceAt(symbol, now);
    const values: Record<string, string> = {
      '31': insideRegularHours(now) ? last.toFixed(2) : `C${priceAt(symbol, now - 86_400_000).toFixed(2)}`,
      '84': (last - 0.05).toFixed(2),
      '86': (last + 0.05).toFixed(2),
      '55': contract.ticker,
      '7741': priceAt(symbol, now - 86_400_000).toFixed(2),
    };
    const changed: Record<string, string> = {};
    for (const f of sub.fields) {
      const value = values[f];
      if (value === undefined || sub.sent.get(f) === value) continue;
      sub.sent.set(f, value);
      changed[f] = value;
    }
    if (Object.keys(changed).length === 0) return;
    this.send(c, { topic: `smd+${conid}`, conid, conidEx: String(conid), server_id: `q${conid % 7}`, _updated: now, '6119': `q${conid % 7}`, ...changed });
  }

  /** What happened before anyone listened to orders is not news. Read without settling, so REST stays as it was. */
  private markKnown(): void {
    if ([...this.clients].filter((c) => c.orders).length > 1) return;
    for (const o of this.options.state.exchange.orders.values()) this.announced.set(o.id, o.status);
  }

  /** A `sor` message for every order whose state moved (called after every API request and every tick). */
  publishChanges(): void {
    const listening = [...this.clients].filter((c) => c.orders && c.session !== null);
    if (listening.length === 0) return;
    const moved = this.options.state.exchange.list().filter((o) => this.announced.get(o.id) !== o.status);
    if (moved.length === 0) return;
    for (const o of moved) this.announced.set(o.id, o.status);
    for (const c of listening) this.send(c, { topic: 'sor', args: moved.map(liveItem) });
  }
}
