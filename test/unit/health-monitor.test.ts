import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/shared/schemas';
import type { BrokerId } from '../../src/shared/brokers';
import { BrokerError } from '../../src/main/brokers/types';
import { descriptor as tastytrade } from '../../src/main/brokers/tastytrade/descriptor';
import { ManualClock } from '../../src/main/clock';
import type { HealthMonitor } from '../../src/main/services/health-monitor';
import { systemScheduler } from '../../src/main/scheduler';
import { makeGraph, type TestGraph } from '../support/graph';
import { deferred, EXPIRES_FIELD, healthAdapter, type HealthFake, type HealthFakeOptions } from '../support/health-fakes';
import { ManualScheduler } from '../support/manual-scheduler';

const SEC = 1000;
const MIN = 60 * SEC;
const fields = { api_key: 'AKTESTKEY123456', api_secret: 'secret-value-0001' };

interface Rig {
  g: TestGraph;
  scheduler: ManualScheduler;
  monitor: HealthMonitor;
  notes: { title: string; body: string }[];
  fakes: Record<string, HealthFake>;
  add(broker: BrokerId, label?: string, extra?: Record<string, string>): Promise<string>;
  /** Store a session (as a login would) expiring at `expiresAt`. */
  session(id: string, expiresAt: number): Promise<void>;
  status(id: string): string;
}

let rig: Rig | null = null;
afterEach(() => {
  rig?.monitor.stop();
  rig?.g.close();
  rig = null;
});

async function setup(brokers: Partial<Record<BrokerId, Omit<HealthFakeOptions, 'scheduler'>>>, settings: Partial<Settings> = {}): Promise<Rig> {
  const clock = new ManualClock();
  const scheduler = new ManualScheduler(clock);
  const fakes = Object.fromEntries(Object.entries(brokers).map(([id, o]) => [id, healthAdapter(id as BrokerId, { scheduler, ...o })]));
  const notes: Rig['notes'] = [];
  // The production graph: its monitor, wired to connection and settings changes by createServices.
  const graph = await makeGraph({ clock, scheduler, notifier: { notify: (n) => void notes.push(n) }, brokers: Object.values(fakes) });
  graph.services.settings.set(settings);
  const monitor = graph.services.health;
  let n = 0;
  rig = {
    g: graph,
    scheduler,
    monitor,
    notes,
    fakes,
    async add(broker, label = `Account ${++n}`, extra = {}) {
      return (await graph.services.connections.create({ broker, label, environment: 'live', fields: { ...fields, ...extra } })).id;
    },
    async session(id, expiresAt) {
      await graph.services.connections.storeSession(id, { access_token: 'stored', [EXPIRES_FIELD]: String(expiresAt) }, expiresAt, { flow: 'test' });
    },
    status: (id) => graph.services.connections.get(id).status,
  };
  return rig;
}

/** Gaps between consecutive calls, in seconds. */
const gaps = (times: number[]) => times.slice(1).map((t, i) => (t - times[i]!) / SEC);

