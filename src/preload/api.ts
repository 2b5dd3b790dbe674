import type { BrokerVaultApi } from '../shared/api';
import { CHANNEL_NAMES, EVENT_NAMES, type EventName } from '../shared/channels';

/** How calls reach main: Electron IPC in the preload, a WebSocket in the test bridge. */
export interface Transport {
  invoke(channel: string, input: unknown): Promise<unknown>;
  /** Register the single sink for events pushed by main. */
  onEvent(sink: (event: string, payload: unknown) => void): void;
}

/**
 * Build the `window.brokerVault` object: one frozen namespace per contract prefix, one function per
 * channel, and `on` for events. Nothing else (no ipcRenderer, no process) is reachable through it.
 */
export function buildApi(transport: Transport): BrokerVaultApi {
  const namespaces: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const channel of CHANNEL_NAMES) {
    const [ns, method] = channel.split(':') as [string, string];
    namespaces[ns] ??= {};
    namespaces[ns][method] = (input?: unknown) => transport.invoke(channel, input ?? {});
  }

  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  transport.onEvent((event, payload) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  });

  const on = (event: EventName, listener: (payload: unknown) => void): (() => void) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`Unknown event: ${String(event)}`);
    if (typeof listener !== 'function') throw new Error('listener must be a function');
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  };

  const api: Record<string, unknown> = { on };
  for (const [ns, methods] of Object.entries(namespaces)) api[ns] = Object.freeze(methods);
  return Object.freeze(api) as unknown as BrokerVaultApi;
}
