import type { IncomingMessage } from 'node:http';
import { decode, encode, EXT_TIMESTAMP, ExtensionCodec, encodeTimeSpecToTimestamp } from '@msgpack/msgpack';
import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange } from '../exchange';
import { quote, trade } from './market-data';
import { ASSETS } from './wire';

/** Market-data socket paths the simulator serves, and the symbols each feed has data for. */
const FEEDS: Record<string, readonly string[]> = {
  '/v2/iex': ASSETS.map((a) => a.symbol),
  '/v2/sip': ASSETS.map((a) => a.symbol),
  '/v2/test': ['FAKEPACA'],
};
const TAPE: Record<string, string> = Object.fromEntries(ASSETS.map((a) => [a.symbol, a.tape]));
/** Channels a stock feed offers; only trades and quotes carry simulated data, the others are accepted and stay quiet. */
const CHANNELS = ['trades', 'quotes', 'bars', 'updatedBars', 'dailyBars', 'statuses', 'lulds'] as const;
type Channel = (typeof CHANNELS)[number];

export interface DataStreamOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  keys: { apiKeyId: string; apiSecretKey: string };
  /** An unauthenticated socket gets 404 "auth timeout" after this long (Alpaca's limit is unconfirmed). */
  authTimeoutMs: number;
  /** Symbols per connection across all channels (Alpaca's limit depends on the plan). */
  symbolLimit: number;
  /** How often subscribed symbols get a trade and a quote. */
  tickMs: number;
}

interface Client {
  socket: WebSocket;
  /** `Content-Type: application/msgpack` on the upgrade switches both directions to MessagePack (what the v4 SDK asks for). */
  codec: 'json' | 'msgpack';
  feed: string;
  authenticatedAs: string | null;
  subs: Record<Channel, Set<string>>;
  authTimer: TimerHandle | null;
}

/** A stream timestamp: JSON writes it as RFC-3339 text, MessagePack as the timestamp extension (-1) with nanoseconds. */
class StreamTime {
  constructor(
    readonly ms: number,
    /** Nanoseconds below the millisecond. */
    readonly subNanos: number,
  ) {}
  toJSON(): string {
    const iso = new Date(this.ms).toISOString(); // …T04:00:00.123Z
    return `${iso.slice(0, -1)}${String(this.subNanos).padStart(6, '0')}Z`;
  }
}

const msgpackCodec = new ExtensionCodec();
msgpackCodec.register({
  type: EXT_TIMESTAMP,
  encode: (value) => {
    if (!(value instanceof StreamTime)) return null;
    const sec = Math.floor(value.ms / 1000);
    return encodeTimeSpecToTimestamp({ sec, nsec: (value.ms - sec * 1000) * 1_000_000 + value.subNanos });
  },
  decode: () => null,
});

const send = (c: Client, messages: object[]) => {
  if (c.socket.readyState !== WebSocket.OPEN) return;
  c.socket.send(c.codec === 'msgpack' ? encode(messages, { extensionCodec: msgpackCodec }) : JSON.stringify(messages));
};
const error = (code: number, msg: string) => ({ T: 'error', code, msg });

/** Nanosecond time of one message; the sub-millisecond digits come from a sequence number so output stays deterministic. */
const nanoTime = (ms: number, seq: number) => new StreamTime(ms, seq % 1_000_000);

/** Alpaca's market-data WebSocket (`/v2/{feed}`), JSON codec. */
export class AlpacaDataStream {
  private readonly clients = new Set<Client>();
  private seq = 0;
  private tickTimer: TimerHandle | null = null;

  constructor(private readonly options: DataStreamOptions) {}

  handles(path: string): boolean {
    return path in FEEDS;
  }

  /** The upgrade succeeded: greet, and authenticate at once when the upgrade carried the REST key headers. */
  accept(socket: WebSocket, req: IncomingMessage, path: string): void {
    const subs = Object.fromEntries(CHANNELS.map((ch) => [ch, new Set<string>()])) as Record<Channel, Set<string>>;
    const codec = /application\/msgpack/i.test(String(req.headers['content-type'] ?? '')) ? 'msgpack' : 'json';
    const client: Client = { socket, codec, feed: path, authenticatedAs: null, subs, authTimer: null };
    this.clients.add(client);
    socket.on('close', () => {
      this.options.scheduler.clearTimeout(client.authTimer);
      this.clients.delete(client);
    });
    socket.on('message', (data: RawData) => this.onMessage(client, data));
    send(client, [{ T: 'success', msg: 'connected' }]);
    const key = req.headers['apca-api-key-id'];
    if (key !== undefined) {
      this.authenticate(client, String(key), String(req.headers['apca-api-secret-key'] ?? ''));
      if (client.authenticatedAs) return;
    }
    client.authTimer = this.options.scheduler.setTimeout(() => {
      if (client.authenticatedAs) return;
      send(client, [error(404, 'auth timeout')]);
      socket.close();
    }, this.options.authTimeoutMs);
  }

