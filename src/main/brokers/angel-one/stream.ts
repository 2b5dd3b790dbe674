import { BrokerSocket } from '../../streaming/broker-socket';
import type { MarketStream, MarketStreamCapability, MarketStreamHandlers, MarketStreamStatus, StreamMode, StreamProblem, Tick } from '../../streaming/types';
import type { BrokerContext, Instrument } from '../types';
import { ANGEL_LIVE_URL } from './descriptor';
import { decodeSmartStreamPacket, EXCHANGE_TYPES, type SmartStreamMode, type SmartStreamPacket } from './smart-stream-packet';

/** SmartStream 2.0 on Angel's own host. */
export const ANGEL_STREAM_URL = 'wss://smartapisocket.angelone.in/smart-stream';

/** Angel's SDKs ping every 10 s and give a socket up after 20 s without any message. */
const PING_EVERY_MS = 10_000;
const SILENCE_MS = 20_000;

// Angel's Quote packet (mode 2) has no best bid/ask; the seam's quote mode promises them, so it takes SnapQuote too.
const MODES: Readonly<Record<StreamMode, SmartStreamMode>> = { ltp: 1, quote: 3, full: 3 };

/** The real host for Angel's own API URL; an override (simulator, proxy) serves the socket on its own host. */
export function angelWsUrl(ctx: BrokerContext, realUrl: string, path: string): string {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  if (base === ANGEL_LIVE_URL) return realUrl;
  return `${base.replace(/^http/, 'ws')}${path}`;
}

export function streamUrl(ctx: BrokerContext): string {
  return angelWsUrl(ctx, ANGEL_STREAM_URL, '/smart-stream');
}

/**
 * The upgrade headers SmartStream authenticates with, from the stored session (login stores jwtToken and feedToken),
 * or null when the session lacks one: then there is nothing to open until the user logs in again.
 */
export function smartStreamHeaders(ctx: BrokerContext): Record<string, string> | null {
  const { jwtToken, feedToken, clientcode, api_key: apiKey } = ctx.credentials;
  if (!jwtToken || !feedToken || !clientcode || !apiKey) return null;
  // SECURITY: credentials go only into these upgrade headers, never into a status, problem or log.
  // No "Bearer": the JS SDK sends the bare JWT (Angel accepts both, per the protocol sheet).
  return { Authorization: jwtToken, 'x-api-key': apiKey, 'x-client-code': clientcode, 'x-feed-token': feedToken };
}

interface Carried {
  symbol: string;
  mode: SmartStreamMode;
  exchangeType: number;
  token: string;
}

type Subscription = Omit<Carried, 'symbol'>;

/** One `{action, params:{mode, tokenList}}` request per mode, tokens grouped by exchange type. */
function requests(action: 0 | 1, subs: readonly Subscription[]): object[] {
  const byMode = new Map<SmartStreamMode, Map<number, string[]>>();
  for (const s of subs) {
    const byExchange = byMode.get(s.mode) ?? new Map<number, string[]>();
    byMode.set(s.mode, byExchange);
    byExchange.set(s.exchangeType, [...(byExchange.get(s.exchangeType) ?? []), s.token]);
  }
  return [...byMode].map(([mode, byExchange]) => ({
    // The docs describe a 10-character id that comes back in error answers.
    correlationID: 'bvstream01',
    action,
    params: { mode, tokenList: [...byExchange].map(([exchangeType, tokens]) => ({ exchangeType, tokens })) },
  }));
}

/** Angel's text answers besides binary ticks: `pong`, a JSON error for a request, other JSON, or garbage. */
function parseText(text: string): { errorCode: string } | 'pong' | 'unknown' | 'malformed' {
  if (text === 'pong') return 'pong';
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return 'malformed';
  }
  if (typeof m !== 'object' || m === null) return 'malformed';
  const code = (m as { errorCode?: unknown }).errorCode;
  return typeof code === 'string' ? { errorCode: code } : 'unknown';
}

