import type { BrokerAdapter } from './brokers/types';
import { BROKER_ADAPTERS, BrokerRegistry } from './brokers/registry';
import { systemClock, type Clock } from './clock';
import { createHandlers } from './ipc/handlers';
import { EventBus } from './ipc/events';
import { createRouter, type Router } from './ipc/router';
import { createLogger, fileSink } from './log/logger';
import type { Logger, LogSink } from './log/types';
import { SecretRegistry } from './log/redact';
import type { PreferencesStore } from './preferences';
import { APP_ORIGIN, isTrustedSender, type TrustedOrigin } from './security/sender';
import { BrokerService } from './services/brokers';
import { ConnectionService } from './services/connections';
import { InstrumentService } from './services/instruments';
import { OAuthListener } from './services/oauth-listener';
import { RateLimiter } from './services/rate-limiter';
import { InstrumentsRepo } from './store/instruments-repo';
import { createTrading, type Trading } from './trading';
import { createMarket, createStreams, type Market } from './trading/market';
import { HealthMonitor } from './services/health-monitor';
import { systemScheduler, type Scheduler } from './scheduler';
import { SettingsService } from './services/settings';
import { checkIntervalMs } from './services/health/policy';
import { AppSettings } from './store/app-settings';
import { AnchorFile } from './store/audit-anchor';
import { AuditLog } from './store/audit-log';
import { AuditGuard } from './services/audit-guard';
import { ConnectionsRepo } from './store/connections-repo';
import { openDatabaseWithBackup, type Db } from './store/db';
import { BackupService } from './services/backups';
import type { StoreControl } from './store-control';
import type { Notifier } from './notifier';
import type { KeyStore } from './vault/keystore';
import { PassphraseKeyFile, STRONG_SCRYPT, type ScryptParams } from './vault/passphrase-keyfile';
import { Vault } from './vault/vault';
import { LocalApiService } from './local-api/service';
import { ALL_VERBS } from './local-api/verbs';

/** Everything the main-process graph needs from the outside world. Electron and tests both call createServices. */
export interface ServiceDeps {
  dataDir: string;
  keyStore: KeyStore;
  clock?: Clock;
  fetch?: typeof fetch;
  notifier?: Notifier;
  openExternal?: (url: string) => Promise<void>;
  /** electron-store in the app, `conf` with the same options under Node (see preferences-conf.ts). */
  preferences: PreferencesStore;
  logSink?: LogSink;
  trustedOrigin?: TrustedOrigin;
  appInfo?: { name: string; version: string; platform: string };
  brokers?: readonly BrokerAdapter[];
  scrypt?: ScryptParams;
  /** Port of the loopback OAuth redirect listener; fixed so the trader registers the URL once (0: any free port, for tests). */
  oauthPort?: number;
  /** Timers for background work; tests pass a manual scheduler driven by their clock. */
  scheduler?: Scheduler;
  /** Client-side broker rate limits (tests pass one that can hold a request); by default on `scheduler`. */
  rateLimiter?: RateLimiter;
  /** better-sqlite3 addon built for Electron's ABI (src/main/electron/native-binding.ts); undefined under Node. */
  sqliteNativeBinding?: string;
  /** How long appends are coalesced before the audit seal is written (the crash test uses 0). */
  auditSealDelayMs?: number;
  /** The host that can replace the database under the graph (Settings → Restore); without one, restore is not offered. */
  store?: StoreControl;
  /** Schema migrations to apply (tests pass one that fails); the app's own by default. */
  migrations?: readonly string[];
  /** Uniform in [0, 1): the reconnect jitter's source (tests pass a fixed one). */
  random?: () => number;
  /** Host names the local API answers to besides 127.0.0.1 and localhost. */
  localApiHostNames?: readonly string[];
}

/** How often open orders are brought up to date and due schedules run while the app is open. */
export const TRADING_TICK_MS = 15_000;

/** The loopback port BrokerVault's OAuth redirect URL uses (http://127.0.0.1:47391/callback/<broker>). */
export const DEFAULT_OAUTH_PORT = 47391;

