import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, net, Notification, protocol, session, shell } from 'electron';
import ElectronStore from 'electron-store';
import { CHANNEL_NAMES, EVENT_IPC_CHANNEL } from '../shared/channels';
import { createServices, type AppServices } from './composition';
import { resolveBundlePath } from './electron/bundle-protocol';
import { sqliteNativeBinding } from './electron/native-binding';
import { startSingleInstance } from './electron/startup';
import { preferencesOptions, type PreferencesStore, type StoredPreferences } from './preferences';
import { decideWindowOpen, shouldPreventNavigation } from './security/navigation';
import { denyPermissionCheck, denyPermissionRequest } from './security/permissions';
import { APP_ORIGIN, originOf, type TrustedOrigin } from './security/sender';
import { windowOptions } from './security/window-options';
import { KeytarKeyStore } from './vault/keytar-keystore';

/**
 * The Electron shell: a window, IPC wiring, the app:// protocol and OS integrations. All state and
 * policy live in the service graph (composition.ts) and the pure functions in security/.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const rendererRoot = path.join(here, '../renderer');
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let window: BrowserWindow | null = null;

function installWebContentsPolicy(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (shouldPreventNavigation(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternally) void shell.openExternal(url);
      return { action: decision.action };
    });
  });
  session.defaultSession.setPermissionRequestHandler(denyPermissionRequest);
  session.defaultSession.setPermissionCheckHandler(denyPermissionCheck);
}

function wireIpc(services: AppServices): void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (event, input: unknown) =>
      services.router.handle(channel, { url: event.senderFrame?.url ?? '', isMainFrame: event.senderFrame === event.sender.mainFrame }, input),
    );
  }
  services.events.subscribe((event, payload) => window?.webContents.send(EVENT_IPC_CHANNEL, { event, payload }));
}

function createWindow(preferences: PreferencesStore): BrowserWindow {
  const win = new BrowserWindow(
    windowOptions({ preloadPath: path.join(here, '../preload/index.cjs'), isPackaged: app.isPackaged, bounds: preferences.get('windowBounds') }),
  );
  win.on('ready-to-show', () => win.show());
  win.on('close', () => preferences.set('windowBounds', win.getBounds()));
  void win.loadURL(devUrl ?? `${APP_ORIGIN.protocol}//${APP_ORIGIN.host}/index.html`);
  return win;
}

async function start(): Promise<void> {
  await app.whenReady();
  protocol.handle('app', (request) => {
    const file = resolveBundlePath(rendererRoot, request.url);
    return file ? net.fetch(pathToFileURL(file).toString()) : new Response('Not found', { status: 404 });
  });
  installWebContentsPolicy();
  const dataDir = app.getPath('userData');
  const preferences = new ElectronStore<StoredPreferences>(preferencesOptions(dataDir)) as unknown as PreferencesStore;
  const trustedOrigin: TrustedOrigin = (devUrl && originOf(devUrl)) || APP_ORIGIN;
  const services = await createServices({
    dataDir,
    keyStore: new KeytarKeyStore(),
    fetch: globalThis.fetch,
    preferences,
    trustedOrigin,
    notifier: { notify: ({ title, body }) => new Notification({ title, body }).show() },
    openExternal: (url) => shell.openExternal(url),
    appInfo: { name: app.getName(), version: app.getVersion(), platform: process.platform },
    sqliteNativeBinding: sqliteNativeBinding({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appPath: app.getAppPath(), versions: process.versions, platform: process.platform, arch: process.arch }),
  });
  wireIpc(services);
  window = createWindow(preferences);
  window.on('focus', () => services.health.onFocus());
  void services.start();
  app.on('window-all-closed', () => {
    services.close();
    app.quit();
  });
}

void startSingleInstance(app, start, () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});
