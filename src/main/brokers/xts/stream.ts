import type { SocketEndReason } from '../../streaming/broker-socket';
import type { MarketStream, MarketStreamCapability, MarketStreamHandlers, StreamMode, StreamProblem } from '../../streaming/types';
import { brokerRequest } from '../http';
import type { BrokerContext } from '../types';
import type { XtsProfile } from './client';
import { QUOTES_BATCH, SEGMENT_CODE, SESSION } from './config';
import { envelopeOf, xtsErrorText } from './errors';
import { resolveInstrument, segmentOf } from './instruments';
import { socketTarget, XtsSocket } from './socket';
import { parseFullEvent, parsePartialEvent, type XtsQuoteUpdate } from './stream-parse';

/**
 * Instruments one market-data session may subscribe. XTS publishes no figure (the protocol sheet and the REST
 * sheet name none); 1000 is BrokerVault's declared ceiling and the simulator's default, see docs/brokers/xts.md.
 */
export const XTS_INSTRUMENTS_PER_SOCKET = 1_000;

/** No frame at all (data or the answer to our socket.io ping) for this long: the socket is dead even if TCP has not noticed. */
export const XTS_SILENCE_MS = 60_000;

/** Message code per mode: LTP for ltp; touchline (best bid/ask, volume) for quote; market depth for full. */
export const MODE_CODE: Readonly<Record<StreamMode, number>> = { ltp: 1512, quote: 1501, full: 1502 };

/** The market-data root as the sheet's `streamUrl` names it (the real host, or the simulator's when overridden). */
export function marketStreamUrl(ctx: BrokerContext, profile: XtsProfile): string {
  const { origin, path } = socketTarget(ctx, profile.roots.marketData);
  return origin + path.replace(/\/socket\.io$/, '');
}

/** What the adapter survived without passing on, so a test or a log line can say how much was dropped. */
export interface XtsStreamCounters {
  malformed: number;
  unknown: number;
  /** Broker errors that did not close the socket (an `error` event, a refused subscription call). */
  errors: number;
  /** Symbols this connection's instrument master does not know: skipped, never thrown. */
  unsupported: number;
  outOfOrder: number;
}

const COUNTER: Readonly<Record<StreamProblem, keyof XtsStreamCounters>> = {
  malformed: 'malformed',
  unknown: 'unknown',
  error: 'errors',
  unsupported: 'unsupported',
  'out-of-order': 'outOfOrder',
};

type Outcome = 'ok' | 'duplicate' | 'auth' | 'refused' | 'error';

interface Carried {
  symbol: string;
  mode: StreamMode;
  segment: number;
  instrumentId: number;
}

/**
 * One XTS market-data socket: socket.io in the EIO 3 dialect over BrokerSocket (no reconnection of its own: the
 * SubscriptionManager reconnects), joined → open, subscriptions over the REST endpoint on the adapter's normal HTTP path, `<code>-json-full|partial` events
 * → ticks in the common form.
 */
export class XtsMarketStream implements MarketStream {
  readonly counters: XtsStreamCounters = { malformed: 0, unknown: 0, errors: 0, unsupported: 0, outOfOrder: 0 };
  private readonly socket: XtsSocket;
  private done = false;
  private opened = false;
  /** `<segment>_<id>` → what the manager asked for. */
  private readonly carried = new Map<string, Carried>();
  /** The manager's symbol → its `<segment>_<id>`. */
  private readonly keyOf = new Map<string, string>();
  /** `<segment>_<id>` → the codes subscribed on the broker for it. */
  private readonly codes = new Map<string, Set<number>>();
  /** The last full picture per instrument, into which partial events merge. */
  private readonly last = new Map<string, XtsQuoteUpdate>();

