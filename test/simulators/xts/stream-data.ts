import type http from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Scheduler, TimerHandle } from '../../../src/main/scheduler';
import type { SimRequest, SimResponse, SimRouter } from '../harness';
import { guard, jsonBody } from './guard';
import { findInstrument, SEGMENT_CODES, type SimInstrument } from './instruments';
import { badRequest, CODES, error, success } from './responses';
import type { XtsSimState } from './state';

const ROOT = '/apimarketdata';
/** The codes this simulator streams: touchline, market depth, LTP. */
const STREAM_CODES = [1501, 1502, 1512];
/** Seconds from 1980-01-01 00:00 IST to the Unix epoch: NSE segments count from there, the others from 1970. */
const XTS_EPOCH_OFFSET = 315_513_000;
const NSE_SEGMENTS = new Set(['NSECM', 'NSEFO', 'NSECD']);

export interface XtsDataStreamOptions {
  state: XtsSimState;
  scheduler: Scheduler;
  /** Interval of streamed events. */
  tickMs: number;
  /** Instruments one market-data session may subscribe (XTS publishes no figure; see docs/brokers/xts.md). */
  instrumentLimit: number;
}

interface DataSocket {
  token: string;
  partial: boolean;
}

/** Socket.io's own error for a refused handshake; the client sees it as `connect_error` with this message. */
function refusal(message: string, code: string): Error {
  return Object.assign(new Error(message), { data: { type: 'error', code, description: message } });
}

const query = (socket: Socket, name: string) => {
  const v = socket.handshake.query[name];
  return typeof v === 'string' ? v : '';
};

/**
 * XTS market data over socket.io at `/apimarketdata/socket.io` (socket.io v4 with `allowEIO3`, so Symphony's SDK on
 * socket.io-client 2.x connects, over long-polling first as that SDK does, or straight over WebSocket). Subscriptions
 * are REST calls on the session's token; events go to every socket of that token, every `tickMs` of the scheduler.
 */
export class XtsDataStream {
  readonly io: Server;
  /** Session token → `<segment>_<id>` → message codes subscribed. */
  private readonly subscriptions = new Map<string, Map<string, Set<number>>>();
  private timer: TimerHandle | null = null;
  private paused = false;

