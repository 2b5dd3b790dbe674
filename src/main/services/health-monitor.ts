import type { BrokerId, BrokerSessionRules } from '../../shared/brokers';
import type { ConnectionView, Settings } from '../../shared/schemas';
import { AppError } from '../errors';
import type { Logger } from '../log/types';
import type { BrokerService } from './brokers';
import type { ConnectionService } from './connections';
import { notices, type Notice } from './health/notices';
import { EXPIRY_WARNING_MS, FOCUS_DEBOUNCE_MS, FOCUS_MIN_AGE_MS, backoffMs, canLoginUnattended, checkIntervalMs, reloginLeadMs } from './health/policy';
import type { Scheduler, TimerHandle } from '../scheduler';

export interface HealthMonitorDeps {
  connections: Pick<ConnectionService, 'list' | 'get' | 'recordHealth'>;
  brokers: Pick<BrokerService, 'validate' | 'login' | 'adapterFor'>;
  /** Read at every decision, so a changed interval, notification or re-login setting applies at once. */
  settings: () => Settings;
  notify: (notice: Notice) => void;
  scheduler: Scheduler;
  log: Logger;
  /** False while checks cannot succeed (vault locked): they are skipped rather than recorded as errors. */
  canCheck?: () => boolean;
}

/** What the monitor keeps for one active connection. */
interface Watch {
  readonly id: string;
  broker: BrokerId;
  label: string;
  /** Consecutive failed checks; drives the backoff. */
  failures: number;
  lastValidatedAt: number | null;
  /** When the monitor last started (or skipped) a check: keeps a check that fails without a record from looping. */
  lastAttemptAt: number | null;
  checkTimer: TimerHandle | null;
  checkDueAt: number | null;
  /** The session expiry the timers below are armed for. */
  expiry: number | null;
  expiryTimers: Set<TimerHandle>;
  /** Things done once per expiry value ("warn:<expiry>", "expired:<expiry>", "relogin:<expiry>"). */
  done: Set<string>;
}

const MAX_DONE_KEYS = 32;
const EXPIRED_MESSAGE = 'The session expired. Sign in again.';
const ignore = (): undefined => undefined;

/**
 * Keeps an eye on every active connection: validates it on an interval (with backoff while it fails),
 * on window focus and on demand; warns before its session expires, marks it expired when it does, and
 * logs in again by itself where the broker allows that without a browser and the trader turned it on.
 */
export class HealthMonitor {
  private readonly watches = new Map<string, Watch>();
  /** One broker operation (check or re-login) per connection; kept outside the watches so it survives stop/start. */
  private readonly busy = new Map<string, Promise<ConnectionView>>();
  private running = false;
  private startedAt = 0;
  private focusTimer: TimerHandle | null = null;

  constructor(private readonly deps: HealthMonitorDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.deps.scheduler.now();
    this.refresh();
  }

  /** Cancel every timer. Checks already running finish but schedule nothing. */
  stop(): void {
    this.running = false;
    if (this.focusTimer !== null) this.deps.scheduler.clearTimeout(this.focusTimer);
    this.focusTimer = null;
    for (const watch of [...this.watches.values()]) this.forget(watch);
  }

  /** Re-read connections and settings: call on connections:changed and settings:changed. Idempotent. */
  refresh(): void {
    if (!this.running) return;
    const settings = this.deps.settings();
    const active = new Map(
      this.deps.connections
        .list()
        .filter((c) => c.isActive)
        .map((c) => [c.id, c]),
    );
    for (const watch of [...this.watches.values()]) if (!active.has(watch.id)) this.forget(watch);
    for (const view of active.values()) this.track(view, settings);
  }

  /** The app window gained focus: check soon, once, and only connections not checked in the last minute. */
  onFocus(): void {
    if (!this.running || this.focusTimer !== null) return;
    this.focusTimer = this.deps.scheduler.setTimeout(() => {
      this.focusTimer = null;
      const now = this.deps.scheduler.now();
      for (const watch of this.watches.values()) {
        const last = lastCheck(watch);
        if (last === null || now - last >= FOCUS_MIN_AGE_MS) void this.check(watch).catch(ignore);
      }
    }, FOCUS_DEBOUNCE_MS);
  }

  /** Check one connection now (joining a check already running). Works for inactive connections too. */
  checkNow(id: string): Promise<ConnectionView> {
    const watch = this.watches.get(id);
    return watch ? this.check(watch) : this.exclusive(id, () => this.deps.brokers.validate(id));
  }

