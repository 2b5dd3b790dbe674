import net from 'node:net';
import { z } from 'zod';
import { DEFAULT_REST_PORT, DEFAULT_WS_PORT, LocalApiConfigSchema, type LocalApiConfig, type LocalApiStatus } from '../../shared/local-api';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { Emitter } from '../events';
import type { Logger } from '../log/types';
import type { Scheduler, TimerHandle } from '../scheduler';
import type { AppSettings } from '../store/app-settings';
import type { AuditLog } from '../store/audit-log';
import type { Db } from '../store/db';
import { pricingConnection } from '../trading/price-routing';
import { SerialQueue } from '../vault/serial-queue';
import { guardServices } from './guard';
import { ApiKeyStore, PAPER_ACCOUNT_ID, type KeyBinding, type KeyCaller } from './keys';
import { TokenBuckets } from './rate-limit';
import { RestServer, type CallRecord, type RestLimits } from './rest-server';
import type { LocalApiServices, Verb, VerbContext } from './verb';
import { symbolsFor, type VenueRef } from './verbs/common';
import { errorReply } from './verbs/run';
import { WsServer, type WsLimits } from './ws-server';

const CONFIG_KEY = 'localApi.config';
/** Written only here (test/unit/single-writers.test.ts). */
const HALT_KEY = 'localApi.tradingHalted';

export const DEFAULT_CONFIG: LocalApiConfig = { enabled: false, restPort: DEFAULT_REST_PORT, wsPort: DEFAULT_WS_PORT };

/**
 * Per key: a burst of 200, then 600 requests a second. A script may poll at OpenAlgo's pace (the issue asks for 500
 * reads a second); a runaway loop is cut off. Orders also meet the trading limits (orders a minute) and each broker's
 * own rate limits on the one order path.
 */
export const RATE_BURST = 200;
/** Call rows wait at most this long, or until this many, before they are written (one transaction). */
export const AUDIT_FLUSH_MS = 200;
export const AUDIT_FLUSH_ROWS = 500;
const LISTEN_RETRIES = 3;
const LISTEN_RETRY_MS = 150;
export const RATE_PER_SEC = 600;

type Listener = LocalApiStatus['rest'];

export interface LocalApiDeps {
  db: Db;
  settings: AppSettings;
  audit: AuditLog;
  clock: Clock;
  /** Timers: the audit batch, a moment's wait for a port, the WebSocket's heartbeat and sign-in limit. */
  scheduler: Scheduler;
  log: Logger;
  /** The service graph the IPC handlers use (guarded before the verbs see it). */
  services: LocalApiServices;
  verbs: readonly Verb[];
  /** Host names besides 127.0.0.1 and localhost the servers answer to. */
  hostNames?: readonly string[];
  restLimits?: Partial<RestLimits>;
  wsLimits?: Partial<WsLimits>;
  rate?: { burst: number; perSec: number };
}

/** A free loopback port: `near` itself when free, else one just above it, else any. */
export async function findFreePort(near: number, avoid: readonly number[] = []): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(null));
      probe.listen(port, '127.0.0.1', () => {
        const got = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(got));
      });
    });
  for (let port = near; port <= Math.min(near + 20, 65535); port++) {
    if (avoid.includes(port)) continue;
    const free = await tryPort(port);
    if (free !== null) return free;
  }
  for (;;) {
    const free = await tryPort(0);
    if (free !== null && !avoid.includes(free)) return free;
  }
}

const off = (port: number): Listener => ({ port, state: 'off', suggestedPort: null, message: null });

/**
 * The local API in main: off until the trader enables it in Settings; then a REST server and a WebSocket server on
 * 127.0.0.1, keys, per-key rate limits, the audit of every call, and the kill switch's API halt. Starting, stopping
 * and reconfiguring run one at a time.
 */
export class LocalApiService {
  readonly keys: ApiKeyStore;
  private readonly queue = new SerialQueue();
  private readonly buckets: TokenBuckets;
  private readonly didChange = new Emitter<LocalApiStatus>();
  /** Fires with the new status after every change (settings, listeners, keys, the halt). */
  readonly onDidChange = this.didChange.event;
  private rest: RestServer | null = null;
  private ws: WsServer | null = null;
  private restState: Listener;
  private wsState: Listener;
  private readonly disposables: { dispose(): void }[] = [];
  /**
   * The kill switch's API halt, as stored under HALT_KEY, read on every request. This service is its only writer
   * (test/unit/single-writers.test.ts), so a copy in memory, set with each write, is always the stored value.
   */
  private halted: boolean;

