import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, net, Notification, protocol, screen, session, shell } from 'electron';
import ElectronStore from 'electron-store';
import { systemClock } from './clock';
import { CHANNEL_NAMES, RECOVERY_CHANNEL_NAMES } from '../shared/channels';
import { createServices } from './composition';
import { APP_SCHEMES, rendererPageUrl, serveRendererBundle } from './electron/app-protocol';
import { forwardEvents, wireIpc } from './electron/ipc-wiring';
import { keychainServiceName } from './electron/keychain-service';
import { ShellLifecycle } from './electron/lifecycle';
import { createMainWindow, showApp } from './electron/main-window';
import { sqliteNativeBinding } from './electron/native-binding';
import { failStartup, startSingleInstance } from './electron/startup';
import { describeStartupFailure } from './electron/startup-failure';
import { openStartupLog, type StartupLog } from './electron/startup-log';
import { installWebContentsPolicy } from './electron/web-contents-policy';
import { createLogger } from './log/logger';
import type { Logger, LogSink } from './log/types';
import { SecretRegistry } from './log/redact';
import { preferencesOptions, type PreferencesStore, type StoredPreferences } from './preferences';
import { APP_ORIGIN, originOf, type TrustedOrigin } from './security/sender';
import { ServiceHost } from './service-host';
import { assertDatabaseFileIntact, DatabaseDamagedError } from './store/db';
import { KeytarKeyStore } from './vault/keytar-keystore';

/**
 * The Electron shell: wires Electron to the service graph (composition.ts) through the small modules in
 * electron/ and the pure policies in security/. Order matters: window first (progress page), then the vault,
 * then IPC, then the app page. A database that cannot be opened (damaged, newer, failed update) gives the
 * recovery screen (service-host.ts); any other start-up error is shown and exits non-zero.
 */
/** The app's channels; the recovery ones (store:*) are wired on their own, first. */
const APP_CHANNELS = CHANNEL_NAMES.filter((channel) => !(RECOVERY_CHANNEL_NAMES as readonly string[]).includes(channel));
const APP_USER_MODEL_ID = 'app.brokervault.desktop'; // = appId in electron-builder.yml
const here = path.dirname(fileURLToPath(import.meta.url));
const rendererRoot = path.join(here, '../renderer');
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const trustedOrigin: TrustedOrigin = (devUrl && originOf(devUrl)) || APP_ORIGIN;

protocol.registerSchemesAsPrivileged(APP_SCHEMES);

let mainWindow: BrowserWindow | null = null;
let startupLog: StartupLog | null = null;
let shellLog: Logger | null = null;
const lifecycle = new ShellLifecycle(app, () => shellLog?.info('services closed'));

/** Where the log goes when the data folder cannot be written: Electron's logs folder, then the temp folder. */
function fallbackLogDirs(): string[] {
  const fallbacks = [path.join(os.tmpdir(), 'BrokerVault-logs')];
  try {
    fallbacks.unshift(app.getPath('logs'));
  } catch {
    // no logs path on this platform: the temp folder will do
  }
  return fallbacks;
}

/** One log file for the shell and the services, opened once. */
function openLog(dataDir: string): { log: Logger; sink: LogSink } {
  startupLog ??= openStartupLog(dataDir, fallbackLogDirs());
  shellLog ??= createLogger(startupLog.sink, new SecretRegistry(), systemClock);
  return { log: shellLog, sink: startupLog.sink };
}