  /** Check every watched connection now, concurrently; failures are recorded on the connections. */
  async checkAll(): Promise<ConnectionView[]> {
    const results = await Promise.allSettled([...this.watches.values()].map((w) => this.check(w)));
    return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  // ---- watching -------------------------------------------------------------------------------

  private track(view: ConnectionView, settings: Settings): void {
    if (!this.running) return;
    if (!view.isActive) {
      const old = this.watches.get(view.id);
      if (old) this.forget(old);
      return;
    }
    let watch = this.watches.get(view.id);
    if (!watch) {
      watch = {
        id: view.id,
        broker: view.broker,
        label: view.label,
        failures: 0,
        lastValidatedAt: null,
        lastAttemptAt: null,
        checkTimer: null,
        checkDueAt: null,
        expiry: null,
        expiryTimers: new Set(),
        done: new Set(),
      };
      this.watches.set(view.id, watch);
    }
    watch.broker = view.broker;
    watch.label = view.label;
    watch.lastValidatedAt = view.lastValidatedAt;
    // A success counts whoever checked (the trader's own Test button included).
    if (view.status === 'valid') watch.failures = 0;
    this.armCheck(watch, settings);
    this.armExpiry(watch, view.tokenExpiresAt);
  }

  private forget(watch: Watch): void {
    this.disarmCheck(watch);
    for (const handle of watch.expiryTimers) this.deps.scheduler.clearTimeout(handle);
    watch.expiryTimers.clear();
    if (this.watches.get(watch.id) === watch) this.watches.delete(watch.id);
  }

  private isWatched(watch: Watch): boolean {
    return this.running && this.watches.get(watch.id) === watch;
  }

  // ---- interval checks ------------------------------------------------------------------------

  /** Next check: one interval (or backoff) after the last check, whoever ran it; at once when none. */
  private armCheck(watch: Watch, settings: Settings): void {
    const now = this.deps.scheduler.now();
    const last = lastCheck(watch);
    const delay = backoffMs(checkIntervalMs(this.sessionRules(watch), settings), watch.failures);
    const dueAt = last === null ? now : Math.max(now, last + delay);
    if (watch.checkTimer !== null && watch.checkDueAt === dueAt) return;
    this.disarmCheck(watch);
    watch.checkDueAt = dueAt;
    watch.checkTimer = this.deps.scheduler.setTimeout(() => {
      watch.checkTimer = null;
      void this.check(watch).catch(ignore);
    }, dueAt - now);
  }

  private disarmCheck(watch: Watch): void {
    if (watch.checkTimer !== null) this.deps.scheduler.clearTimeout(watch.checkTimer);
    watch.checkTimer = null;
    watch.checkDueAt = null;
  }

  private check(watch: Watch): Promise<ConnectionView> {
    return this.busy.get(watch.id) ?? this.exclusive(watch.id, () => this.runCheck(watch));
  }

  private async runCheck(watch: Watch): Promise<ConnectionView> {
    this.disarmCheck(watch);
    watch.lastAttemptAt = this.deps.scheduler.now();
    if (this.deps.canCheck && !this.deps.canCheck()) {
      if (this.isWatched(watch)) this.armCheck(watch, this.deps.settings());
      return this.deps.connections.get(watch.id);
    }
    let view: ConnectionView;
    try {
      view = await this.deps.brokers.validate(watch.id);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') {
        this.forget(watch);
        throw error;
      }
      // Not recorded on the connection (e.g. the broker is missing from this build): still back off.
      watch.failures += 1;
      this.deps.log.warn('health check failed', { broker: watch.broker, error });
      if (this.isWatched(watch)) this.armCheck(watch, this.deps.settings());
      throw error;
    }
    watch.failures = view.status === 'valid' ? 0 : watch.failures + 1;
    if (this.isWatched(watch)) this.track(view, this.deps.settings());
    return view;
  }

  /** Run a broker operation as the connection's only one; callers arriving meanwhile share its result. */
  private exclusive(id: string, task: () => Promise<ConnectionView>): Promise<ConnectionView> {
    const run = task().finally(() => {
      if (this.busy.get(id) === run) this.busy.delete(id);
    });
    this.busy.set(id, run);
    return run;
  }

  /** Wait until no operation runs on the connection (one may start right after another). */
  private async idle(id: string): Promise<void> {
    for (let running = this.busy.get(id); running; running = this.busy.get(id)) await running.catch(ignore);
  }

  // ---- session expiry -------------------------------------------------------------------------

  private armExpiry(watch: Watch, expiresAt: number | null): void {
    // Adapters report 0 for "no session at all": nothing to warn about or count down to.
    const expiry = expiresAt !== null && expiresAt > 0 ? expiresAt : null;
    if (expiry === watch.expiry) return;
    for (const handle of watch.expiryTimers) this.deps.scheduler.clearTimeout(handle);
    watch.expiryTimers.clear();
    watch.expiry = expiry;
    if (expiry === null) return;
    // Armed in this order so that, when all are already due (a stale session at start), re-login goes first.
    this.at(watch, expiry - reloginLeadMs(this.sessionRules(watch)), () => void this.relogin(watch, expiry));
    // A warning is only useful ahead of time: a session first seen with under 15 minutes left (or a
    // 15-minute token) gets the expiry notice alone.
    if (expiry - EXPIRY_WARNING_MS > this.deps.scheduler.now()) this.at(watch, expiry - EXPIRY_WARNING_MS, () => this.warn(watch, expiry));
    this.at(watch, expiry, () => void this.expire(watch, expiry));
  }