describe('health monitor: when it checks', () => {
  it('checks a new connection at once, then every settings.checkIntervalSec, following a changed setting', async () => {
    const { monitor, scheduler, fakes, add, status } = await setup({ alpaca: {} });
    const id = await add('alpaca');
    monitor.start();
    await scheduler.advance(0);
    expect(fakes.alpaca!.validateCalls).toHaveLength(1);
    expect(status(id)).toBe('valid');

    await scheduler.advance(300 * SEC - 1);
    expect(fakes.alpaca!.validateCalls).toHaveLength(1);
    await scheduler.advance(1);
    expect(fakes.alpaca!.validateCalls).toHaveLength(2);

    rig!.g.services.settings.set({ checkIntervalSec: 60 });
    await scheduler.advance(10 * MIN);
    expect(gaps(fakes.alpaca!.validateCalls)).toEqual([300, ...Array(10).fill(60)]);
  });

  it('checks a 15-minute-token broker (tastytrade) more often than the user interval', async () => {
    const { monitor, scheduler, fakes, add } = await setup({ tastytrade: { descriptor: { session: tastytrade.session } }, alpaca: {} });
    await add('tastytrade');
    await add('alpaca');
    monitor.start();
    await scheduler.advance(10 * MIN);
    expect(gaps(fakes.tastytrade!.validateCalls)).toEqual(Array(10).fill(60));
    expect(gaps(fakes.alpaca!.validateCalls)).toEqual([300, 300]);
  });

  it('does not re-check a connection validated recently elsewhere (e.g. Connect) when it starts', async () => {
    const { monitor, scheduler, fakes, add, g } = await setup({ alpaca: {} });
    const id = await add('alpaca');
    await g.services.brokerCalls.validate(id);
    await scheduler.advance(2 * MIN);
    monitor.start();
    await scheduler.advance(3 * MIN - 1);
    expect(fakes.alpaca!.validateCalls).toHaveLength(1);
    await scheduler.advance(1);
    expect(fakes.alpaca!.validateCalls).toHaveLength(2);
  });

  it('checks on focus after a short debounce, once for a burst of focus events, skipping recently checked ones', async () => {
    const { monitor, scheduler, fakes, add } = await setup({ alpaca: {} });
    await add('alpaca');
    monitor.start();
    await scheduler.advance(2 * MIN);
    expect(fakes.alpaca!.validateCalls).toHaveLength(1);

    const timers = scheduler.pending;
    for (let i = 0; i < 10; i++) monitor.onFocus();
    expect(scheduler.pending).toBe(timers + 1); // one debounce timer for the burst
    await scheduler.advance(SEC / 2);
    monitor.onFocus();
    await scheduler.advance(SEC / 2 - 1);
    expect(fakes.alpaca!.validateCalls).toHaveLength(1);
    await scheduler.advance(1);
    expect(fakes.alpaca!.validateCalls).toHaveLength(2);

    // Checked a second ago: focusing again does not call the broker.
    monitor.onFocus();
    await scheduler.advance(5 * SEC);
    expect(fakes.alpaca!.validateCalls).toHaveLength(2);

    // The focus check counts as a check: the next interval check is 5 minutes after it.
    await scheduler.advance(5 * MIN - 6 * SEC);
    expect(fakes.alpaca!.validateCalls).toHaveLength(2);
    await scheduler.advance(SEC);
    expect(fakes.alpaca!.validateCalls).toHaveLength(3);
  });

  it('checks on demand, one connection or all', async () => {
    const { monitor, scheduler, fakes, add } = await setup({ alpaca: {} });
    const a = await add('alpaca');
    await add('alpaca');
    monitor.start();
    await scheduler.advance(0);
    expect(fakes.alpaca!.validateCalls).toHaveLength(2);
    expect((await monitor.checkNow(a)).status).toBe('valid');
    expect(fakes.alpaca!.validateCalls).toHaveLength(3);
    expect(await monitor.checkAll()).toHaveLength(2);
    expect(fakes.alpaca!.validateCalls).toHaveLength(5);
  });

  it('backs off exponentially while checks fail, capped at 30 minutes, and resets on success', async () => {
    const { monitor, scheduler, fakes, add, status } = await setup({ alpaca: {} });
    const id = await add('alpaca');
    fakes.alpaca!.failWith = new BrokerError('NETWORK', 'Could not reach the broker.');
    monitor.start();
    await scheduler.advance(0);
    expect(status(id)).toBe('error');

    await scheduler.advance((600 + 1200 + 1800 + 1800) * SEC);
    expect(gaps(fakes.alpaca!.validateCalls)).toEqual([600, 1200, 1800, 1800]);

    fakes.alpaca!.failWith = null;
    await scheduler.advance(1800 * SEC);
    expect(status(id)).toBe('valid');
    await scheduler.advance(600 * SEC);
    expect(gaps(fakes.alpaca!.validateCalls)).toEqual([600, 1200, 1800, 1800, 1800, 300, 300]);
  });
});