  /** Server-side drop of every socket (what a network cut or a server restart looks like to clients). */
  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  get connectionCount(): number {
    return this.clients.size;
  }

  private authenticate(c: Client, key: string, secret: string): void {
    if (c.authenticatedAs) return send(c, [error(403, 'already authenticated')]);
    if (key !== this.options.keys.apiKeyId || secret !== this.options.keys.apiSecretKey) return send(c, [error(402, 'auth failed')]);
    // One connection per endpoint per key: the newcomer is refused and closed.
    if ([...this.clients].some((o) => o !== c && o.feed === c.feed && o.authenticatedAs === key)) {
      send(c, [error(406, 'connection limit exceeded')]);
      c.socket.close();
      return;
    }
    c.authenticatedAs = key;
    this.options.scheduler.clearTimeout(c.authTimer);
    send(c, [{ T: 'success', msg: 'authenticated' }]);
  }

  private onMessage(c: Client, data: RawData): void {
    let msg: unknown;
    try {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
      msg = c.codec === 'msgpack' ? decode(bytes) : JSON.parse(bytes.toString('utf8'));
    } catch {
      return send(c, [error(400, 'invalid syntax')]);
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return send(c, [error(400, 'invalid syntax')]);
    const m = msg as Record<string, unknown>;
    if (m.action === 'auth') {
      if (typeof m.key !== 'string' || typeof m.secret !== 'string') return send(c, [error(400, 'invalid syntax')]);
      return this.authenticate(c, m.key, m.secret);
    }
    if (m.action !== 'subscribe' && m.action !== 'unsubscribe') return send(c, [error(400, 'invalid syntax')]);
    if (!c.authenticatedAs) return send(c, [error(401, 'not authenticated')]);
    const changes = Object.entries(m).filter(([k]) => k !== 'action');
    for (const [k, v] of changes) {
      if (!(CHANNELS as readonly string[]).includes(k)) return send(c, [error(410, 'invalid subscribe action')]);
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) return send(c, [error(400, 'invalid syntax')]);
    }
    const next = Object.fromEntries(CHANNELS.map((ch) => [ch, new Set(c.subs[ch])])) as Record<Channel, Set<string>>;
    for (const [k, v] of changes as [Channel, string[]][]) {
      for (const symbol of v) {
        if (m.action === 'subscribe') next[k].add(symbol.toUpperCase());
        else next[k].delete(symbol.toUpperCase());
      }
    }
    const count = new Set(CHANNELS.flatMap((ch) => [...next[ch]])).size;
    if (count > this.options.symbolLimit) return send(c, [error(405, 'symbol limit exceeded')]);
    c.subs = next;
    send(c, [{ T: 'subscription', ...Object.fromEntries(CHANNELS.map((ch) => [ch, [...c.subs[ch]]])) }]);
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

  /** One trade and one quote per subscribed symbol the feed knows, at the exchange's current price. */
  tick(): void {
    const ex = this.options.exchange;
    const at = this.options.scheduler.now();
    for (const c of this.clients) {
      if (!c.authenticatedAs) continue;
      const known = FEEDS[c.feed]!;
      const pick = (ch: Channel) => (c.subs[ch].has('*') ? known : known.filter((s) => c.subs[ch].has(s)));
      const out: object[] = [];
      for (const S of pick('trades')) {
        const seq = ++this.seq;
        out.push({ T: 't', S, ...trade(ex, S, at, TAPE[S] ?? 'C'), i: seq, t: nanoTime(at, seq) });
      }
      for (const S of pick('quotes')) out.push({ T: 'q', S, ...quote(ex, S, at, TAPE[S] ?? 'C'), t: nanoTime(at, ++this.seq) });
      if (out.length > 0) send(c, out);
    }
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.dropAll();
  }
}