  /** A timer for an absolute time; fires again later if it came early (a timer is not a wall clock). */
  private at(watch: Watch, dueAt: number, fn: () => void): void {
    const handle = this.deps.scheduler.setTimeout(
      () => {
        watch.expiryTimers.delete(handle);
        if (this.deps.scheduler.now() < dueAt) this.at(watch, dueAt, fn);
        else fn();
      },
      Math.max(0, dueAt - this.deps.scheduler.now()),
    );
    watch.expiryTimers.add(handle);
  }

  private warn(watch: Watch, expiry: number): void {
    if (!this.isWatched(watch) || watch.expiry !== expiry || !once(watch, `warn:${expiry}`)) return;
    const settings = this.deps.settings();
    // Nothing for the trader to do when BrokerVault will sign in again by itself.
    if (!settings.notificationsEnabled || this.reloginPlanned(watch, settings)) return;
    this.notify(notices.expiresSoon(this.brokerName(watch), watch.label));
  }

  private async expire(watch: Watch, expiry: number): Promise<void> {
    await this.idle(watch.id); // a re-login in progress may replace the session
    if (!this.isWatched(watch) || watch.expiry !== expiry || !once(watch, `expired:${expiry}`)) return;
    let view: ConnectionView;
    try {
      view = this.deps.connections.get(watch.id);
    } catch {
      this.forget(watch);
      return;
    }
    if (view.status !== 'expired') this.deps.connections.recordHealth(watch.id, { status: 'expired', last_error: EXPIRED_MESSAGE });
    // A session that ran out while the app was closed is shown as expired, without a notification on every launch.
    if (this.deps.settings().notificationsEnabled && expiry >= this.startedAt) this.notify(notices.expired(this.brokerName(watch), watch.label));
  }

  // ---- automatic re-login ---------------------------------------------------------------------

  private reloginPlanned(watch: Watch, settings: Settings): boolean {
    if (!settings.autoRelogin) return false;
    try {
      return canLoginUnattended(this.deps.brokers.adapterFor(watch.broker));
    } catch {
      return false;
    }
  }

  /** One attempt per expiry value: repeated failed logins can lock a broker account (TOTP, PIN). */
  private async relogin(watch: Watch, expiry: number): Promise<void> {
    if (!this.isWatched(watch) || watch.expiry !== expiry) return;
    const settings = this.deps.settings();
    if (!this.reloginPlanned(watch, settings) || !once(watch, `relogin:${expiry}`)) return;
    await this.idle(watch.id);
    if (!this.isWatched(watch) || watch.expiry !== expiry) return;
    const name = this.brokerName(watch);
    try {
      const view = await this.exclusive(watch.id, async () => {
        const result = await this.deps.brokers.login(watch.id);
        if (result.status !== 'logged-in') throw new AppError('NOT_SUPPORTED', 'This broker needs a browser to sign in.');
        return result.connection;
      });
      watch.lastAttemptAt = this.deps.scheduler.now();
      const ok = view.status === 'valid';
      this.deps.log.info('automatic sign-in', { broker: watch.broker, ok });
      if (this.deps.settings().notificationsEnabled) this.notify(ok ? notices.reloggedIn(name, watch.label) : notices.reloginFailed(name, watch.label));
      if (this.isWatched(watch)) this.track(view, this.deps.settings());
    } catch (error) {
      this.deps.log.warn('automatic sign-in failed', { broker: watch.broker, error });
      if (this.deps.settings().notificationsEnabled) this.notify(notices.reloginFailed(name, watch.label));
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The broker's declared session rules; none when the broker is missing from this build. */
  private sessionRules(watch: Watch): BrokerSessionRules | undefined {
    try {
      return this.deps.brokers.adapterFor(watch.broker).descriptor.session;
    } catch {
      return undefined;
    }
  }

  private brokerName(watch: Watch): string {
    try {
      return this.deps.brokers.adapterFor(watch.broker).descriptor.name;
    } catch {
      return watch.broker;
    }
  }

  private notify(notice: Notice): void {
    try {
      this.deps.notify(notice);
    } catch (error) {
      this.deps.log.warn('notification failed', { error });
    }
  }
}

function lastCheck(watch: Watch): number | null {
  const times = [watch.lastValidatedAt, watch.lastAttemptAt].filter((t): t is number => t !== null);
  return times.length > 0 ? Math.max(...times) : null;
}

/** True the first time `key` is seen for this connection. Bounded: old expiry values drop off. */
function once(watch: Watch, key: string): boolean {
  if (watch.done.has(key)) return false;
  watch.done.add(key);
  if (watch.done.size > MAX_DONE_KEYS) watch.done.delete(watch.done.values().next().value!);
  return true;
}
