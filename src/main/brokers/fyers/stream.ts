import { BrokerSocket } from '../../streaming/broker-socket';
import type { MarketStream, MarketStreamCapability, MarketStreamHandlers, MarketStreamStatus, StreamMode, StreamProblem, Tick } from '../../streaming/types';
import { BrokerError, type BrokerContext } from '../types';
import { fyersRoot } from './client';
import { FYERS_API_HOST } from './descriptor';
import { hsmKeyOf } from './hsm-key';
import { fetchScripTopics, knownTopic, SYMBOLS_PER_TOKEN_CALL } from './hsm-topics';
import {
  channelRequest,
  connectRequest,
  decodeFrame,
  HSM_REQUEST,
  HsmDecodeError,
  modeRequest,
  parseCatalogue,
  PING_REQUEST,
  ackRequest,
  scripRequest,
  type HsmCatalogue,
  type HsmEntry,
  type HsmResponse,
  type HsmValue,
} from './hsm-codec';

export const FYERS_HSM_URL = 'wss://socket.fyers.in/hsm/v1-5/prod';
const HSM_PATH = '/hsm/v1-5/prod';

/** ltp symbols stream on a lite channel, quote/full ones on a full channel (the SDK's defaults: 1–10 lite, 11–30 full). */
export const LITE_CHANNEL = 1;
export const FULL_CHANNEL = 11;
/** The SDK pings every 30 s; silence past two missed rounds means the socket is dead. */
const PING_EVERY_MS = 30_000;
export const HSM_SILENCE_MS = 75_000;
/** The SDK's per-request cap on scrips. */
const SCRIPS_PER_REQUEST = 1500;

/** The real HSM host for FYERS' own API host; a simulator or proxy override serves the socket on its own host. */
export function hsmUrl(ctx: BrokerContext): string {
  const root = fyersRoot(ctx);
  if (root === FYERS_API_HOST) return FYERS_HSM_URL;
  return `${root.replace(/^http/, 'ws')}${HSM_PATH}`;
}

/** What the stream survived without passing it on. */
export interface FyersStreamCounters {
  malformed: number;
  unknown: number;
  /** Refused acknowledgements that did not end the socket, and symbol-token failures. */
  errors: number;
  /** Symbols FYERS has no token for, or that are not FYERS symbols at all. */
  unsupported: number;
  outOfOrder: number;
}

interface TopicState {
  topic: string;
  symbol: string;
  isIndex: boolean;
  /** Where this topic's tick fields sit among its values (scrip or index order). */
  fields: Record<TickField, number>;
  values: HsmValue[];
  divisor: number;
}

/** Catalogue short names of the values a tick is made of. */
type TickField = 'ltp' | 'ltt' | 'bp' | 'sp' | 'v';

const NO_FIELDS: Record<TickField, number> = { ltp: -1, ltt: -1, bp: -1, sp: -1, v: -1 };

const channelOf = (mode: StreamMode) => (mode === 'ltp' ? LITE_CHANNEL : FULL_CHANNEL);

