import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, net, Notification, protocol, screen, session, shell } from 'electron';
import ElectronStore from 'electron-store';
import { systemClock } from './clock';
import { createServices, type ServiceDeps } from './composition';
import { APP_SCHEMES, rendererPageUrl, serveRendererBundle } from './electron/app-protocol';
import { wireIpc } from './electron/ipc-wiring';
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
import { assertDatabaseFileIntact } from './store/db';
import { KeytarKeyStore } from './vault/keytar-keystore';

/**
 * The Electron shell: wires Electron to the service graph (composition.ts) through the small modules in
 * electron/ and the pure policies in security/. Order matters: window first (progress page), then the vault,
 * then IPC, then the app page. Any start-up error is shown and exits non-zero.
 */
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

  // SECURITY: a damaged database is refused before anything writes into the data folder.
  assertDatabaseFileIntact(dataDir);
  const preferences = new ElectronStore<StoredPreferences>(preferencesOptions(dataDir)) as unknown as PreferencesStore;
  const window = createMainWindow({
    BrowserWindow,
    screen,
    preloadPath: path.join(here, '../preload/index.cjs'),
    isPackaged: app.isPackaged,
    savedBounds: preferences.get('windowBounds'),
    saveBounds: (bounds) => preferences.set('windowBounds', bounds),
    loadingPageUrl: rendererPageUrl('loading.html', devUrl),
  });
  mainWindow = window;
  window.on('closed', () => (mainWindow = null));

  const deps: ServiceDeps = {
    dataDir,
    keyStore: new KeytarKeyStore(keychainServiceName({ isPackaged: app.isPackaged, env: process.env })),
    fetch: globalThis.fetch,
    preferences,
    logSink,
    trustedOrigin,
    notifier: { notify: ({ title, body }) => new Notification({ title, body }).show() },
    // BrokerService checks every sign-in URL against the external-link policy before calling this.
    openExternal: (url) => shell.openExternal(url),
    appInfo: { name: app.getName(), version: app.getVersion(), platform: process.platform },
    sqliteNativeBinding: sqliteNativeBinding({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath(), versions: process.versions, platform: process.platform, arch: process.arch }),
  };
  const services = await createServices(deps);
  lifecycle.attach(services);
  if (lifecycle.isQuitting) return;

  wireIpc(ipcMain, services, () => mainWindow);
  window.on('focus', () => services.health.onFocus());
  showApp(window, rendererPageUrl('index.html', devUrl), log);
  services.start().catch((error: unknown) => log.error('background work failed to start', { error }));
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
