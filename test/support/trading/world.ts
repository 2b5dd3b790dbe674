import { expect } from 'vitest';
import type { BrokerId, Environment } from '../../../src/shared/brokers';
import type { AuditAction, AuditEntry, ConnectionView, OrderTicket, OrderView } from '../../../src/shared/schemas';
import { BROKER_ADAPTERS } from '../../../src/main/brokers/registry';
import type { BrokerAdapter } from '../../../src/main/brokers/types';
import { ManualClock } from '../../../src/main/clock';
import type { Notifier } from '../../../src/main/notifier';
import type { SimExchange } from '../../simulators/exchange';
import { startAlpaca } from '../../simulators/alpaca';
import { start as startAngelOne, type AngelSimulatorHandle } from '../../simulators/angel-one';
import { start as startDhan, type DhanSimulatorHandle } from '../../simulators/dhan';
import { start as startTradier, type TradierSimulatorHandle } from '../../simulators/tradier';
import { FakeBrowser } from '../brokers-ipc/browser';
import { START } from '../brokers-ipc/journey';
import { makeGraph, tempDir, type TestGraph } from '../graph';
import { ManualScheduler } from '../manual-scheduler';
import { MemoryKeyStore } from '../../../src/main/vault/keystore';
import type { RateLimiter } from '../../../src/main/services/rate-limiter';
import type { Hold, Latency } from './holds';

export { START };
export const MINUTE = 60_000;

/** A broker simulator the trading tests drive: its host, what the trader types, and its exchange (orders, fills). */
export interface TradingSim {
  broker: BrokerId;
  environment: Environment;
  baseUrl: string;
  fields: Record<string, string>;
  exchange: SimExchange;
  expireSessions?(): void;
  close(): Promise<void>;
}

export async function startSim(broker: 'alpaca' | 'tradier' | 'angel-one' | 'dhan' | 'dhan-totp', clock: ManualClock): Promise<TradingSim> {
  if (broker === 'alpaca') {
    const sim = await startAlpaca({ clock });
    return { broker, environment: 'paper', baseUrl: sim.baseUrl, fields: { ...sim.credentials }, exchange: sim.exchange, close: () => sim.close() };
  }
  if (broker === 'tradier') {
    const sim = (await startTradier({ clock })) as TradierSimulatorHandle;
    return {
      broker,
      environment: 'sandbox',
      baseUrl: sim.baseUrl,
      fields: { ...sim.credentials },
      exchange: sim.exchange,
      expireSessions: sim.expireSessions,
      close: () => sim.close(),
    };
  }
  if (broker === 'dhan' || broker === 'dhan-totp') {
    const sim = (await startDhan({ clock })) as DhanSimulatorHandle;
    const fields = broker === 'dhan' ? sim.credentials : sim.totpCredentials;
    return {
      broker,
      environment: 'live',
      baseUrl: sim.baseUrl,
      fields: { ...fields },
      exchange: sim.exchange,
      expireSessions: sim.expireSessions,
      close: () => sim.close(),
    };
  }
  const sim = (await startAngelOne({ clock })) as AngelSimulatorHandle;
  return {
    broker,
    environment: 'live',
    baseUrl: sim.baseUrl,
    fields: { ...sim.credentials },
    exchange: sim.exchange,
    expireSessions: sim.expireSessions,
    close: () => sim.close(),
  };
}

/**
 * Decides, per request, whether the network "fails": 'before' (never sent), 'after' (sent, the answer lost),
 * or 'hang' (never sent, never answered: the app stops while waiting).
 */
export type Fault = (request: { method: string; url: URL }) => 'before' | 'after' | 'hang' | null;

/** A fetch that lets tests lose requests or answers with a TimeoutError, as AbortSignal.timeout does. */
export class FlakyNet {
  private faults: Fault[] = [];
  private holds: Hold[] = [];
  private echoes: ((request: { method: string; url: URL }) => boolean)[] = [];
  latency: Latency | null = null;
  readonly sent: { method: string; url: string }[] = [];

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const verdict = this.faults.map((f) => f({ method, url })).find((v) => v !== null) ?? null;
    const timeout = () => Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    if (verdict === 'before') throw timeout();
    if (verdict === 'hang') return new Promise<Response>(() => undefined);
    this.sent.push({ method, url: url.pathname });
    const echo = this.echoes.findIndex((m) => m({ method, url }));
    if (echo >= 0) {
      this.echoes.splice(echo, 1);
      await (await globalThis.fetch(input, init)).arrayBuffer();
    }
    const hold = this.holds.find((h) => h.matches({ method, path: url.pathname }));
    // Sent by the app, not yet at the broker: held by the test, then the broker's latency.
    if (hold) {
      this.holds = this.holds.filter((h) => h !== hold);
      await hold.wait();
    }
    if (this.latency) await this.latency.scheduler.sleep(this.latency.ms);
    const response = await globalThis.fetch(input, init);
    if (verdict === 'after') {
      await response.arrayBuffer();
      throw timeout();
    }
    return response;
  };

  /** Add a fault; it applies until cleared. */
  add(fault: Fault): void {
    this.faults.push(fault);
  }

  /** The first request matching: its answer is lost once. */
  loseAnswerOnce(match: (r: { method: string; url: URL }) => boolean): void {
    let used = false;
    this.add((r) => (!used && match(r) ? ((used = true), 'after') : null));
  }

  /** Hold the next matching request on the wire (sent by the app, not yet at the broker) until released. */
  hold(hold: Hold): Hold {
    this.holds.push(hold);
    return hold;
  }

  /** The next matching request lands twice in the same moment: another window or script on the account made it too. */
  echoOnce(match: (r: { method: string; url: URL }) => boolean): void {
    this.echoes.push(match);
  }

  clear(): void {
    this.faults = [];
    this.echoes = [];
    this.holds = [];
    this.latency = null;
  }
}

