import type { BrowserWindow, IpcMain } from 'electron';
import { EVENT_IPC_CHANNEL, type ChannelName, type EventName } from '../../shared/channels';
import type { Router } from '../ipc/router';

/**
 * One ipcMain handler per channel given, all through the router (sender check, parsing). The shell wires the
 * recovery channels and the app's channels separately: while the database is damaged only the former exist.
 */
export function wireIpc(ipcMain: Pick<IpcMain, 'handle'>, router: Router, channels: readonly ChannelName[]): void {
  for (const channel of channels) {
    ipcMain.handle(channel, (event, input: unknown) =>
      router.handle(channel, { url: event.senderFrame?.url ?? '', isMainFrame: event.senderFrame === event.sender.mainFrame }, input),
    );
  }
}

/** Events from main (whichever service graph is open) to the window. */
export function forwardEvents(
  source: { subscribe(listener: (event: EventName, payload: unknown) => void): unknown },
  window: () => BrowserWindow | null,
): void {
  source.subscribe((event, payload) => {
    const win = window();
    if (win && !win.isDestroyed()) win.webContents.send(EVENT_IPC_CHANNEL, { event, payload });
  });
}
