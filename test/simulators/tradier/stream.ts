import { randomBytes } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import type { Clock } from '../../../src/main/clock';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange } from '../exchange';
import { LISTINGS } from './market';

/** A streaming session must be used within 5 minutes of its creation (Tradier's documented rule). */
export const SESSION_TTL_MS = 5 * 60_000;

export type SessionKind = 'market' | 'account';

interface Session {
  kind: SessionKind;
  token: string;
  createdAt: number;
  /** Set once a socket streamed with it: a used session no longer expires. */
  used: boolean;
}

/** `POST /v1/{markets,accounts}/events/session`: the session ids the two sockets accept. */
export class TradierSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly clock: Clock) {}

  create(kind: SessionKind, token: string): string {
    const id = randomBytes(16).toString('hex').toUpperCase();
    this.sessions.set(id, { kind, token, createdAt: this.clock.now(), used: false });
    return id;
  }

  /** The token behind a session id the socket of `kind` may use now, or null (unknown, other kind, or expired). */
  claim(kind: SessionKind, id: unknown): string | null {
    const s = typeof id === 'string' ? this.sessions.get(id) : undefined;
    if (!s || s.kind !== kind) return null;
    if (!s.used && this.clock.now() - s.createdAt > SESSION_TTL_MS) {
      this.sessions.delete(id as string);
      return null;
    }
    s.used = true;
    return s.token;
  }
}

const FILTERS = ['trade', 'quote', 'summary', 'timesale', 'tradex'] as const;
type Filter = (typeof FILTERS)[number];

interface MarketClient {
  socket: WebSocket;
  token: string | null;
  symbols: Set<string>;
  filter: Set<Filter>;
  linebreak: boolean;
}

export interface MarketStreamOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  sessions: TradierSessions;
  /** Symbols one payload may carry (Tradier publishes no limit; this is the simulator's). */
  symbolLimit: number;
  tickMs: number;
}

/**
 * What the simulator chose where Tradier documents nothing: an unknown or expired session id, a second streaming
 * socket for the same token, and a payload over the symbol limit each get one JSON line `{"error": "…"}`, then the
 * socket closes with 1008.
 */
export const SIM_ERRORS = {
  session: 'invalid session',
  tooMany: 'too many sessions requested',
  symbols: 'symbol limit exceeded',
  payload: 'invalid payload',
} as const;

const cents = (n: number) => Math.round(n * 100) / 100;

/** `wss://ws.tradier.com/v1/markets/events`: a JSON payload subscribes (a new one replaces it); events stream back. */
export class MarketEventsSocket {
  private readonly clients = new Set<MarketClient>();
  private tickTimer: TimerHandle | null = null;
  /** The day's cumulative volume per symbol (`cvol`): 100 shares per streamed trade. */
  private readonly volume = new Map<string, number>();

  constructor(private readonly options: MarketStreamOptions) {}

  accept(socket: WebSocket): void {
    const client: MarketClient = { socket, token: null, symbols: new Set(), filter: new Set(), linebreak: false };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData) => this.onPayload(client, data));
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  /** What each streaming socket is subscribed to now: its symbols (sorted) and its filter. */
  subscriptions(): { symbols: string[]; filter: string[] }[] {
    return [...this.clients].filter((c) => c.token !== null).map((c) => ({ symbols: [...c.symbols].sort(), filter: [...c.filter] }));
  }

  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.dropAll();
  }

  private refuse(c: MarketClient, error: string): void {
    c.socket.send(JSON.stringify({ error }));
    c.socket.close(1008, error);
  }

  private onPayload(c: MarketClient, data: RawData): void {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(String(data)) as Record<string, unknown>;
      if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new Error('not an object');
    } catch {
      return this.refuse(c, SIM_ERRORS.payload);
    }
    const token = this.options.sessions.claim('market', m.sessionid);
    if (token === null) return this.refuse(c, SIM_ERRORS.session);
    // One streaming session at a time per user: the newcomer is refused while another socket streams.
    if ([...this.clients].some((o) => o !== c && o.token === token)) return this.refuse(c, SIM_ERRORS.tooMany);
    const symbols = Array.isArray(m.symbols) ? m.symbols.filter((s): s is string => typeof s === 'string').map((s) => s.toUpperCase()) : [];
    if (symbols.length > this.options.symbolLimit) return this.refuse(c, SIM_ERRORS.symbols);
    const filter = Array.isArray(m.filter) ? m.filter.filter((f): f is Filter => (FILTERS as readonly unknown[]).includes(f)) : [...FILTERS];
    c.token = token;
    // validOnly (the default here): symbols the simulator does not list are dropped silently, as Tradier does.
    c.symbols = new Set(m.validOnly === false ? symbols : symbols.filter((s) => LISTINGS[s]));
    c.filter = new Set(filter);
    c.linebreak = m.linebreak === true;
    this.armTicks();
  }

  private armTicks(): void {
    if (this.tickTimer !== null) return;
    this.tickTimer = this.options.scheduler.setTimeout(() => {
      this.tickTimer = null;
      this.tick();
      if (this.clients.size > 0) this.armTicks();
    }, this.options.tickMs);
  }

  private addVolume(symbol: string): number {
    const cvol = (this.volume.get(symbol) ?? 0) + 100;
    this.volume.set(symbol, cvol);
    return cvol;
  }

  /** Per subscribed listed symbol: a trade (numbers as strings, as Tradier's examples show), a quote, a summary. */
  tick(): void {
    const at = this.options.scheduler.now();
    for (const c of this.clients) {
      if (c.token === null || c.socket.readyState !== WebSocket.OPEN) continue;
      const events: object[] = [];
      for (const symbol of c.symbols) {
        if (!LISTINGS[symbol]) continue;
        const price = this.options.exchange.price(symbol);
        const exch = LISTINGS[symbol].exchange;
        if (c.filter.has('trade')) {
          const p = price.toFixed(2);
          events.push({ type: 'trade', symbol, exch, price: p, size: '100', cvol: String(this.addVolume(symbol)), date: String(at), last: p });
        }
        if (c.filter.has('quote')) {
          events.push({
            type: 'quote',
            symbol,
            bid: cents(price - 0.01),
            bidsz: 3,
            bidexch: exch,
            biddate: String(at),
            ask: cents(price + 0.01),
            asksz: 5,
            askexch: exch,
            askdate: String(at),
          });
        }
        if (c.filter.has('summary')) {
          const prev = this.options.exchange.price(symbol); // the path is smooth: yesterday's close is not modelled
          events.push({
            type: 'summary',
            symbol,
            open: prev.toFixed(2),
            high: cents(price * 1.01).toFixed(2),
            low: cents(price * 0.99).toFixed(2),
            prevClose: prev.toFixed(2),
          });
        }
      }
      if (events.length === 0) continue;
      // With linebreak each event ends in a newline; without, events run together (Tradier's framing).
      c.socket.send(events.map((e) => JSON.stringify(e) + (c.linebreak ? '\n' : '')).join(''));
    }
  }
}