  constructor(private readonly deps: LocalApiDeps) {
    this.keys = new ApiKeyStore(deps.db, deps.audit, deps.clock, (id) => deps.services.connections.find(id) !== null);
    const rate = deps.rate ?? { burst: RATE_BURST, perSec: RATE_PER_SEC };
    this.buckets = new TokenBuckets(rate.burst, rate.perSec, () => deps.clock.now());
    const config = this.config();
    this.restState = off(config.restPort);
    this.wsState = off(config.wsPort);
    // SECURITY: a lock found at start without the flag (the app stopped between the two writes) is the kill switch's:
    // API trading stays stopped after the trader unlocks live, as it would have.
    this.halted = deps.settings.get(HALT_KEY, z.boolean()) ?? false;
    if (deps.services.trading.mode.locked && !this.halted) this.setHalt(true);
    // SECURITY: the kill switch locks live; the same moment, API trading stops until the trader turns it back on here.
    this.disposables.push(
      deps.services.trading.mode.onDidChange((status) => {
        if (status.locked && !this.halted) {
          this.setHalt(true);
          this.changed();
        }
      }),
    );
  }

  config(): LocalApiConfig {
    return this.deps.settings.get(CONFIG_KEY, LocalApiConfigSchema) ?? DEFAULT_CONFIG;
  }

  private setHalt(halted: boolean): void {
    this.deps.settings.set(HALT_KEY, halted);
    this.halted = halted;
  }

  /** API orders are refused: the kill switch fired (its flag), or live is locked by it right now. */
  tradingHalted(): boolean {
    return this.halted || this.deps.services.trading.mode.locked;
  }

  status(): LocalApiStatus {
    return { config: this.config(), rest: this.restState, ws: this.wsState, tradingHalted: this.tradingHalted(), keys: this.keys.list() };
  }

  /** At app start: listen if the trader enabled the API. */
  start(): Promise<void> {
    return this.queue.run(() => this.apply());
  }

  configure(next: LocalApiConfig): Promise<LocalApiStatus> {
    return this.queue.run(async () => {
      const before = this.config();
      this.deps.db.transaction(() => {
        this.deps.settings.set(CONFIG_KEY, next);
        this.deps.audit.append('api.settings', null, { enabled: next.enabled, restPort: next.restPort, wsPort: next.wsPort });
      })();
      if (before.enabled !== next.enabled || before.restPort !== next.restPort || before.wsPort !== next.wsPort || !next.enabled || this.anyNotListening()) {
        await this.apply();
      }
      this.changed();
      return this.status();
    });
  }

  /** Only the trader, through Settings, turns API trading back on after the kill switch. */
  resumeTrading(): LocalApiStatus {
    if (this.deps.services.trading.mode.locked) {
      throw new AppError('KILL_SWITCH_ENGAGED', 'Live is still locked by the kill switch. Unlock live first, then resume API trading.');
    }
    this.deps.db.transaction(() => {
      this.deps.settings.set(HALT_KEY, false);
      this.deps.audit.append('api.resume', null, {});
    })();
    this.halted = false;
    this.changed();
    return this.status();
  }

  createKey(label: string, binding: KeyBinding) {
    const created = this.keys.create(label, binding);
    this.changed();
    return created;
  }

  updateKey(id: string, binding: KeyBinding) {
    const view = this.keys.update(id, binding);
    this.changed();
    return view;
  }

  revokeKey(id: string) {
    const view = this.keys.revoke(id);
    this.buckets.forget(id);
    this.changed();
    return view;
  }

  /** Sockets and subscriptions held by the WebSocket server (tests). */
  wsStats() {
    return this.ws?.stats() ?? { clients: 0, topics: 0 };
  }

  close(): Promise<void> {
    for (const d of this.disposables.splice(0)) d.dispose();
    return this.queue.run(async () => {
      await this.stop();
      this.flushCalls();
    });
  }

  private anyNotListening(): boolean {
    return this.restState.state !== 'listening' || this.wsState.state !== 'listening';
  }

  private changed(): void {
    this.didChange.fire(this.status());
  }

  private async stop(): Promise<void> {
    const rest = this.rest;
    const ws = this.ws;
    this.rest = null;
    this.ws = null;
    await Promise.all([rest?.close(), ws?.close()]);
  }

  private async apply(): Promise<void> {
    await this.stop();
    const config = this.config();
    this.restState = off(config.restPort);
    this.wsState = off(config.wsPort);
    if (config.enabled) {
      const rest = this.makeRest();
      const ws = this.makeWs();
      this.restState = await this.open('REST', config.restPort, (p) => rest.listen(p), [config.wsPort]);
      if (this.restState.state === 'listening') this.rest = rest;
      this.wsState = await this.open('WebSocket', config.wsPort, (p) => ws.listen(p), [config.restPort]);
      if (this.wsState.state === 'listening') this.ws = ws;
      this.deps.log.info('local API', { rest: this.restState.state, ws: this.wsState.state });
    }
    this.changed();
  }

