import { WebSocket, type RawData } from 'ws';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimExchange } from '../exchange';
import { BY_TOPIC, INDEX_BY_TOPIC, type IndexRow, type MasterRow } from './master';
import {
  ackResponse,
  CATALOGUE,
  connectionResponse,
  dataPacket,
  NO_VALUE,
  parseChannels,
  parseRequest,
  parseTopics,
  PING_RESPONSE,
  SCRIP_FIELDS,
  type DataEntry,
} from './hsm-wire';

export interface HsmStreamOptions {
  exchange: SimExchange;
  scheduler: Scheduler;
  /** The data socket's credential check: a live session's hsm_key. */
  validKey(key: string): boolean;
  /** Symbols one socket may carry across channels (the JS SDK checks 5000; the Python SDK's page says 200). */
  scripLimit: number;
  /** Scrips in one subscribe request (the SDK's MAX_SCRIPS). */
  scripsPerRequest: number;
  /** When > 0, data packets carry a message number (the client acks every that many). */
  ackCount: number;
  tickMs: number;
}

interface Client {
  socket: WebSocket;
  connected: boolean;
  /** channel → topics on it */
  subs: Map<number, Set<string>>;
  paused: Set<number>;
  /** Channels in lite mode (1–10 by default; 11–30 full). */
  lite: Set<number>;
  topicIds: Map<string, number>;
  messages: number;
}

const CHANNELS = Array.from({ length: 30 }, (_, i) => i + 1);

/** FYERS' HSM data socket (`/hsm/v1-5/prod`): connect with the hsm_key, scrip topics per channel, lite/full data. */
export class FyersHsmStream {
  private readonly clients = new Set<Client>();
  private tickTimer: TimerHandle | null = null;
  private volume = 0;
  /** What clients sent that the server could not read (tests check the app sends none). */
  badRequests = 0;
  /** Pings received, and the message numbers clients acknowledged (type 3). */
  pings = 0;
  readonly acks: number[] = [];
  /** While muted the server reads requests but sends nothing at all (a server that stopped answering). */
  muted = false;

  constructor(private readonly options: HsmStreamOptions) {}

  get connectionCount(): number {
    return this.clients.size;
  }

  /** Topics subscribed on the one connected socket, per channel (for tests). */
  subscriptions(): Map<number, string[]> {
    const out = new Map<number, string[]>();
    for (const c of this.clients) for (const [ch, topics] of c.subs) if (topics.size) out.set(ch, [...topics].sort());
    return out;
  }