  constructor(private readonly options: XtsDataStreamOptions) {
    this.io = new Server({ path: `${ROOT}/socket.io`, allowEIO3: true, serveClient: false, destroyUpgrade: false, cors: { origin: false } });
    this.io.use((socket, next) => {
      // A bad token is refused at the handshake (connect_error "Invalid Token"), never after `joined`.
      if (!options.state.valid('marketData', query(socket, 'token'))) return next(refusal('Invalid Token', CODES.invalidToken));
      if (!query(socket, 'userID')) return next(refusal('userID is required', CODES.badRequest));
      if (query(socket, 'publishFormat') !== 'JSON') return next(refusal('This simulator publishes JSON only', CODES.badRequest));
      return next();
    });
    this.io.on('connection', (socket) => {
      const data: DataSocket = { token: query(socket, 'token'), partial: query(socket, 'broadcastMode').toLowerCase() === 'partial' };
      socket.data = data;
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

  /** Instruments (any code) subscribed on a session token. */
  subscribedCount(token: string): number {
    return this.subscriptions.get(token)?.size ?? 0;
  }

  /** Message codes subscribed for one instrument (`<segment>_<id>`) on a session token, ascending. */
  subscribedCodes(token: string, key: string): number[] {
    return [...(this.subscriptions.get(token)?.get(key) ?? [])].sort((a, b) => a - b);
  }

  /** Drop every socket as a network failure would (the transport closes, no disconnect packet). */
  dropAll(): void {
    for (const socket of this.io.of('/').sockets.values()) socket.conn.close();
  }

  /** Stop (or resume) sending events while keeping the sockets: a feed that went silent. */
  pause(paused: boolean): void {
    this.paused = paused;
  }

  /** Send one round of events now (the timer does this every tickMs). */
  publish(): void {
    const { state } = this.options;
    for (const socket of this.io.of('/').sockets.values()) {
      const data = socket.data as DataSocket;
      if (!state.valid('marketData', data.token)) {
        // The session ended (expired, logged out, or replaced by a new login): XTS says logout and closes.
        socket.emit('logout', JSON.stringify({ type: 'error', code: CODES.invalidToken, description: 'Invalid Token' }));
        socket.disconnect(true);
        continue;
      }
      if (this.paused) continue;
      for (const [key, codes] of this.subscriptions.get(data.token) ?? []) {
        const [segment, id] = key.split('_').map(Number);
        const instrument = findInstrument(segment!, id!);
        if (!instrument) continue;
        for (const code of codes) {
          if (data.partial) socket.emit(`${code}-json-partial`, this.partialEvent(instrument, code));
          else socket.emit(`${code}-json-full`, this.fullEvent(instrument, code));
        }
      }
    }
  }

  close(): void {
    if (this.timer !== null) this.options.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.io.disconnectSockets(true);
    this.io.engine?.close();
  }

  /** `POST` subscribes and answers the current full event per instrument; `PUT` unsubscribes. */
  routes(router: SimRouter): void {
    const { state } = this.options;
    router.on(
      'POST',
      `${ROOT}/instruments/subscription`,
      guard(state, 'marketData', {}, (req) => this.subscribe(req)),
    );
    router.on(
      'PUT',
      `${ROOT}/instruments/subscription`,
      guard(state, 'marketData', {}, (req) => this.unsubscribe(req)),
    );
  }

  private request(req: SimRequest): { token: string; code: number; instruments: SimInstrument[] } | SimResponse {
    const body = jsonBody(req);
    const list = body?.instruments;
    if (!Array.isArray(list) || list.length === 0) return badRequest('instruments', '"instruments" must contain at least 1 items');
    const code = Number(body?.xtsMessageCode);
    if (!STREAM_CODES.includes(code)) return badRequest('xtsMessageCode', `"xtsMessageCode" must be one of [${STREAM_CODES.join(', ')}]`);
    const instruments: SimInstrument[] = [];
    for (const entry of list) {
      const e = entry as { exchangeSegment?: unknown; exchangeInstrumentID?: unknown };
      const instrument = findInstrument(Number(e.exchangeSegment), Number(e.exchangeInstrumentID));
      if (!instrument) return error(400, CODES.badRequest, 'Invalid instrument');
      instruments.push(instrument);
    }
    return { token: req.headers.authorization ?? '', code, instruments };
  }

  private subscribe(req: SimRequest): SimResponse {
    const parsed = this.request(req);
    if (!('instruments' in parsed)) return parsed;
    const { token, code, instruments } = parsed;
    const book = this.subscriptions.get(token) ?? new Map<string, Set<number>>();
    const fresh = instruments.filter((i) => !book.get(keyOf(i))?.has(code));
    // OpenAlgo saw XTS refuse a repeated subscription with e-session-0002; new instruments in the same call still count.
    if (fresh.length === 0) return error(400, 'e-session-0002', 'Instrument Already Subscribed !');
    const total = new Set([...book.keys(), ...fresh.map(keyOf)]).size;
    if (total > this.options.instrumentLimit) {
      return error(400, 'e-session-0005', `Subscription limit exceeded: at most ${this.options.instrumentLimit} instruments`);
    }
    for (const i of fresh) {
      const codes = book.get(keyOf(i)) ?? new Set<number>();
      codes.add(code);
      book.set(keyOf(i), codes);
    }
    this.subscriptions.set(token, book);
    this.arm();
    return success('s-session-0001', 'Instrument subscribed successfully!', {
      mdp: code,
      quotesList: fresh.map((i) => ({ exchangeSegment: SEGMENT_CODES[i.segment], exchangeInstrumentID: i.id })),
      listQuotes: fresh.map((i) => this.fullEvent(i, code)),
    });
  }

  private unsubscribe(req: SimRequest): SimResponse {
    const parsed = this.request(req);
    if (!('instruments' in parsed)) return parsed;
    const book = this.subscriptions.get(parsed.token);
    for (const i of parsed.instruments) {
      const codes = book?.get(keyOf(i));
      codes?.delete(parsed.code);
      if (codes && codes.size === 0) book!.delete(keyOf(i));
    }
    return success('s-session-0002', 'Instrument unsubscribed successfully!', {
      mdp: parsed.code,
      unsubList: parsed.instruments.map((i) => ({ exchangeSegment: SEGMENT_CODES[i.segment], exchangeInstrumentID: i.id })),
    });
  }

  private arm(): void {
    if (this.timer !== null) return;
    this.timer = this.options.scheduler.setTimeout(() => {
      this.timer = null;
      this.publish();
      if (this.connectionCount > 0) this.arm();
    }, this.options.tickMs);
  }

  /** The shared exchange's price on the instrument's tick, and XTS's clock for its segment. */
  private snapshot(instrument: SimInstrument) {
    const { state } = this.options;
    const tick = instrument.tickSize;
    const onTick = (p: number) => Number((Math.round(p / tick) * tick).toFixed(2));
    const price = onTick(state.exchange.price(instrument.symbol));
    const seconds = Math.floor(state.clock.now() / 1000) - (NSE_SEGMENTS.has(instrument.segment) ? XTS_EPOCH_OFFSET : 0);
    return { price, bid: onTick(price - tick), ask: onTick(price + tick), seconds, segment: SEGMENT_CODES[instrument.segment]! };
  }

  /** A `-json-full` event as JSON text: 1512 LTP, 1501 touchline, 1502 touchline plus five levels a side. */
  fullEvent(instrument: SimInstrument, code: number): string {
    const s = this.snapshot(instrument);
    const head = { MessageCode: code, MessageVersion: 4, ApplicationType: 0, TokenID: 0, ExchangeSegment: s.segment, ExchangeInstrumentID: instrument.id };
    if (code === 1512) {
      return JSON.stringify({ ...head, BookType: 1, XMarketType: 1, LastTradedPrice: s.price, LastTradedQunatity: 10, LastUpdateTime: s.seconds });
    }
    const level = (price: number, size: number) => ({ Size: size, Price: price, TotalOrders: 3, BuyBackMarketMaker: 0 });
    const touchline = {
      BidInfo: level(s.bid, 120),
      AskInfo: level(s.ask, 95),
      LastTradedPrice: s.price,
      LastTradedQunatity: 10,
      TotalBuyQuantity: 5400,
      TotalSellQuantity: 6100,
      TotalTradedQuantity: 182_300,
      AverageTradedPrice: s.price,
      LastTradedTime: s.seconds,
      LastUpdateTime: s.seconds,
      PercentChange: 0,
      Open: s.price,
      High: s.price,
      Low: s.price,
      Close: s.price,
      TotalValueTraded: null,
      BuyBackTotalBuy: 0,
      BuyBackTotalSell: 0,
    };
    if (code === 1501) return JSON.stringify({ ...head, ExchangeTimeStamp: s.seconds, Touchline: touchline, BookType: 1, XMarketType: 1 });
    const depth = (from: number, step: number) => Array.from({ length: 5 }, (_, n) => level(Number((from + n * step).toFixed(2)), 100 + n));
    const tick = instrument.tickSize;
    return JSON.stringify({
      ...head,
      ExchangeTimeStamp: s.seconds,
      Bids: depth(s.bid, -tick),
      Asks: depth(s.ask, tick),
      Touchline: touchline,
      BookType: 1,
      XMarketType: 1,
      SequenceNumber: 1,
    });
  }

  /** A `-json-partial` event: `key:value` pairs, depth levels as `index|size|price|orders`. */
  partialEvent(instrument: SimInstrument, code: number): string {
    const s = this.snapshot(instrument);
    const t = `t:${s.segment}_${instrument.id}`;
    if (code === 1512) return `${t},ltp:${s.price},ltq:10,lut:${s.seconds}`;
    return `${t},ltp:${s.price},ltq:10,tb:5400,ts:6100,v:182300,ap:${s.price},ltt:${s.seconds},lut:${s.seconds},pc:0,o:${s.price},h:${s.price},l:${s.price},c:${s.price},vp:0,bi:0|120|${s.bid}|3,ai:0|95|${s.ask}|3`;
  }
}

function keyOf(instrument: SimInstrument): string {
  return `${SEGMENT_CODES[instrument.segment]}_${instrument.id}`;
}