export interface TradingWorld {
  g: TestGraph;
  clock: ManualClock;
  scheduler: ManualScheduler;
  net: FlakyNet;
  notes: { title: string; body: string }[];
  browser: FakeBrowser;
  /** Close this graph and open a new one on the same data directory (the app restarted). */
  restart(): Promise<TestGraph>;
}

export async function makeTradingWorld(
  options: {
    clock?: ManualClock;
    dataDir?: string;
    rateLimiter?: (scheduler: ManualScheduler) => RateLimiter;
    /** The adapters (all of the app's by default); a test may wrap one. */
    brokers?: readonly BrokerAdapter[];
  } = {},
): Promise<TradingWorld> {
  const clock = options.clock ?? new ManualClock(START);
  const scheduler = new ManualScheduler(clock);
  const net = new FlakyNet();
  const rateLimiter = options.rateLimiter?.(scheduler);
  const notes: TradingWorld['notes'] = [];
  const notifier: Notifier = { notify: (n) => void notes.push(n) };
  const browser = new FakeBrowser();
  const keyStore = new MemoryKeyStore();
  const dataDir = options.dataDir ?? tempDir('bv-trading-');
  const open = () =>
    makeGraph({
      brokers: options.brokers ?? BROKER_ADAPTERS,
      fetch: net.fetch,
      clock,
      keyStore,
      dataDir,
      notifier,
      scheduler,
      openExternal: browser.openExternal,
      rateLimiter,
    });
  const world: TradingWorld = {
    g: await open(),
    clock,
    scheduler,
    net,
    notes,
    browser,
    async restart() {
      world.g.close();
      world.g = await open();
      return world.g;
    },
  };
  return world;
}

/** Simulated time for the next step, so the brokers' rate windows on the manual clock start afresh. */
export function nextWindow(w: TradingWorld): void {
  w.clock.advance(5_100);
}

/** The wizard's Connect for a key-based broker (validated before it is saved). */
export async function connectSim(w: TradingWorld, sim: TradingSim, label = `${sim.broker} main`): Promise<ConnectionView> {
  const view = await w.g.ok('connections:connect', { broker: sim.broker, label, environment: sim.environment, fields: sim.fields, apiHost: sim.baseUrl });
  expect(view.status, sim.broker).toBe('valid');
  return view;
}

/** Request and confirm live trading on a connection. */
export async function goLive(w: TradingWorld, connectionId: string): Promise<void> {
  const request = await w.g.ok('mode:requestLive', { connectionId });
  const status = await w.g.ok('mode:confirmLive', { confirmationId: request.confirmationId, typed: request.phrase });
  expect(status.mode).toBe('live');
}

let ticketCounter = 0;
/** A fresh ticket id, as the order ticket UI makes one per ticket. */
export function ticketId(prefix = 'tk'): string {
  ticketCounter += 1;
  return `${prefix}-${process.pid}-${ticketCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

export function ticket(fields: Omit<OrderTicket, 'ticketId'> & { ticketId?: string }): OrderTicket {
  return { ticketId: ticketId(), ...fields };
}

/** Place and expect it to be placed (not held for a limit confirmation). */
export async function placeOk(g: TestGraph, t: OrderTicket): Promise<OrderView> {
  const result = await g.ok('orders:place', t);
  if (result.status !== 'placed') throw new Error(`expected a placed order, got ${JSON.stringify(result)}`);
  return result.order;
}

/** Audit entries, newest first (optionally of one action). */
export async function auditOf(g: TestGraph, action?: AuditAction): Promise<AuditEntry[]> {
  return (await g.ok('audit:list', { limit: 200, action })).entries;
}

export async function journal(g: TestGraph): Promise<OrderView[]> {
  return g.ok('orders:list', { limit: 500 });
}

/**
 * Wait (briefly, in real time) until `check` passes: for work a manual timer started that then waits on a
 * simulator's real socket, which the manual scheduler's settle() cannot see through.
 */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/**
 * Run `work` while moving manual time on in steps (broker latency, retry waits and bounds are timers on the
 * manual scheduler), yielding to real sockets in between. Ends when `work` settles; fails after `maxMs` of manual time.
 */
export async function drive<T>(w: TradingWorld, work: Promise<T>, options: { stepMs?: number; maxMs?: number } = {}): Promise<T> {
  const { stepMs = 10, maxMs = 120_000 } = options;
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let moved = 0; !settled; moved += stepMs) {
    if (moved > maxMs) throw new Error(`still running after ${maxMs} ms of manual time`);
    await w.scheduler.advance(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return work;
}
