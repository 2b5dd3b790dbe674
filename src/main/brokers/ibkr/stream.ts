import type { TimerHandle } from '../../scheduler';
import type { SocketEndReason } from '../../streaming/broker-socket';
import type { MarketStream, MarketStreamCapability, MarketStreamHandlers, StreamMode, StreamProblem } from '../../streaming/types';
import type { BrokerContext } from '../types';
import { num } from './client';
import { conidFor } from './contracts';
import { IbkrGatewaySocket, type Msg } from './stream-socket';

/** An `smd` subscription ends after 10 minutes (changelog, 14 Apr 2026): every one is re-sent well before. */
export const IBKR_SMD_RENEW_MS = 9 * 60_000;

/** Field ids: 31 last (may carry a prefix letter: C prior close, H halted), 84 bid, 86 ask. */
const FIELDS: Record<StreamMode, string[]> = { ltp: ['31'], quote: ['31', '84', '86'], full: ['31', '84', '86'] };

export interface IbkrStreamCounters {
  malformed: number;
  unknown: number;
  /** `smd` error answers (an unknown conid, no market-data permission, too many lines). */
  errors: number;
  /** Symbols with no IBKR contract: skipped, never thrown. */
  unsupported: number;
  /** Updates stamped earlier than one already delivered for the conid. */
  outOfOrder: number;
}

interface Carried {
  mode: StreamMode;
  /** null until the contract search answered. */
  conid: number | null;
}

/**
 * Market data on the gateway's websocket: `smd+<conid>+{"fields":[…]}` per symbol (conids as the REST quotes find
 * them), re-sent every 9 minutes so no subscription lapses; updates carry only changed fields, so the last value of
 * each is kept per conid.
 */