  constructor(
    private readonly ctx: BrokerContext,
    private readonly profile: XtsProfile,
    private readonly handlers: MarketStreamHandlers,
    silenceMs = XTS_SILENCE_MS,
  ) {
    this.socket = new XtsSocket({
      ctx,
      root: profile.roots.marketData,
      // SECURITY: the token travels only in the handshake query (as every XTS client sends it), never into a log.
      query: {
        token: ctx.credentials[SESSION.marketDataToken] ?? '',
        userID: ctx.credentials[SESSION.marketDataUserId] ?? '',
        publishFormat: 'JSON',
        broadcastMode: 'Full',
      },
      silenceMs,
      onEvent: (name, payload) => this.onEvent(name, payload),
      onProblem: (problem) => this.count(problem),
      onEnd: (reason) => this.ended(reason),
    });
  }

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    const code = MODE_CODE[mode];
    const adds: Carried[] = [];
    const drops = new Map<number, Carried[]>();
    for (const symbol of symbols) {
      const found = this.instrument(symbol);
      if (!found) continue;
      const key = `${found.segment}_${found.instrumentId}`;
      const entry: Carried = { ...found, symbol, mode };
      this.carried.set(key, entry);
      this.keyOf.set(symbol, key);
      const held = this.codes.get(key) ?? new Set<number>();
      this.codes.set(key, held);
      if (!held.has(code)) adds.push(entry);
      // A mode change: the new code is asked for first, the old one let go, so the symbol never goes dark.
      for (const old of held) if (old !== code) drops.set(old, [...(drops.get(old) ?? []), entry]);
    }
    void this.run(async () => {
      await this.send('POST', code, adds);
      for (const [old, entries] of drops) await this.send('PUT', old, entries);
    });
  }

  unsubscribe(symbols: readonly string[]): void {
    const drops = new Map<number, Carried[]>();
    for (const symbol of symbols) {
      const key = this.keyOf.get(symbol);
      const entry = key === undefined ? undefined : this.carried.get(key);
      if (key === undefined || !entry) continue;
      this.keyOf.delete(symbol);
      for (const code of this.codes.get(key) ?? []) drops.set(code, [...(drops.get(code) ?? []), entry]);
      this.carried.delete(key);
      this.last.delete(key);
    }
    void this.run(async () => {
      for (const [code, entries] of drops) await this.send('PUT', code, entries);
    });
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.socket.close();
  }

  private instrument(symbol: string): { segment: number; instrumentId: number } | null {
    try {
      const instrument = resolveInstrument(this.ctx, this.profile, symbol);
      const segment = SEGMENT_CODE[segmentOf(instrument)];
      if (segment !== undefined) return { segment, instrumentId: Number(instrument.token) };
    } catch {
      // counted below: a throw here would make the manager reopen the socket for a symbol that can never stream
    }
    this.count('unsupported');
    return null;
  }

  /** One subscription call per batch; a batch refused as a duplicate is retried one instrument at a time. */
  private async send(method: 'POST' | 'PUT', code: number, entries: readonly Carried[]): Promise<void> {
    for (let i = 0; i < entries.length; i += QUOTES_BATCH) {
      const batch = entries.slice(i, i + QUOTES_BATCH);
      let outcome = await this.call(method, code, batch);
      if (outcome === 'duplicate' && batch.length > 1) {
        // Whether XTS refuses the whole call for one repeat is unconfirmed: ask for each alone so new ones still count.
        outcome = 'ok';
        for (const one of batch) {
          const single = await this.call(method, code, [one]);
          if (single === 'auth' || single === 'refused') {
            outcome = single;
            break;
          }
        }
      }
      if (this.done) return;
      if (outcome === 'auth' || outcome === 'refused') return this.socket.end(outcome);
    }
  }

  private async call(method: 'POST' | 'PUT', code: number, batch: readonly Carried[]): Promise<Outcome> {
    if (this.done || batch.length === 0) return 'ok';
    const response = await brokerRequest(this.ctx, {
      method,
      path: `${this.profile.roots.marketData}/instruments/subscription`,
      headers: { authorization: this.ctx.credentials[SESSION.marketDataToken] ?? '' },
      json: { instruments: batch.map((c) => ({ exchangeSegment: c.segment, exchangeInstrumentID: c.instrumentId })), xtsMessageCode: code },
    });
    const envelope = envelopeOf(response.body);
    const ok = response.status >= 200 && response.status < 300 && envelope?.type === 'success';
    const text = xtsErrorText(response.body) ?? '';
    for (const c of batch) {
      const held = this.codes.get(`${c.segment}_${c.instrumentId}`);
      if (method === 'PUT') held?.delete(code);
      else if (ok || envelope?.code === 'e-session-0002') held?.add(code);
    }
    if (ok) {
      // The reply carries each instrument's current full event: the first tick, before the socket sends any.
      const list = (envelope?.result as { listQuotes?: unknown } | undefined)?.listQuotes;
      if (method === 'POST' && Array.isArray(list)) for (const entry of list) this.onMarketEvent(code, entry, false);
      return 'ok';
    }
    if (envelope?.code === 'e-session-0002' || /already subscribed/i.test(text)) return 'duplicate';
    if (/invalid token|token (has )?expired|session (has )?expired/i.test(text)) return 'auth';
    if (/limit/i.test(text)) return 'refused';
    this.count('error');
    return 'error';
  }

  /** Subscription calls run in the background: a network failure is counted, never thrown into the manager. */
  private async run(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch {
      if (!this.done) this.count('error');
    }
  }

  private onEvent(event: string, payload: unknown): void {
    if (this.done) return;
    const data = /^(\d+)-json-(full|partial)$/.exec(event);
    if (data) return this.onMarketEvent(Number(data[1]), payload, data[2] === 'partial');
    switch (event) {
      case 'joined':
        if (!this.opened) {
          this.opened = true;
          this.handlers.onStatus({ state: 'open' });
        }
        return;
      case 'logout':
        // The session ended on the broker (expired, or the same app key logged in elsewhere).
        return this.socket.end('auth');
      case 'error':
        return this.count('error');
      default:
        this.count('unknown');
    }
  }

  private onMarketEvent(code: number, payload: unknown, partial: boolean): void {
    const update = partial ? parsePartialEvent(payload, code) : parseFullEvent(payload);
    if (!update) return this.count('malformed');
    const carried = this.carried.get(update.key);
    if (!carried) return; // an event for an instrument just unsubscribed
    const before = this.last.get(update.key);
    if (before?.ts !== undefined && update.ts !== undefined && update.ts < before.ts) return this.count('out-of-order');
    const merged: XtsQuoteUpdate = { ...before, ...update };
    this.last.set(update.key, merged);
    if (merged.ltp === undefined) return; // a partial event before any full one: nothing to show yet
    const ts = merged.ts ?? this.ctx.clock.now();
    if (carried.mode === 'ltp') return this.handlers.onTick({ symbol: carried.symbol, ltp: merged.ltp, ts });
    this.handlers.onTick({
      symbol: carried.symbol,
      ltp: merged.ltp,
      ...(merged.bid !== undefined ? { bid: merged.bid } : {}),
      ...(merged.ask !== undefined ? { ask: merged.ask } : {}),
      ...(merged.volume !== undefined ? { volume: merged.volume } : {}),
      ts,
    });
  }

  /** Count what was dropped and tell the manager (which logs it, redacted). */
  private count(problem: StreamProblem): void {
    this.counters[COUNTER[problem]]++;
    this.handlers.onProblem?.(problem);
  }

  /** The socket is gone (refused, dropped, silent, logged out, or ended here): report it once. */
  private ended(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.handlers.onStatus({ state: 'closed', reason });
  }
}

/** The XTS market-data capability of one deployment (its roots come from the adapter's profile). */
export function xtsMarketStream(profile: XtsProfile): MarketStreamCapability<BrokerContext> {
  return {
    limits: { instrumentsPerSocket: XTS_INSTRUMENTS_PER_SOCKET, socketsPerAccount: 1 },
    open: (ctx, handlers) => new XtsMarketStream(ctx, profile, handlers),
  };
}
