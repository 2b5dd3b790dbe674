import net from 'node:net';
import type { ConnectionView } from '../../../src/shared/schemas';
import type { EventPayload } from '../../../src/shared/contract';
import { BROKER_ADAPTERS } from '../../../src/main/brokers/registry';
import { ManualClock } from '../../../src/main/clock';
import type { ServiceDeps } from '../../../src/main/composition';
import { ARRIVAL_JITTER_MS } from '../../../src/main/services/rate-limiter';
import { makeGraph, type TestGraph } from '../graph';
import { ManualScheduler } from '../manual-scheduler';
import { CountingFetch, onManualTime } from '../quiet-time';
import { FakeBrowser, nextEvent, type BrowserLanding } from './browser';
import type { BrokerCase, RunningSim } from './cases';

/** 09:30 IST on Monday 5 January 2026 (Sunday 23:00 in New York). */
export const START = Date.UTC(2026, 0, 5, 4, 0, 0);

/** The real service graph with every shipped adapter, a manual clock and a browser that records what main opens. */
export interface World {
  g: TestGraph;
  clock: ManualClock;
  /** The app's timers (rate limiter, sign-in limit) on the manual clock. */
  scheduler: ManualScheduler;
  /** The app's fetch, counting requests on their way (manual time stands still while one is). */
  net: CountingFetch;
  /**
   * Await work on manual time: while the app waits on a timer (its rate limiter), the clock moves to it. Every
   * IPC call goes through this; tests use it for calls they make to services directly.
   */
  run<T>(work: Promise<T>): Promise<T>;
  browser: FakeBrowser;
  /** Every IPC result the router returned, in order (for the canary scan). */
  results: { channel: string; result: unknown }[];
}

export async function makeWorld(
  clock = new ManualClock(START),
  fetch: typeof globalThis.fetch = globalThis.fetch,
  deps: Omit<Partial<ServiceDeps>, 'clock' | 'scheduler'> & { scheduler?: ManualScheduler } = {},
): Promise<World> {
  const browser = new FakeBrowser();
  const scheduler = deps.scheduler ?? new ManualScheduler(clock);
  const net = new CountingFetch(fetch);
  const run = <T>(work: Promise<T>) => onManualTime(scheduler, net, work);
  // The graph's clock is the simulators' clock, so tokens, TOTPs and broker rate windows (the simulators' and
  // the app's own limiter's) agree.
  const g = await makeGraph({ brokers: BROKER_ADAPTERS, fetch: net.fetch, clock, openExternal: browser.openExternal, ...deps, scheduler });
  const results: World['results'] = [];
  const router = g.services.router;
  const handle = router.handle.bind(router);
  router.handle = async (channel, sender, input) => {
    const result = await run(handle(channel, sender, input));
    results.push({ channel, result });
    return result;
  };
  return { g, clock, scheduler, net, run, browser, results };
}

/**
 * Simulated time for the next step, so the brokers' rate windows and the app's own (with its allowance for
 * uneven arrival) on the manual clock start afresh: the longest is the IBKR gateway's one /portfolio/accounts
 * call per 5 s.
 */
export const NEXT_WINDOW_MS = 5_000 + ARRIVAL_JITTER_MS + 100;

export function nextWindow(w: World): void {
  w.clock.advance(NEXT_WINDOW_MS);
}

export interface BrowserLogin {
  start: { status: 'browser'; redirectUri: string; loginHost: string };
  landing: BrowserLanding;
  finished: EventPayload<'login:finished'>;
}

/**
 * Sign in an OAuth connection the way the trader does: Sign in (connections:login) makes main open the
 * broker's page; the trader registers the redirect URL BrokerVault shows (Zerodha insists on it), completes
 * the broker's form, and the browser lands on BrokerVault's loopback listener; main pushes 'login:finished'.
 */
export async function browserLogin(w: World, sim: RunningSim, id: string): Promise<BrowserLogin> {
  const before = w.g.events.length;
  const start = await w.g.ok('connections:login', { id });
  if (start.status !== 'browser') throw new Error(`expected a browser login, got ${start.status}`);
  sim.setRedirectUrl?.(start.redirectUri);
  const landing = await w.browser.signIn(w.browser.lastOpened(start.loginHost));
  const finished = await nextEvent(w.g, 'login:finished', (e) => e.connectionId === id, before);
  return { start, landing, finished };
}

/** The wizard's Connect (and, for OAuth brokers, the Sign in that follows). */
export async function connect(
  w: World,
  c: BrokerCase,
  sim: RunningSim,
  label = `${c.id} main`,
  fields = sim.fields,
): Promise<{ created: ConnectionView; view: ConnectionView; login: BrowserLogin | null }> {
  const created = await w.g.ok('connections:connect', { broker: c.id, label, environment: c.environment, fields, apiHost: sim.baseUrl });
  if (!c.oauth) return { created, view: created, login: null };
  const login = await browserLogin(w, sim, created.id);
  return { created, view: login.finished.connection ?? created, login };
}

/** A loopback URL nothing listens on. */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