export class IbkrMarketStream implements MarketStream {
  readonly counters: IbkrStreamCounters = { malformed: 0, unknown: 0, errors: 0, unsupported: 0, outOfOrder: 0 };
  private readonly socket: IbkrGatewaySocket;
  private readonly carried = new Map<string, Carried>();
  private readonly byConid = new Map<number, string>();
  private readonly values = new Map<number, { ltp?: number; bid?: number; ask?: number; updated: number }>();
  private renewTimer: TimerHandle | null = null;
  private done = false;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly handlers: MarketStreamHandlers,
  ) {
    this.socket = new IbkrGatewaySocket(ctx, {
      onReady: () => {
        handlers.onStatus({ state: 'open' });
        for (const [symbol, c] of this.carried) if (c.conid !== null) this.sendSmd(symbol, c);
        this.armRenew();
      },
      onTopic: (topic, m) => this.onTopic(topic, m),
      onProblem: (p) => this.problem(p),
      onEnd: (reason) => this.finish(reason),
    });
  }

  subscribe(symbols: readonly string[], mode: StreamMode): void {
    for (const symbol of symbols) {
      const before = this.carried.get(symbol);
      const carried: Carried = { mode, conid: before?.conid ?? null };
      this.carried.set(symbol, carried);
      if (carried.conid === null) {
        if (!before) void this.resolve(symbol, carried);
        continue;
      }
      // Fewer fields: IBKR only adds fields on a resend, so end the subscription and start it again.
      if (before && FIELDS[before.mode].length > FIELDS[mode].length) this.socket.send(`umd+${carried.conid}+{}`);
      this.sendSmd(symbol, carried);
    }
  }

  unsubscribe(symbols: readonly string[]): void {
    for (const symbol of symbols) {
      const carried = this.carried.get(symbol);
      if (!carried) continue;
      this.carried.delete(symbol);
      if (carried.conid === null) continue;
      this.byConid.delete(carried.conid);
      this.values.delete(carried.conid);
      this.socket.send(`umd+${carried.conid}+{}`);
    }
  }

  close(): void {
    this.done = true;
    this.ctx.scheduler.clearTimeout(this.renewTimer);
    this.socket.close();
  }

  /** The conid through the REST mapping (contract search, cached in ctx.memo); a symbol IBKR has not is counted. */
  private async resolve(symbol: string, carried: Carried): Promise<void> {
    let conid: number;
    try {
      conid = await conidFor(this.ctx, symbol);
    } catch {
      if (this.carried.get(symbol) === carried) this.carried.delete(symbol);
      return this.problem('unsupported');
    }
    const now = this.carried.get(symbol);
    if (this.done || !now) return;
    now.conid = conid;
    this.byConid.set(conid, symbol);
    this.sendSmd(symbol, now);
  }

  private sendSmd(symbol: string, carried: Carried): void {
    if (carried.conid === null) return;
    this.byConid.set(carried.conid, symbol);
    this.socket.send(`smd+${carried.conid}+${JSON.stringify({ fields: FIELDS[carried.mode] })}`);
  }

  private armRenew(): void {
    this.renewTimer = this.ctx.scheduler.setTimeout(() => {
      this.renewTimer = null;
      if (this.done) return;
      for (const [symbol, c] of this.carried) this.sendSmd(symbol, c);
      this.armRenew();
    }, IBKR_SMD_RENEW_MS);
  }

  private problem(kind: StreamProblem): void {
    if (kind === 'malformed') this.counters.malformed++;
    else if (kind === 'unknown') this.counters.unknown++;
    else if (kind === 'error') this.counters.errors++;
    else if (kind === 'unsupported') this.counters.unsupported++;
    else this.counters.outOfOrder++;
    this.handlers.onProblem?.(kind);
  }

  private finish(reason: SocketEndReason): void {
    if (this.done) return;
    this.done = true;
    this.ctx.scheduler.clearTimeout(this.renewTimer);
    this.handlers.onStatus({ state: 'closed', reason });
  }

  private onTopic(topic: string, m: Msg): boolean {
    if (topic === 'sor') return true; // live orders belong to the order stream
    if (!topic.startsWith('smd+')) return false;
    if (m.error !== undefined) {
      this.problem('error');
      return true;
    }
    const conid = num(m.conid) ?? num(topic.slice('smd+'.length));
    if (conid === null) {
      this.problem('malformed');
      return true;
    }
    const symbol = this.byConid.get(conid);
    const carried = symbol === undefined ? undefined : this.carried.get(symbol);
    if (symbol === undefined || !carried) return true; // an update for a conid just unsubscribed
    this.onMarketData(symbol, conid, carried.mode, m);
    return true;
  }

  private onMarketData(symbol: string, conid: number, mode: StreamMode, m: Msg): void {
    const read = (field: string): number | null | undefined => (m[field] === undefined ? undefined : num(m[field]));
    const [ltp, bid, ask] = [read('31'), read('84'), read('86')];
    const updated = typeof m._updated === 'number' ? m._updated : this.ctx.clock.now();
    if (ltp === null || bid === null || ask === null || (ltp !== undefined && ltp <= 0)) return this.problem('malformed');
    const known = this.values.get(conid);
    if (known && updated < known.updated) return this.problem('out-of-order');
    const next = { ...known, updated, ...(ltp !== undefined && { ltp }), ...(bid !== undefined && { bid }), ...(ask !== undefined && { ask }) };
    this.values.set(conid, next);
    if (next.ltp === undefined || (ltp === undefined && (mode === 'ltp' || (bid === undefined && ask === undefined)))) return;
    const book = mode === 'ltp' ? {} : { ...(next.bid !== undefined && { bid: next.bid }), ...(next.ask !== undefined && { ask: next.ask }) };
    this.handlers.onTick({ symbol, ltp: next.ltp, ...book, ts: updated });
  }
}

/**
 * IBKR's market-data capability. 100 instruments: the default allowance of market-data lines (more with quote
 * booster packs); the gateway session is one per username, so one socket.
 */
export const ibkrMarketStream: MarketStreamCapability<BrokerContext> = {
  limits: { instrumentsPerSocket: 100, socketsPerAccount: 1 },
  open: (ctx, handlers) => new IbkrMarketStream(ctx, handlers),
};