export interface AppServices {
  router: Router;
  events: EventBus;
  db: Db;
  vault: Vault;
  connections: ConnectionService;
  brokerCalls: BrokerService;
  trading: Trading;
  health: HealthMonitor;
  audit: AuditLog;
  auditGuard: AuditGuard;
  settings: SettingsService;
  brokers: BrokerRegistry;
  secrets: SecretRegistry;
  log: Logger;
  preferences: PreferencesStore;
  backups: BackupService;
  market: Market;
  /** The OpenAlgo-compatible local API (off until enabled in Settings). */
  localApi: LocalApiService;
  /** Start background work: health checks, start-up reconciliation, order refresh and schedules. */
  start(): Promise<void>;
  close(): void;
}

/** Build the whole main-side service graph from injected dependencies. */
export async function createServices(deps: ServiceDeps): Promise<AppServices> {
  const clock = deps.clock ?? systemClock;
  const scheduler = deps.scheduler ?? systemScheduler(clock);
  const secrets = new SecretRegistry();
  const log = createLogger(deps.logSink ?? fileSink(deps.dataDir), secrets, clock);
  // SECURITY ("nothing lost"): a pending schema change on a database with data is preceded by a verified backup.
  const db = await openDatabaseWithBackup(deps.dataDir, { nativeBinding: deps.sqliteNativeBinding, migrations: deps.migrations, now: () => clock.now() });
  const appSettings = new AppSettings(db);
  const audit = new AuditLog(db, clock);
  const repo = new ConnectionsRepo(db);
  const events = new EventBus(log);
  const brokers = new BrokerRegistry(deps.brokers ?? BROKER_ADAPTERS);
  const preferences = deps.preferences;

  const vault = new Vault({
    db,
    settings: appSettings,
    keyStore: deps.keyStore,
    keyFile: new PassphraseKeyFile(deps.dataDir, deps.scrypt ?? STRONG_SCRYPT),
    secrets,
    log,
    countSecrets: () => repo.countSecrets(),
    audit: (action, detail) => audit.append(action, null, detail),
  });
  await vault.init();
  const auditGuard = new AuditGuard({
    audit,
    settings: appSettings,
    anchorFile: new AnchorFile(deps.dataDir),
    currentKey: () => {
      try {
        return vault.requireKey();
      } catch {
        return null;
      }
    },
    scheduler,
    log,
    sealDelayMs: deps.auditSealDelayMs,
  });

  const connections = new ConnectionService({
    db,
    repo,
    vault,
    audit,
    clock,
    descriptor: (id) => brokers.get(id)?.descriptor,
    secrets,
  });
  const brokerCalls = new BrokerService({
    registry: brokers,
    connections,
    instruments: new InstrumentService(new InstrumentsRepo(db), clock, log),
    limiter: deps.rateLimiter ?? new RateLimiter(scheduler),
    oauth: new OAuthListener(deps.oauthPort ?? DEFAULT_OAUTH_PORT, scheduler),
    fetch: deps.fetch ?? globalThis.fetch,
    clock,
    scheduler,
    log,
    openExternal: deps.openExternal ?? (async () => undefined),
    secrets,
  });
  const settings = new SettingsService(preferences);
  const notifier = deps.notifier ?? { notify: () => undefined };
  const random = deps.random ?? Math.random;
  const { source: streamSource, streams } = createStreams({ connections, brokerCalls, scheduler, random, log });
  const trading = createTrading({
    db,
    settings: appSettings,
    connections,
    brokerCalls,
    audit,
    clock,
    log,
    notifier,
    canDecrypt: () => vault.status().state === 'ready',
    scheduler,
    checkIntervalMs: (broker) => checkIntervalMs(brokers.get(broker)?.descriptor.session, settings.get()),
    paperCharges: () => settings.get().paperChargesEstimate,
    streams,
  });
  const backups = new BackupService({ db, dataDir: deps.dataDir, clock, scheduler, log, nativeBinding: deps.sqliteNativeBinding });
  const health = new HealthMonitor({
    connections,
    brokers: brokerCalls,
    settings: () => settings.get(),
    notify: (n) => notifier.notify(n),
    scheduler,
    log,
    // A locked or keyless vault cannot decrypt credentials: skip checks rather than mark connections broken.
    canCheck: () => vault.status().state === 'ready',
  });
  const market = createMarket({ source: streamSource, streams, connections, brokerCalls, trading, scheduler, random, log, secrets, events });
  const localApi = new LocalApiService({
    db,
    settings: appSettings,
    audit,
    clock,
    scheduler,
    log,
    services: { trading, connections, brokerCalls, market, brokers, audit, log },
    verbs: ALL_VERBS,
    hostNames: deps.localApiHostNames,
  });
  let tickTimer: unknown = null;
  let closed = false;

  // Consumers subscribe to producers' events here; no service holds a closure into another.
  settings.onDidChange(() => health.refresh());
  // The audit seal catches up once the vault has a key again.
  vault.onDidChange(() => auditGuard.vaultChanged());
  /**
   * After any change to connections: live mode is re-checked at once (a deleted, deactivated, expired or
   * invalid live connection means paper now); the monitor's watch list and the renderer's list are
   * refreshed once per event-loop turn, however many checks finished in it (a 100-connection fan-out).
   */
  connections.onDidChange(() => trading.mode.enforce());
  let listPending = false;
  connections.onDidChange(() => {
    if (listPending) return;
    listPending = true;
    setImmediate(() => {
      listPending = false;
      if (closed) return;
      health.refresh();
      market.connectionsChanged();
      events.emit('connections:changed', { connections: connections.list() });
      // Saving or deleting a connection can create the key or change the secret count: Settings shows it at once.
      announceVault();
    });
  });
  // What the renderer shows: each service's own events, forwarded to the window's event bus.
  let lastVault = JSON.stringify(vault.status());
  const announceVault = () => {
    try {
      const status = vault.status();
      const seen = JSON.stringify(status);
      if (seen === lastVault) return;
      lastVault = seen;
      events.emit('vault:changed', status);
    } catch (error) {
      log.warn('vault status could not be read after a connection change', { error });
    }
  };
  vault.onDidChange((status) => {
    lastVault = JSON.stringify(status);
    events.emit('vault:changed', status);
  });
  settings.onDidChange((s) => events.emit('settings:changed', s));
  brokerCalls.onDidFinishLogin((event) => events.emit('login:finished', event));
  trading.mode.onDidChange((status) => events.emit('mode:changed', status));
  trading.orders.onDidChange((order) => events.emit('orders:changed', { order }));
  auditGuard.onDidChange((status) => events.emit('audit:changed', status));
  trading.schedules.onDidChange((list) => events.emit('schedules:changed', { schedules: list }));
  trading.killSwitch.onDidProgress((progress) => events.emit('killswitch:progress', progress));
  trading.exits.onDidChange((exit) => events.emit('exits:changed', { exit }));
  localApi.onDidChange((status) => events.emit('localApi:changed', status));
  const trustedOrigin = deps.trustedOrigin ?? APP_ORIGIN;

  const router = createRouter({
    handlers: createHandlers({
      appInfo: deps.appInfo ?? { name: 'BrokerVault', version: '0.0.0-dev', platform: process.platform },
      brokers,
      connections,
      brokerCalls,
      vault,
      audit,
      auditGuard,
      settings,
      trading,
      health,
      backups,
      market,
      localApi,
      store: deps.store,
    }),
    isTrustedSender: (sender) => isTrustedSender(sender, trustedOrigin),
    scrub: (text) => secrets.scrub(text),
    log,
  });

  log.info('services started', { vault: vault.status().state });
  return {
    router,
    events,
    db,
    vault,
    connections,
    brokerCalls,
    trading,
    health,
    audit,
    auditGuard,
    settings,
    brokers,
    secrets,
    log,
    preferences,
    backups,
    market,
    localApi,
    async start() {
      // Not awaited: a long history is checked in slices while health checks and trading start; a break is pushed.
      void auditGuard.start().catch((error: unknown) => {
        if (!closed) log.error('audit check at start failed', { error });
      });
      health.start();
      backups.start();
      await trading.start().catch((error: unknown) => log.error('trading start-up failed', { error }));
      market.start();
      // Not awaited: a taken port is a status the Settings page shows, never a failed start.
      void localApi.start().catch((error: unknown) => log.error('local API start failed', { error }));
      const loop = () => {
        tickTimer = scheduler.setTimeout(() => {
          void trading
            .tick()
            .catch((error: unknown) => log.warn('trading tick failed', { error }))
            .finally(() => {
              if (!closed) loop();
            });
        }, TRADING_TICK_MS);
      };
      loop();
    },
    close: () => {
      closed = true;
      if (tickTimer !== null) scheduler.clearTimeout(tickTimer);
      // Call rows still waiting are written before the database closes; the listeners stop on their own.
      localApi.flushCalls();
      void localApi.close();
      auditGuard.stop();
      health.stop();
      backups.stop();
      trading.exits.dispose();
      market.close();
      brokerCalls.close();
      db.close();
    },
  };
}