  accept(socket: WebSocket): void {
    const client: Client = {
      socket,
      connected: false,
      subs: new Map(),
      paused: new Set(),
      lite: new Set(CHANNELS.filter((c) => c <= 10)),
      topicIds: new Map(),
      messages: 0,
    };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
      if (!isBinary) {
        this.badRequests++;
        return;
      }
      this.onRequest(client, bytes);
    });
  }

  dropAll(): void {
    for (const c of this.clients) c.socket.terminate();
  }

  close(): void {
    this.options.scheduler.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.dropAll();
  }

  private send(c: Client, bytes: Buffer): void {
    if (!this.muted && c.socket.readyState === WebSocket.OPEN) c.socket.send(bytes);
  }

  private onRequest(c: Client, bytes: Buffer): void {
    const req = parseRequest(bytes);
    if (!req) {
      this.badRequests++;
      return;
    }
    if (req.type === 1) return this.onConnect(c, req.fields);
    // Whether the real server answers pings is unconfirmed; an echo keeps an idle client's watchdog fed (the SDK ignores it).
    if (req.type === 11) {
      this.pings++;
      return this.send(c, PING_RESPONSE);
    }
    if (req.type === 3) {
      const n = req.fields.get(1);
      if (n?.length === 4) this.acks.push(n.readUInt32BE(0));
      else this.badRequests++;
      return;
    }
    if (!c.connected) {
      this.badRequests++;
      return;
    }
    if (req.type === 4 || req.type === 5) return this.onScrips(c, req.type, req.fields);
    if (req.type === 7 || req.type === 8) {
      const channels = parseChannels(req.fields.get(1));
      if (!channels) return this.send(c, ackResponse(req.type, false));
      for (const ch of channels) {
        if (req.type === 7) c.paused.add(ch);
        else c.paused.delete(ch);
      }
      return this.send(c, ackResponse(req.type, true));
    }
    if (req.type === 12) {
      const channels = parseChannels(req.fields.get(1));
      const mode = req.fields.get(2)?.[0];
      if (!channels || (mode !== 76 && mode !== 70)) return this.send(c, ackResponse(12, false));
      for (const ch of channels) {
        if (mode === 76) c.lite.add(ch);
        else c.lite.delete(ch);
      }
      return this.send(c, ackResponse(12, true));
    }
    this.badRequests++;
  }

  /** Status N for a key no live session carries, then close (which of the two the real server does is unconfirmed). */
  private onConnect(c: Client, fields: Map<number, Buffer>): void {
    const key = fields.get(1)?.toString('latin1') ?? '';
    if (!this.options.validKey(key) || fields.get(2)?.toString('latin1') !== 'P') {
      this.send(c, connectionResponse(false, 0, ''));
      c.socket.close();
      return;
    }
    c.connected = true;
    this.send(c, connectionResponse(true, this.options.ackCount, CATALOGUE));
  }

  private onScrips(c: Client, type: 4 | 5, fields: Map<number, Buffer>): void {
    const topics = parseTopics(fields.get(1));
    const channel = fields.get(2)?.[0] ?? 0;
    if (!topics || channel < 1 || channel > 30 || topics.length > this.options.scripsPerRequest) return this.send(c, ackResponse(type, false));
    const on = c.subs.get(channel) ?? new Set<string>();
    if (type === 5) {
      for (const t of topics) on.delete(t);
      c.subs.set(channel, on);
      return this.send(c, ackResponse(type, true));
    }
    const total = new Set([...c.subs.values()].flatMap((s) => [...s]).concat(topics)).size;
    // Unknown topics and a request past the limit are refused whole.
    if (total > this.options.scripLimit || topics.some((t) => !BY_TOPIC.has(t) && !INDEX_BY_TOPIC.has(t))) return this.send(c, ackResponse(type, false));
    const fresh = topics.filter((t) => !on.has(t));
    for (const t of topics) on.add(t);
    c.subs.set(channel, on);
    this.send(c, ackResponse(type, true));
    // A snapshot names each new topic (topic id ↔ name) with every field, before any update or lite entry.
    if (fresh.length > 0)
      this.send(
        c,
        dataPacket(
          this.messageNumber(c),
          fresh.map((t) => this.snapshot(c, t)),
        ),
      );
    this.armTicks();
  }

  private messageNumber(c: Client): number | null {
    return this.options.ackCount > 0 ? ++c.messages : null;
  }

  private topicId(c: Client, topic: string): number {
    let id = c.topicIds.get(topic);
    if (id === undefined) {
      id = c.topicIds.size + 1;
      c.topicIds.set(topic, id);
    }
    return id;
  }

  /** Every scrip field in catalogue order, in paise (multiplier 1, precision 2). */
  private values(row: MasterRow): number[] {
    const at = this.options.scheduler.now();
    const price = this.options.exchange.price(row.common);
    const paise = (inr: number) => Math.round(inr * 100);
    const tick = paise(row.tick);
    const ltp = paise(price);
    const byName: Record<string, number> = {
      ltp,
      v: 1_000 + this.volume,
      ltt: Math.floor(at / 1000),
      fdtm: Math.floor(at / 1000),
      bq: 100,
      bs: 120,
      bp: ltp - tick,
      sp: ltp + tick,
      ltq: 1,
      tbq: 5_000,
      tsq: 4_800,
      ap: ltp,
      lo: ltp - 10 * tick,
      h: ltp + 10 * tick,
      op: ltp,
      c: ltp,
    };
    return SCRIP_FIELDS.map(([, name]) => byName[name] ?? NO_VALUE);
  }

  /** An index's values in the catalogue's index order (`iv`, `ic`), in paise. */
  private indexValues(row: IndexRow): number[] {
    const iv = Math.round(this.options.exchange.price(row.common) * 100);
    return [iv, iv];
  }

  /** The token string equals the topic's HSM token: FYERS' JS SDK files ticks under it and drops any it cannot match. */
  private snapshot(c: Client, topic: string): DataEntry {
    const index = INDEX_BY_TOPIC.get(topic);
    // An index's token string is its name ("Nifty 50"): FYERS' JS SDK files index ticks under the name and drops others.
    if (index) {
      const [exchange, symbol] = index.ticker.split(':') as [string, string];
      return {
        kind: 'S',
        topicId: this.topicId(c, topic),
        topic,
        values: this.indexValues(index),
        multiplier: 1,
        precision: 2,
        exchange,
        token: topic.slice(topic.lastIndexOf('|') + 1),
        symbol,
      };
    }
    const row = BY_TOPIC.get(topic)!;
    const token = topic.slice(topic.lastIndexOf('|') + 1);
    const symbol = row.ticker.slice(row.ticker.indexOf(':') + 1);
    return {
      kind: 'S',
      topicId: this.topicId(c, topic),
      topic,
      values: this.values(row),
      multiplier: 1,
      precision: 2,
      exchange: row.ticker.slice(0, row.ticker.indexOf(':')),
      token,
      symbol,
    };
  }

  private armTicks(): void {
    if (this.tickTimer !== null) return;
    this.tickTimer = this.options.scheduler.setTimeout(() => {
      this.tickTimer = null;
      this.tick();
      if (this.clients.size > 0) this.armTicks();
    }, this.options.tickMs);
  }

  /** One update (full channels) or lite entry (lite channels) per subscribed topic on every channel not paused. */
  tick(): void {
    this.volume += 10;
    for (const c of this.clients) {
      if (!c.connected) continue;
      const entries: DataEntry[] = [];
      for (const [channel, topics] of c.subs) {
        if (c.paused.has(channel)) continue;
        for (const topic of topics) {
          const index = INDEX_BY_TOPIC.get(topic);
          const values = index ? this.indexValues(index) : this.values(BY_TOPIC.get(topic)!);
          const topicId = this.topicId(c, topic);
          entries.push(c.lite.has(channel) ? { kind: 'L', topicId, values: values.slice(0, 1) } : { kind: 'U', topicId, values });
        }
      }
      if (entries.length > 0) this.send(c, dataPacket(this.messageNumber(c), entries));
    }
  }
}
