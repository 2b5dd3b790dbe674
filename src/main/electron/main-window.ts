import type { BrowserWindow, Screen } from 'electron';
import type { Logger } from '../log/types';
import type { WindowBounds } from '../preferences';
import { windowOptions } from '../security/window-options';
import { placeWindow } from './window-bounds';

/**
 * The app's only window, created before the vault opens so the trader sees "Opening BrokerVault…" at once.
 * It opens where it was last closed when that is still on a display, and saves its normal (not minimised or
 * maximised) bounds on close.
 */
export function createMainWindow(deps: {
  BrowserWindow: new (options: ReturnType<typeof windowOptions>) => BrowserWindow;
  screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay'>;
  preloadPath: string;
  isPackaged: boolean;
  savedBounds: unknown;
  saveBounds: (bounds: WindowBounds) => void;
  loadingPageUrl: string;
}): BrowserWindow {
  const bounds = placeWindow(
    deps.savedBounds,
    deps.screen.getAllDisplays().map((display) => display.workArea),
    deps.screen.getPrimaryDisplay().workArea,
  );
  const win = new deps.BrowserWindow(windowOptions({ preloadPath: deps.preloadPath, isPackaged: deps.isPackaged, bounds }));
  win.once('ready-to-show', () => win.show());
  // getNormalBounds: a window minimised on Windows reports x = y = −32000 from getBounds.
  win.on('close', () => deps.saveBounds(win.getNormalBounds()));
  // Replaced by the app page as soon as the vault is open, which aborts this load: not an error.
  win.loadURL(deps.loadingPageUrl).catch(() => undefined);
  return win;
}

/** Swap the progress page for the app once every IPC handler is registered. */
export function showApp(win: BrowserWindow, appPageUrl: string, log: Logger): void {
  win.loadURL(appPageUrl).catch((error: unknown) => log.error('loading the app page failed', { error }));
}