async function start(): Promise<void> {
  await app.whenReady();
  // Windows shows notifications only for an app with an AppUserModelID.
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  const dataDir = app.getPath('userData');
  const { log, sink: logSink } = openLog(dataDir);
  serveRendererBundle(protocol, net, rendererRoot);
  installWebContentsPolicy({ app, session: session.defaultSession, shell, trustedOrigin, log });

  // SECURITY: a damaged database file is not opened, and nothing (not even the preferences) is written into the
  // data folder until the trader chose what to do with it on the recovery screen.
  let preferences: PreferencesStore | null = null;
  const openPreferences = (): PreferencesStore =>
    (preferences ??= new ElectronStore<StoredPreferences>(preferencesOptions(dataDir)) as unknown as PreferencesStore);
  if (databaseFileLooksIntact(dataDir)) openPreferences();
  const window = createMainWindow({
    BrowserWindow,
    screen,
    preloadPath: path.join(here, '../preload/index.cjs'),
    isPackaged: app.isPackaged,
    savedBounds: preferences ? openPreferences().get('windowBounds') : undefined,
    saveBounds: (bounds) => preferences?.set('windowBounds', bounds),
    loadingPageUrl: rendererPageUrl('loading.html', devUrl),
  });
  mainWindow = window;
  window.on('closed', () => (mainWindow = null));

  const nativeBinding = sqliteNativeBinding({
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
    versions: process.versions,
    platform: process.platform,
    arch: process.arch,
  });
  const keyStore = new KeytarKeyStore(keychainServiceName({ isPackaged: app.isPackaged, env: process.env }));
  const host = new ServiceHost({
    dataDir,
    clock: systemClock,
    log,
    logFile: startupLog?.file ?? null,
    trustedOrigin,
    nativeBinding,
    // Quit on the recovery screen: start-up did not succeed (issue 10: exit non-zero). No service is open.
    quit: () => app.exit(1),
    open: async (store) => {
      // A damaged file is refused here, before the preferences file is first written.
      assertDatabaseFileIntact(dataDir);
      return createServices({
        dataDir,
        keyStore,
        fetch: globalThis.fetch,
        preferences: openPreferences(),
        logSink,
        trustedOrigin,
        notifier: { notify: ({ title, body }) => new Notification({ title, body }).show() },
        // BrokerService checks every sign-in URL against the external-link policy before calling this.
        openExternal: (url) => shell.openExternal(url),
        appInfo: { name: app.getName(), version: app.getVersion(), platform: process.platform },
        sqliteNativeBinding: nativeBinding,
        store,
      });
    },
  });
  let appChannelsWired = false;
  // At start, after a recovery action and after a restore: the app's channels (once), then the background work.
  host.onOpen((services) => {
    if (!appChannelsWired) wireIpc(ipcMain, host.router, APP_CHANNELS);
    appChannelsWired = true;
    services.start().catch((error: unknown) => log.error('background work failed to start', { error }));
  });
  lifecycle.attach(host);
  const state = await host.start();
  if (lifecycle.isQuitting) return;

  wireIpc(ipcMain, host.router, RECOVERY_CHANNEL_NAMES);
  forwardEvents(host, () => mainWindow);
  window.on('focus', () => host.services?.health.onFocus());
  // The app page asks store:status first: the recovery screen while damaged, the app once open.
  if (state === 'damaged') log.warn('showing the recovery screen');
  // Closing the window (or Cmd+Q) on the recovery screen is Quit: start-up did not succeed, so the exit code is 1.
  window.on('closed', () => {
    if (host.services) return;
    log.warn('the recovery screen was closed; the database was left as it was');
    app.exit(1);
  });
  showApp(window, rendererPageUrl('index.html', devUrl), log);
}

/** False for a database file that is there but is not SQLite; other errors (unreadable folder) propagate. */
function databaseFileLooksIntact(dataDir: string): boolean {
  try {
    assertDatabaseFileIntact(dataDir);
    return true;
  } catch (error) {
    if (error instanceof DatabaseDamagedError) return false;
    throw error;
  }
}

startSingleInstance(app, start, () => {
  if (mainWindow?.isMinimized()) mainWindow.restore();
  mainWindow?.focus();
}).catch((error: unknown) => {
  let dataDir = '';
  try {
    dataDir = app.getPath('userData');
    openLog(dataDir);
  } catch {
    // reported below without a log
  }
  const electronShell = { showErrorBox: (title: string, content: string) => dialog.showErrorBox(title, content), exit: (code: number) => app.exit(code) };
  failStartup(electronShell, error, { dataDir, logFile: startupLog?.file ?? null, log: shellLog }, describeStartupFailure);
});