  private async open(what: string, port: number, listen: (port: number) => Promise<number>, avoid: number[]): Promise<Listener> {
    try {
      // A graph reopened on a restored backup starts while the old one's listeners are still closing: a taken port
      // is tried again for a moment before the trader is told.
      let got: number | null = null;
      for (let attempt = 0; got === null; attempt++) {
        try {
          got = await listen(port);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= LISTEN_RETRIES) throw error;
          await new Promise((resolve) => this.deps.scheduler.setTimeout(() => resolve(undefined), LISTEN_RETRY_MS));
        }
      }
      return { port: got, state: 'listening', suggestedPort: null, message: null };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') {
        const suggested = await findFreePort(port, avoid);
        return {
          port,
          state: 'port-taken',
          suggestedPort: suggested,
          message: `Port ${port} is already in use by another program, so the ${what} API is not running. Port ${suggested} is free: use it instead?`,
        };
      }
      this.deps.log.warn('local API could not listen', { what, port, code });
      return { port, state: 'failed', suggestedPort: null, message: `The ${what} API could not start on port ${port}.` };
    }
  }

  /**
   * Every answered call is audited (key id, verb, HTTP status, outcome; never the key or the body). Rows are
   * written in one transaction per AUDIT_FLUSH_MS rather than one durable commit per request: a commit costs the
   * main process a disk flush, which at hundreds of requests a second would be most of its time. A crash loses at
   * most the last AUDIT_FLUSH_MS of call rows; orders themselves are journaled and audited by the order path.
   */
  private readonly pendingCalls: CallRecord[] = [];
  private flushTimer: TimerHandle = null;

  private record = (call: CallRecord): void => {
    this.pendingCalls.push(call);
    if (this.pendingCalls.length >= AUDIT_FLUSH_ROWS) this.flushCalls();
    else this.flushTimer ??= this.deps.scheduler.setTimeout(() => this.flushCalls(), AUDIT_FLUSH_MS);
  };

  /** Write the pending call rows now (also on close). */
  flushCalls(): void {
    if (this.flushTimer) this.deps.scheduler.clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const calls = this.pendingCalls.splice(0);
    if (calls.length === 0) return;
    try {
      this.deps.db.transaction(() => {
        for (const call of calls)
          this.deps.audit.append('api.call', null, { keyId: call.keyId, verb: call.verb, status: call.httpStatus, outcome: call.outcome });
      })();
    } catch (error) {
      this.deps.log.warn('local API calls not audited', { error, rows: calls.length });
    }
  }

  private makeRest(): RestServer {
    return new RestServer({
      verbs: this.deps.verbs,
      authenticate: (key) => this.keys.verify(key),
      servicesFor: (caller) => {
        // Read in the same synchronous step as the key's check: while no key changed since, the caller is current.
        const keysAt = this.keys.version();
        return guardServices(
          this.deps.services,
          () => this.tradingHalted(),
          () => (this.keys.version() === keysAt ? caller.permission : this.keys.callerById(caller.keyId)?.permission) === 'trade',
        );
      },
      tradingHalted: () => this.tradingHalted(),
      buckets: this.buckets,
      record: this.record,
      hostNames: this.deps.hostNames ?? [],
      limits: this.deps.restLimits,
      log: this.deps.log,
    });
  }

  private makeWs(): WsServer {
    const s = this.deps.services;
    return new WsServer({
      authenticate: (key) => this.keys.verify(key),
      recheck: (id) => this.keys.callerById(id),
      streams: s.market.streams,
      candidates: (caller, symbol) => this.candidates(caller, symbol),
      toCommon: (caller, symbol, exchange) => this.wsSymbol(caller, symbol, exchange),
      onOrder: s.trading.orders.onDidChange,
      brokerOf: (caller) => {
        const first = caller.connectionIds.find((c) => c !== PAPER_ACCOUNT_ID);
        return first ? (s.connections.find(first)?.broker ?? 'paper') : 'paper';
      },
      record: this.record,
      hostNames: this.deps.hostNames ?? [],
      limits: this.deps.wsLimits,
      log: this.deps.log,
      scheduler: this.deps.scheduler,
    });
  }

  /**
   * A WebSocket subscription's OpenAlgo symbol in BrokerVault's common form, mapped exactly as the verbs map it for
   * this caller (symbolsFor: its data connection's dialect and master). While BrokerVault is live on a connection
   * the key is not bound to, the key's own connections are used, as its streams are.
   */
  private async wsSymbol(caller: KeyCaller, symbol: string, exchange: string): Promise<{ common: string } | { error: string }> {
    const ctx: VerbContext = { caller, services: this.deps.services };
    const venue = this.deps.services.trading.venue();
    const own: VenueRef =
      venue.mode === 'live' && !caller.connectionIds.includes(venue.connectionId!) ? { mode: 'paper', connectionId: null, broker: 'paper' } : venue;
    try {
      return { common: (await symbolsFor(ctx, own)).toCommon({ symbol, exchange }) };
    } catch (error) {
      const reply = errorReply(error);
      return { error: reply.body.message ?? 'Unknown symbol or exchange.' };
    }
  }

  /** The key's own connections; for the paper account, the connection that prices the symbol (as paper fills do). */
  private candidates(caller: KeyCaller, symbol: string): string[] {
    const s = this.deps.services;
    const own = caller.connectionIds.filter((c) => c !== PAPER_ACCOUNT_ID);
    if (!caller.paper) return own;
    const pricing = pricingConnection(symbol, s.connections.list(), (c) => s.brokerCalls.adapterFor(c.broker).descriptor)?.id;
    return pricing && !own.includes(pricing) ? [...own, pricing] : own;
  }
}
