import { buildApi } from '../../src/preload/api';
import { API_GLOBAL } from '../../src/shared/channels';

/**
 * Test-bridge stand-in for the preload: the same buildApi, with a WebSocket to the bridge server
 * instead of Electron IPC. Served only by the bridge (never packaged) before the app's own script.
 */
const token = new URLSearchParams(location.search).get('token') ?? '';
const socket = new WebSocket(`ws://${location.host}/__bridge/ws?token=${encodeURIComponent(token)}`);
const opened = new Promise<void>((resolve, reject) => {
  socket.addEventListener('open', () => resolve());
  socket.addEventListener('error', () => reject(new Error('bridge connection failed')));
});
const pending = new Map<number, (value: unknown) => void>();
let sink: (event: string, payload: unknown) => void = () => undefined;
let nextId = 1;

socket.addEventListener('message', (message) => {
  const data = JSON.parse(String(message.data)) as { id?: number; result?: unknown; event?: string; payload?: unknown };
  if (data.id !== undefined) {
    pending.get(data.id)?.(data.result);
    pending.delete(data.id);
  } else if (data.event) {
    sink(data.event, data.payload);
  }
});

const api = buildApi({
  async invoke(channel, input) {
    await opened;
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, channel, input }));
    });
  },
  onEvent: (s) => (sink = s),
});

Object.defineProperty(window, API_GLOBAL, { value: api, writable: false, configurable: false });