/** One HSM data socket: hsm_key from the token, symbols resolved to scrip topics over REST, binary ticks in the common form. */
export class FyersMarketStream implements MarketStream {
  readonly counters: FyersStreamCounters = { malformed: 0, unknown: 0, errors: 0, unsupported: 0, outOfOrder: 0 };
  private readonly socket: BrokerSocket | null = null;
  private done = false;
  private ready = false;
  private ackCount = 0;
  private received = 0;
  private catalogue: HsmCatalogue | null = null;
  /** Where the fields a tick needs sit among a scrip's and an index's values (-1: not in the catalogue). */
  private scripFields: Record<TickField, number> = NO_FIELDS;
  private indexFields: Record<TickField, number> = NO_FIELDS;
  /** Common symbol → the mode asked for. */
  private readonly wanted = new Map<string, StreamMode>();
  /** Common symbol → its scrip topic, once resolved, and the reverse (two common spellings may share a topic). */
  private readonly topics = new Map<string, string>();
  private readonly symbolsByTopic = new Map<string, Set<string>>();
  private readonly resolving = new Set<string>();
  /** Topic → the channel the server has it on. */
  private readonly onServer = new Map<string, number>();
  private readonly byTopicId = new Map<number, TopicState>();
  private readonly lastTs = new Map<string, number>();

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: MarketStreamHandlers,
    url = hsmUrl(ctx),
  ) {
    const hsmKey = hsmKeyOf(ctx.credentials.access_token, ctx.clock.now());
    if (hsmKey === null) {
      // No socket without a usable key (as the SDK refuses to start); reported after open() has returned.
      queueMicrotask(() => this.finish({ state: 'closed', reason: 'auth' }));
      return;
    }
    this.socket = new BrokerSocket({
      url,
      scheduler: ctx.scheduler,
      silenceMs: HSM_SILENCE_MS,
      keepAlive: { everyMs: PING_EVERY_MS, send: PING_REQUEST },
      onOpen: () => this.socket?.send(connectRequest(hsmKey)),
      onMessage: (data) => this.onFrame(data),
      onEnd: (reason) => this.finish({ state: 'closed', reason }),
    });
  }

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    // A closed stream makes no more symbol-token calls.
    if (this.done) return;
    for (const symbol of symbols) this.wanted.set(symbol, mode);
    this.resolve(symbols.filter((s) => !this.topics.has(s) && !this.resolving.has(s)));
    this.sync();
  }

  unsubscribe(symbols: readonly string[]): void {
    for (const symbol of symbols) {
      this.wanted.delete(symbol);
      this.lastTs.delete(symbol);
    }
    this.sync();
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  private problem(kind: StreamProblem, counter: keyof FyersStreamCounters): void {
    this.counters[counter]++;
    this.handlers.onProblem?.(kind);
  }

  private finish(status: MarketStreamStatus): void {
    if (this.done) return;
    this.done = true;
    this.socket?.close();
    this.handlers.onStatus(status);
  }

  /** Symbols → topics: at once where they are known, else through symbol-token calls of at most 500 tickers. */
  private resolve(symbols: readonly string[]): void {
    const tickers = new Map<string, string[]>();
    for (const symbol of symbols) {
      const known = knownTopic(this.ctx, symbol);
      if (known === null) {
        this.wanted.delete(symbol);
        this.problem('unsupported', 'unsupported');
      } else if ('topic' in known) this.learnTopic(symbol, known.topic);
      else {
        this.resolving.add(symbol);
        tickers.set(known.ticker, [...(tickers.get(known.ticker) ?? []), symbol]);
      }
    }
    const names = [...tickers.keys()];
    for (let i = 0; i < names.length; i += SYMBOLS_PER_TOKEN_CALL) void this.resolveBatch(names.slice(i, i + SYMBOLS_PER_TOKEN_CALL), tickers);
  }

  private async resolveBatch(batch: string[], tickers: Map<string, string[]>): Promise<void> {
    let topics: Map<string, string | null>;
    try {
      topics = await fetchScripTopics(this.ctx, batch);
    } catch (error) {
      if (this.done) return;
      // A dead session cannot stream; anything else (limits, network) is worth a fresh socket after the manager's backoff.
      const auth = error instanceof BrokerError && (error.code === 'TOKEN_EXPIRED' || error.code === 'INVALID_CREDENTIALS');
      this.counters.errors++;
      this.finish({ state: 'closed', reason: auth ? 'auth' : 'dropped' });
      return;
    }
    if (this.done) return;
    for (const [ticker, topic] of topics) {
      for (const symbol of tickers.get(ticker) ?? []) {
        this.resolving.delete(symbol);
        if (topic === null) {
          this.wanted.delete(symbol);
          this.problem('unsupported', 'unsupported');
        } else this.learnTopic(symbol, topic);
      }
    }
    this.sync();
  }

  private learnTopic(symbol: string, topic: string): void {
    this.topics.set(symbol, topic);
    this.symbolsByTopic.set(topic, (this.symbolsByTopic.get(topic) ?? new Set()).add(symbol));
  }

  /** Bring the server's subscriptions in line with what is wanted: a mode change moves a topic between channels. */
  private sync(): void {
    if (!this.ready || this.done) return;
    const want = new Map<string, number>();
    for (const [symbol, mode] of this.wanted) {
      const topic = this.topics.get(symbol);
      if (topic) want.set(topic, Math.max(want.get(topic) ?? 0, channelOf(mode)));
    }
    const drop = new Map<number, string[]>();
    const add = new Map<number, string[]>();
    const push = (into: Map<number, string[]>, channel: number, topic: string) => into.set(channel, [...(into.get(channel) ?? []), topic]);
    for (const [topic, channel] of this.onServer) {
      if (want.get(topic) !== channel) push(drop, channel, topic);
    }
    for (const [topic, channel] of want) {
      if (this.onServer.get(topic) !== channel) push(add, channel, topic);
    }
    for (const [channel, topics] of drop) {
      for (const topic of topics) this.onServer.delete(topic);
      this.sendScrips(HSM_REQUEST.unsubscribe, topics, channel);
    }
    for (const [channel, topics] of add) {
      for (const topic of topics) this.onServer.set(topic, channel);
      this.sendScrips(HSM_REQUEST.subscribe, topics, channel);
    }
  }

  private sendScrips(type: typeof HSM_REQUEST.subscribe | typeof HSM_REQUEST.unsubscribe, topics: string[], channel: number): void {
    for (let i = 0; i < topics.length; i += SCRIPS_PER_REQUEST) this.socket?.send(scripRequest(type, topics.slice(i, i + SCRIPS_PER_REQUEST), channel));
  }

  private onFrame(data: string | Buffer): void {
    if (this.done) return;
    if (typeof data === 'string') return this.problem('unknown', 'unknown');
    let packets: HsmResponse[];
    try {
      packets = decodeFrame(data, { ackCount: this.ackCount, liteValues: (topicId) => this.liteValues(topicId) });
    } catch (error) {
      if (!(error instanceof HsmDecodeError)) throw error;
      return this.problem('malformed', 'malformed');
    }
    for (const p of packets) {
      if (this.done) return;
      this.onPacket(p);
    }
  }

  /** A lite entry's value count depends on its topic's kind (the SDK sizes it the same way). */
  private liteValues(topicId: number): number {
    const catalogue = this.catalogue;
    if (!catalogue) return 1;
    return this.byTopicId.get(topicId)?.isIndex ? catalogue.indexLiteValues : catalogue.liteValues;
  }

  private onPacket(p: HsmResponse): void {
    switch (p.type) {
      case 'connection':
        return this.onConnection(p);
      case 'ack':
        if (p.ok) return;
        // A refused subscribe is the server's limit (or a topic it does not carry): the manager decides what next.
        if (p.request === HSM_REQUEST.subscribe) return this.finish({ state: 'closed', reason: 'refused' });
        return this.problem('error', 'errors');
      case 'data':
        return this.onData(p.messageNumber, p.entries);
      case 'ping':
        return;
      default:
        return this.problem('unknown', 'unknown');
    }
  }

  private onConnection(p: Extract<HsmResponse, { type: 'connection' }>): void {
    // Status N: the key was refused (the SDK reports code 11001). SECURITY: nothing of the key goes into the status.
    if (!p.ok) return this.finish({ state: 'closed', reason: 'auth' });
    if (this.ready) return this.problem('unknown', 'unknown');
    this.catalogue = parseCatalogue(p.catalogue);
    if (this.catalogue === null) {
      // Without field names no value can be read (the SDK is stuck the same way): a broken server, not a bad key.
      this.problem('malformed', 'malformed');
      return this.finish({ state: 'closed', reason: 'dropped' });
    }
    const { scrip, index } = this.catalogue;
    this.scripFields = { ltp: scrip.indexOf('ltp'), ltt: scrip.indexOf('ltt'), bp: scrip.indexOf('bp'), sp: scrip.indexOf('sp'), v: scrip.indexOf('v') };
    // An index has a value (`iv`) and no book or volume; its ticks are timed on arrival.
    this.indexFields = { ...NO_FIELDS, ltp: index.indexOf('iv') };
    this.ackCount = p.ackCount;
    this.ready = true;
    this.socket?.send(channelRequest(HSM_REQUEST.resume, [LITE_CHANNEL, FULL_CHANNEL]));
    this.socket?.send(modeRequest([LITE_CHANNEL], 'lite'));
    this.socket?.send(modeRequest([FULL_CHANNEL], 'full'));
    this.handlers.onStatus({ state: 'open' });
    this.sync();
  }

  private onData(messageNumber: number | null, entries: HsmEntry[]): void {
    if (this.ackCount > 0 && ++this.received % this.ackCount === 0) this.socket?.send(ackRequest(messageNumber ?? this.received));
    for (const e of entries) {
      if (this.done) return;
      if (e.kind === 'snapshot') this.onSnapshot(e);
      else this.onUpdate(e.topicId, e.values, e.kind === 'lite');
    }
  }

  private onSnapshot(e: Extract<HsmEntry, { kind: 'snapshot' }>): void {
    const symbol = this.symbolOf(e.topic);
    if (symbol === null) return; // a topic just unsubscribed
    const isIndex = e.topic.startsWith('if|');
    // A scrip's token string must be its topic's token (the SDK files ticks under it); an index is named instead.
    if (e.multiplier < 1 || e.precision > 8 || (!isIndex && !e.topic.endsWith(`|${e.token}`))) return this.problem('malformed', 'malformed');
    const fields = isIndex ? this.indexFields : this.scripFields;
    this.byTopicId.set(e.topicId, { topic: e.topic, symbol, isIndex, fields, values: e.values, divisor: e.multiplier * 10 ** e.precision });
    this.emit(e.topicId);
  }

  private onUpdate(topicId: number, values: HsmValue[], lite: boolean): void {
    const state = this.byTopicId.get(topicId);
    // An update before its snapshot cannot be named; one for a dropped topic is late, not wrong.
    if (!state) return this.problem('malformed', 'malformed');
    if (this.symbolOf(state.topic) === null) return;
    values.forEach((v, i) => {
      if (v !== null) state.values[i] = v;
    });
    // A lite entry carries the last price alone: its time is when it arrived, not the snapshot's trade time.
    this.emit(topicId, lite);
  }

  /** The subscribed common symbol a topic stands for, or null once nobody wants it. */
  private symbolOf(topic: string): string | null {
    for (const symbol of this.symbolsByTopic.get(topic) ?? []) if (this.wanted.has(symbol)) return symbol;
    return null;
  }

  private value(state: TopicState, field: TickField): number | undefined {
    const index = state.fields[field];
    const raw = index < 0 ? null : (state.values[index] ?? null);
    return raw === null ? undefined : raw;
  }

  private emit(topicId: number, lite = false): void {
    const state = this.byTopicId.get(topicId)!;
    const rawLtp = this.value(state, 'ltp');
    if (rawLtp === undefined || rawLtp <= 0) return; // no trade yet
    const mode = this.wanted.get(state.symbol) ?? 'ltp';
    const price = (name: 'bp' | 'sp') => {
      const v = this.value(state, name);
      return v !== undefined && v > 0 ? v / state.divisor : undefined;
    };
    const ltt = lite ? undefined : this.value(state, 'ltt');
    const ts = ltt !== undefined && ltt > 0 ? ltt * 1000 : this.ctx.clock.now();
    const last = this.lastTs.get(state.symbol);
    if (last !== undefined && ts < last) return this.problem('out-of-order', 'outOfOrder');
    this.lastTs.set(state.symbol, ts);
    const tick: Tick = { symbol: state.symbol, ltp: rawLtp / state.divisor, ts };
    if (mode !== 'ltp') {
      const bid = price('bp');
      const ask = price('sp');
      const volume = this.value(state, 'v');
      if (bid !== undefined) tick.bid = bid;
      if (ask !== undefined) tick.ask = ask;
      if (volume !== undefined && volume >= 0) tick.volume = volume;
    }
    this.handlers.onTick(tick);
  }
}

/**
 * FYERS market data. Instruments per socket: 200, the figure FYERS' own Python SDK page gives; the JS SDK enforces
 * 5000 (sources disagree, unconfirmed): the lower one is kept so a real account is never over. One socket per
 * account, as the SDK keeps its data socket a process-wide singleton.
 */
export const fyersMarketStream: MarketStreamCapability<BrokerContext> = {
  limits: { instrumentsPerSocket: 200, socketsPerAccount: 1 },
  open: (ctx, handlers) => new FyersMarketStream(ctx, handlers),
};