describe('health monitor: concurrency', () => {
  it('never runs more than one check per connection at a time; callers share the running one', async () => {
    const { monitor, scheduler, fakes, add } = await setup({ alpaca: {} });
    const id = await add('alpaca');
    const gate = deferred();
    fakes.alpaca!.gate = gate.promise;
    monitor.start();
    await scheduler.advance(0);
    const waiting = [monitor.checkNow(id), monitor.checkNow(id), monitor.checkAll()];
    monitor.onFocus();
    await scheduler.advance(10 * MIN); // interval and focus timers fire while the first check hangs
    expect(fakes.alpaca!.validateCalls).toHaveLength(1);
    expect(fakes.alpaca!.maxInFlight).toBe(1);

    fakes.alpaca!.gate = null;
    gate.resolve();
    const [one, two, all] = await Promise.all(waiting);
    expect(one).toEqual(two);
    expect(all).toEqual([one]);
    expect(fakes.alpaca!.validateCalls).toHaveLength(1);
    await scheduler.advance(0);
    expect(fakes.alpaca!.maxInFlight).toBe(1);
  });

  it('checks 50 connections concurrently: all done within the slowest latency', async () => {
    const { monitor, scheduler, fakes, add, g } = await setup({ alpaca: {} });
    const fake = fakes.alpaca!;
    // Latency 100 ms … 1080 ms of manual time, by connection (carried in the client code).
    fake.latency = (ctx) => 100 + 20 * Number(ctx.credentials.client_code!.slice(1));
    for (let i = 0; i < 50; i++) await add('alpaca', `Account ${i}`, { client_code: `C${String(i).padStart(2, '0')}` });
    const slowest = 100 + 20 * 49;

    const started = g.clock.now();
    monitor.start();
    await scheduler.advance(0);
    expect(fake.inFlight).toBe(50);

    let finishedAt: number | null = null;
    void monitor.checkAll().then(() => (finishedAt = g.clock.now()));
    await scheduler.advance(slowest);
    expect(finishedAt).not.toBeNull();
    expect(finishedAt! - started).toBeLessThanOrEqual(slowest + 10);
    expect(fake.maxInFlight).toBe(50);
    expect(fake.validateCalls).toHaveLength(50); // checkAll joined the running checks
    expect(g.services.connections.list().every((c) => c.status === 'valid')).toBe(true);
  });
});

describe('health monitor: session expiry', () => {
  it('notifies 15 minutes before and at expiry exactly once, and marks the connection expired', async () => {
    const { monitor, scheduler, fakes, add, session, status, notes, g } = await setup({ zerodha: { login: 'browser' } });
    const id = await add('zerodha');
    const expiry = g.clock.now() + 60 * MIN;
    await session(id, expiry);
    monitor.start();

    await scheduler.advanceTo(expiry - 15 * MIN - 1);
    expect(notes).toEqual([]);
    await scheduler.advance(1);
    expect(notes).toEqual([{ title: 'Fake zerodha session expires in 15 minutes', body: 'Sign in again to keep "Account 1" connected.' }]);

    // Checks and refreshes re-record the same expiry: no repeat.
    await monitor.checkNow(id);
    monitor.refresh();
    await scheduler.advanceTo(expiry - 1);
    expect(notes).toHaveLength(1);
    expect(status(id)).toBe('valid');

    await scheduler.advance(1);
    expect(status(id)).toBe('expired');
    expect(g.services.connections.get(id).lastError).toMatch(/expired/);
    expect(notes[1]).toEqual({ title: 'Fake zerodha session expired', body: '"Account 1" is signed out. Sign in again to trade with it.' });

    // Later checks fail with TOKEN_EXPIRED; nothing is announced again.
    await scheduler.advance(3 * 60 * MIN);
    expect(fakes.zerodha!.validateCalls.length).toBeGreaterThan(5);
    expect(status(id)).toBe('expired');
    expect(notes).toHaveLength(2);
    expect(fakes.zerodha!.loginCalls).toEqual([]); // an OAuth broker is never signed in again by itself

    // The same expiry value seen again (cleared, then restored) is not announced again.
    g.services.connections.recordHealth(id, { token_expires_at: null });
    g.services.connections.recordHealth(id, { token_expires_at: expiry });
    await scheduler.advance(MIN);
    expect(notes).toHaveLength(2);

    // A new session is a new expiry value: announced again, once.
    const next = g.clock.now() + 30 * MIN;
    await session(id, next);
    await scheduler.advanceTo(next + 10 * MIN);
    expect(notes.map((n) => n.title)).toEqual([
      'Fake zerodha session expires in 15 minutes',
      'Fake zerodha session expired',
      'Fake zerodha session expires in 15 minutes',
      'Fake zerodha session expired',
    ]);
  });

  it('sends no notifications when they are turned off, but still marks the connection expired', async () => {
    const { monitor, scheduler, add, session, status, notes, g } = await setup({ zerodha: { login: 'browser' } }, { notificationsEnabled: false });
    const id = await add('zerodha');
    const expiry = g.clock.now() + 60 * MIN;
    await session(id, expiry);
    monitor.start();
    await scheduler.advanceTo(expiry + MIN);
    expect(notes).toEqual([]);
    expect(status(id)).toBe('expired');
  });

  it('marks a session that expired while the app was closed without notifying', async () => {
    const { monitor, scheduler, add, session, status, notes, g } = await setup({ zerodha: { login: 'browser' } });
    const id = await add('zerodha');
    await session(id, g.clock.now() - MIN);
    monitor.start();
    await scheduler.advance(0);
    expect(status(id)).toBe('expired');
    expect(notes).toEqual([]);
  });
});

