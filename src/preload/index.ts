import { contextBridge, ipcRenderer } from 'electron';
import { API_GLOBAL, EVENT_IPC_CHANNEL } from '../shared/channels';
import { buildApi } from './api';
import { exposeApi } from './expose';

exposeApi({
  contextBridge,
  contextIsolated: process.contextIsolated,
  sandboxed: process.sandboxed === true,
  globalName: API_GLOBAL,
  api: buildApi({
    invoke: (channel, input) => ipcRenderer.invoke(channel, input),
    // SECURITY: listeners get the payload only; the IpcRendererEvent (with its sender) never reaches the page.
    onEvent: (sink) => ipcRenderer.on(EVENT_IPC_CHANNEL, (_event, message: { event: string; payload: unknown }) => sink(message.event, message.payload)),
  }),
});