/** One SmartStream 2.0 socket: auth at the upgrade, JSON subscribe per mode, binary packets to ticks. */
export class AngelMarketStream implements MarketStream {
  private readonly socket: BrokerSocket | null;
  private done = false;
  /** `${exchangeType}:${token}` → what the manager asked for. */
  private readonly carried = new Map<string, Carried>();
  private readonly lastTs = new Map<string, number>();

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: MarketStreamHandlers,
    url = streamUrl(ctx),
  ) {
    const headers = smartStreamHeaders(ctx);
    if (!headers) {
      // No session to authenticate with: report it once the caller has the stream in hand.
      this.socket = null;
      void Promise.resolve().then(() => this.finish({ state: 'closed', reason: 'auth' }));
      return;
    }
    this.socket = new BrokerSocket({
      url,
      headers,
      scheduler: ctx.scheduler,
      silenceMs: SILENCE_MS,
      keepAlive: { everyMs: PING_EVERY_MS, send: 'ping' },
      onOpen: () => this.onOpen(),
      onMessage: (data) => this.onMessage(data),
      onEnd: (reason) => this.finish({ state: 'closed', reason }),
    });
  }

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    const wire = MODES[mode];
    const added: Subscription[] = [];
    const dropped: Subscription[] = [];
    for (const symbol of symbols) {
      const instrument = this.instrument(symbol);
      if (!instrument) continue;
      const key = `${instrument.exchangeType}:${instrument.token}`;
      const before = this.carried.get(key);
      if (before?.mode === wire) continue;
      // Angel counts each token×mode on its own: leave the old mode when changing.
      if (before) dropped.push(before);
      const next = { symbol, mode: wire, ...instrument };
      this.carried.set(key, next);
      added.push(next);
    }
    this.sendAll(requests(0, dropped));
    this.sendAll(requests(1, added));
  }

  unsubscribe(symbols: readonly string[]): void {
    const gone: Subscription[] = [];
    for (const symbol of symbols) {
      const instrument = this.instrument(symbol, false);
      const key = instrument && `${instrument.exchangeType}:${instrument.token}`;
      const before = key ? this.carried.get(key) : undefined;
      if (!before || !key) continue;
      this.carried.delete(key);
      this.lastTs.delete(key);
      gone.push(before);
    }
    this.sendAll(requests(0, gone));
  }

  close(): void {
    this.done = true;
    this.socket?.close();
  }

  /** The wire address of a common symbol from the instrument master, or null (counted) when SmartStream cannot carry it. */
  private instrument(symbol: string, count = true): { exchangeType: number; token: string } | null {
    const found: Instrument | null = this.ctx.instruments.find(symbol.toUpperCase());
    const exchangeType = found ? EXCHANGE_TYPES[found.exchange] : undefined;
    if (!found?.token || exchangeType === undefined) {
      if (count) this.problem('unsupported');
      return null;
    }
    return { exchangeType, token: found.token };
  }

  private sendAll(messages: object[]): void {
    // Before the upgrade completes nothing is sent: onOpen sends everything carried.
    if (!this.socket?.isOpen) return;
    for (const m of messages) this.socket.send(JSON.stringify(m));
  }

  private onOpen(): void {
    if (this.done) return;
    this.sendAll(requests(1, [...this.carried.values()]));
    this.handlers.onStatus({ state: 'open' });
  }

  private finish(status: MarketStreamStatus): void {
    if (this.done) return;
    this.done = true;
    this.handlers.onStatus(status);
  }

  private problem(kind: StreamProblem): void {
    if (!this.done) this.handlers.onProblem?.(kind);
  }

  private onMessage(data: string | Buffer): void {
    if (this.done) return;
    if (typeof data !== 'string') return this.onPacket(data);
    const text = parseText(data.trim());
    if (text === 'pong') return;
    if (text === 'malformed' || text === 'unknown') return this.problem(text);
    // E1002: the subscription quota is spent; the manager decides what next. E1001 (bad payload) and others are counted.
    if (text.errorCode === 'E1002') return this.socket?.end('refused');
    this.problem('error');
  }

  private onPacket(buf: Buffer): void {
    const decoded = decodeSmartStreamPacket(buf);
    if ('problem' in decoded) return this.problem(decoded.problem);
    const p = decoded.packet;
    const key = `${p.exchangeType}:${p.token}`;
    const carried = this.carried.get(key);
    // A packet for a token just unsubscribed, or one that has not traded yet: nothing to show.
    if (!carried || p.ltp <= 0) return;
    const last = this.lastTs.get(key);
    if (last !== undefined && p.exchangeTs < last) return this.problem('out-of-order');
    this.lastTs.set(key, p.exchangeTs);
    this.handlers.onTick(toTick(carried.symbol, p));
  }
}

/** A tick in the common form: volume from Quote and SnapQuote, best bid and ask from SnapQuote's best five. */
export function toTick(symbol: string, p: SmartStreamPacket): Tick {
  const tick: Tick = { symbol, ltp: p.ltp, ts: p.exchangeTs };
  if (p.quote) tick.volume = p.quote.volume;
  const bid = p.snap?.bids[0]?.price;
  const ask = p.snap?.asks[0]?.price;
  if (bid !== undefined) tick.bid = bid;
  if (ask !== undefined) tick.ask = ask;
  return tick;
}

/**
 * SmartStream's limits: about 1000 token subscriptions per session (the Python SDK's constant; exact quota
 * unconfirmed) and 3 sockets per client code (reported on Angel's forum; unconfirmed).
 */
export const angelMarketStream: MarketStreamCapability<BrokerContext> = {
  limits: { instrumentsPerSocket: 1000, socketsPerAccount: 3 },
  open: (ctx, handlers) => new AngelMarketStream(ctx, handlers),
};