describe('health monitor: automatic re-login', () => {
  it('signs in again 2 minutes before expiry for a login-capable broker, and says so', async () => {
    const { monitor, scheduler, fakes, add, status, notes, g } = await setup(
      { 'angel-one': { login: 'direct', tokenLifetimeMs: 60 * MIN } },
      { autoRelogin: true },
    );
    const id = await add('angel-one');
    await g.services.brokerCalls.login(id);
    const firstExpiry = g.clock.now() + 60 * MIN;
    expect(g.services.connections.get(id).tokenExpiresAt).toBe(firstExpiry);
    monitor.start();

    await scheduler.advanceTo(firstExpiry - 2 * MIN - 1);
    expect(fakes['angel-one']!.loginCalls).toHaveLength(1);
    await scheduler.advance(1);
    expect(fakes['angel-one']!.loginCalls).toEqual([firstExpiry - 60 * MIN, firstExpiry - 2 * MIN]);
    expect(g.services.connections.get(id).tokenExpiresAt).toBe(firstExpiry - 2 * MIN + 60 * MIN);
    // No "expires in 15 minutes" warning: there was nothing for the trader to do.
    expect(notes).toEqual([{ title: 'BrokerVault signed in to Fake angel-one again', body: '"Account 1" has a new session.' }]);

    await scheduler.advanceTo(firstExpiry + MIN);
    expect(status(id)).toBe('valid');
    expect(notes).toHaveLength(1);
  });

  it('renews a 15-minute tastytrade token at 80% of its life', async () => {
    const { monitor, scheduler, fakes, add, status, g } = await setup(
      { tastytrade: { login: 'direct', tokenLifetimeMs: 15 * MIN, descriptor: { session: tastytrade.session } } },
      { autoRelogin: true },
    );
    const id = await add('tastytrade');
    await g.services.brokerCalls.login(id);
    monitor.start();
    await scheduler.advance(60 * MIN);
    expect(gaps(fakes.tastytrade!.loginCalls)).toEqual([12 * 60, 12 * 60, 12 * 60, 12 * 60, 12 * 60]);
    expect(status(id)).toBe('valid');
    expect(rig!.notes.map((n) => n.title)).toEqual(Array(5).fill('BrokerVault signed in to Fake tastytrade again'));
  });

  it('does not sign in by itself when auto re-login is off', async () => {
    const { monitor, scheduler, fakes, add, status, notes, g } = await setup({ 'angel-one': { login: 'direct', tokenLifetimeMs: 60 * MIN } });
    const id = await add('angel-one');
    await g.services.brokerCalls.login(id);
    monitor.start();
    await scheduler.advance(61 * MIN);
    expect(fakes['angel-one']!.loginCalls).toHaveLength(1);
    expect(status(id)).toBe('expired');
    expect(notes.map((n) => n.title)).toEqual(['Fake angel-one session expires in 15 minutes', 'Fake angel-one session expired']);
  });

  it('never signs in to an OAuth (browser) broker by itself', async () => {
    const { monitor, scheduler, fakes, add, session, status, notes, g } = await setup({ zerodha: { login: 'browser' } }, { autoRelogin: true });
    const id = await add('zerodha');
    await session(id, g.clock.now() + 60 * MIN);
    monitor.start();
    await scheduler.advance(61 * MIN);
    expect(fakes.zerodha!.loginCalls).toEqual([]);
    expect(status(id)).toBe('expired');
    expect(notes.map((n) => n.title)).toEqual(['Fake zerodha session expires in 15 minutes', 'Fake zerodha session expired']);
  });

  it('tries once per expiry when the login fails, says so, and lets the session expire', async () => {
    const { monitor, scheduler, fakes, add, status, notes, g } = await setup(
      { 'angel-one': { login: 'direct', tokenLifetimeMs: 60 * MIN } },
      { autoRelogin: true },
    );
    const id = await add('angel-one');
    await g.services.brokerCalls.login(id);
    fakes['angel-one']!.loginFailWith = new BrokerError('INVALID_CREDENTIALS', 'The TOTP was rejected.');
    monitor.start();
    await scheduler.advance(3 * 60 * MIN);
    expect(fakes['angel-one']!.loginCalls).toHaveLength(2); // the manual one, then one automatic attempt
    expect(status(id)).toBe('expired');
    expect(notes.map((n) => n.title)).toEqual(['BrokerVault could not sign in to Fake angel-one again', 'Fake angel-one session expired']);
  });

  it('does not run a re-login while a check is in flight', async () => {
    const { monitor, scheduler, fakes, add, g } = await setup({ 'angel-one': { login: 'direct', tokenLifetimeMs: 60 * MIN } }, { autoRelogin: true });
    const fake = fakes['angel-one']!;
    const id = await add('angel-one');
    await g.services.brokerCalls.login(id);
    monitor.start();
    await scheduler.advanceTo(g.clock.now() + 58 * MIN - SEC);
    const gate = deferred();
    fake.gate = gate.promise;
    void monitor.checkNow(id);
    await scheduler.advance(2 * SEC); // re-login falls due
    expect(fake.loginCalls).toHaveLength(1);
    fake.gate = null;
    gate.resolve();
    await scheduler.advance(0);
    expect(fake.loginCalls).toHaveLength(2);
    expect(fake.maxInFlight).toBe(1);
  });
});

