import type { BrowserWindow, IpcMain } from 'electron';
import { CHANNEL_NAMES, EVENT_IPC_CHANNEL } from '../../shared/channels';
import type { AppServices } from '../composition';

/** One ipcMain handler per contract channel, all through the router (sender check, parsing); events to the window. */
export function wireIpc(ipcMain: Pick<IpcMain, 'handle'>, services: Pick<AppServices, 'router' | 'events'>, window: () => BrowserWindow | null): void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (event, input: unknown) =>
      services.router.handle(channel, { url: event.senderFrame?.url ?? '', isMainFrame: event.senderFrame === event.sender.mainFrame }, input),
    );
  }
  services.events.subscribe((event, payload) => {
    const win = window();
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_IPC_CHANNEL, { event, payload });
  });
}
