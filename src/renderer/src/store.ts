import { create } from 'zustand';
import type { BrokerDescriptor } from '../../shared/brokers';
import type { ConnectionView, Settings, VaultStatus } from '../../shared/schemas';
import { getApi, unwrap } from './api';

export const PAGES = ['connections', 'health', 'trading', 'audit', 'settings'] as const;
export type Page = (typeof PAGES)[number];

interface AppState {
  page: Page;
  ready: boolean;
  loadError: string | null;
  vault: VaultStatus | null;
  connections: ConnectionView[];
  brokers: BrokerDescriptor[];
  settings: Settings | null;
  go(page: Page): void;
  load(): Promise<void>;
  refreshVault(): Promise<void>;
}

/** Renderer state: what main last told us. Every change comes back from main as a result or a pushed event. */
export const useApp = create<AppState>((set) => ({
  page: 'connections',
  ready: false,
  loadError: null,
  vault: null,
  connections: [],
  brokers: [],
  settings: null,
  go: (page) => set({ page }),
  async load() {
    const api = getApi();
    try {
      const [vault, connections, brokers, settings] = await Promise.all([
        unwrap(api.vault.status()),
        unwrap(api.connections.list()),
        unwrap(api.brokers.list()),
        unwrap(api.settings.get()),
      ]);
      set({ vault, connections, brokers, settings, ready: true, loadError: null });
    } catch (error) {
      set({ loadError: (error as Error).message, ready: true });
    }
  },
  async refreshVault() {
    set({ vault: await unwrap(getApi().vault.status()) });
  },
}));

/** Keep the store in step with events pushed from main. Returns the unsubscribe function. */
export function subscribeToMain(): () => void {
  const api = getApi();
  const offs = [
    api.on('connections:changed', ({ connections }) => useApp.setState({ connections })),
    api.on('vault:changed', (vault) => useApp.setState({ vault })),
    api.on('settings:changed', (settings) => useApp.setState({ settings })),
  ];
  return () => offs.forEach((off) => off());
}