describe('health monitor: lifecycle', () => {
  it('stop cancels every timer; nothing runs afterwards', async () => {
    const { monitor, scheduler, fakes, add, session, notes, g } = await setup({ zerodha: { login: 'browser' } });
    const id = await add('zerodha');
    await session(id, g.clock.now() + 60 * MIN);
    // The graph's other services may hold timers of their own on the shared scheduler.
    const others = scheduler.pending;
    monitor.start();
    await scheduler.advance(0);
    monitor.onFocus();
    expect(scheduler.pending).toBeGreaterThan(others);
    monitor.stop();
    expect(scheduler.pending).toBe(others);
    const calls = fakes.zerodha!.validateCalls.length;
    await scheduler.advance(2 * 60 * MIN);
    expect(fakes.zerodha!.validateCalls).toHaveLength(calls);
    expect(notes).toEqual([]);
  });

  it('follows connections added, deactivated and deleted', async () => {
    const { monitor, scheduler, fakes, add, g } = await setup({ alpaca: {} });
    const a = await add('alpaca');
    const b = await add('alpaca');
    monitor.start();
    await scheduler.advance(0);
    expect(fakes.alpaca!.validateCalls).toHaveLength(2);

    await add('alpaca'); // checked at once
    await scheduler.advance(0);
    expect(fakes.alpaca!.validateCalls).toHaveLength(3);

    g.services.connections.setActive(a, false);
    g.services.connections.delete(b);
    await scheduler.advance(5 * MIN);
    expect(fakes.alpaca!.validateCalls).toHaveLength(4); // only c
    expect(g.services.connections.get(a).lastValidatedAt).toBeLessThan(g.clock.now() - 4 * MIN);

    g.services.connections.setActive(a, true);
    await scheduler.advance(0);
    expect(fakes.alpaca!.validateCalls).toHaveLength(5);
  });

  it('skips checks while they cannot succeed (vault locked) instead of recording errors', async () => {
    const passphrase = 'correct horse battery staple';
    const { scheduler, fakes, add } = await setup({ alpaca: {} });
    await rig!.g.ok('vault:setupPassphrase', { passphrase });
    const id = await add('alpaca');
    // The app restarts: a passphrase vault opens locked.
    const g = (rig!.g = await rig!.g.reopen());
    expect(g.services.vault.status().state).toBe('locked');
    g.services.health.start();
    await scheduler.advance(10 * MIN);
    expect(fakes.alpaca!.validateCalls).toEqual([]);
    expect(g.services.connections.get(id).status).toBe('untested');
    await g.ok('vault:unlock', { passphrase });
    await scheduler.advance(5 * MIN);
    expect(fakes.alpaca!.validateCalls).toHaveLength(1);
    g.services.health.stop();
  });
});

describe('system scheduler', () => {
  it('runs and cancels real timers', async () => {
    const scheduler = systemScheduler();
    const fired: string[] = [];
    scheduler.setTimeout(() => fired.push('a'), 5);
    const b = scheduler.setTimeout(() => fired.push('b'), 5);
    scheduler.clearTimeout(b);
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toEqual(['a']);
    expect(Math.abs(scheduler.now() - Date.now())).toBeLessThan(5);
  });
});
