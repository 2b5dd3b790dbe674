import { create } from 'zustand';
import type { BrokerDescriptor } from '../../shared/brokers';
import type { ChannelInput, ChannelOutput } from '../../shared/contract';
import type { AuditStatus, ConnectionView, ModeStatus, OrderView, Settings, VaultStatus } from '../../shared/schemas';
import { describeError, getApi, unwrap } from './api';
import { liveFrames, paperRepriced, refreshWatchList, setFeed } from './live/store';

export const PAGES = ['connections', 'health', 'trading', 'audit', 'settings'] as const;
export type Page = (typeof PAGES)[number];

/** A broker's open question about an order, waiting for the trader's Confirm or Decline. */
export type BrokerQuestion = Omit<Extract<ChannelOutput<'orders:place'>, { status: 'needs-broker-answer' }>, 'status'> & {
  /** 1 for the first question about this order, 2 when the broker asked again after an answer, … */
  round: number;
};

/** A scheduled order basket as main reports it (next run, exchanges' holiday lists, last run). */
export type ScheduleView = ChannelOutput<'schedules:list'>[number];
export type NewSchedule = ChannelInput<'schedules:create'>;

const PAPER: ModeStatus = { mode: 'paper', live: null, locked: false, lastChange: null };

interface AppState {
  page: Page;
  ready: boolean;
  loadError: string | null;
  vault: VaultStatus | null;
  connections: ConnectionView[];
  brokers: BrokerDescriptor[];
  settings: Settings | null;
  /** Trading mode as main last reported it (paper until main says otherwise). */
  mode: ModeStatus;
  /** Why trading is unavailable (main could not answer mode:get), or null. */
  tradingError: string | null;
  orders: OrderView[];
  /** The broker's open question, shown in a dialog until the trader answers it. */
  brokerQuestion: BrokerQuestion | null;
  /** The last order settled by answering a broker question (the ticket shows its outcome). */
  answered: OrderView | null;
  /** Scheduled baskets in creation order; null until main has listed them. */
  schedules: ScheduleView[] | null;
  /** The audit trail's standing as main last checked it (a break is shown on every page); null until known. */
  audit: AuditStatus | null;
  go(page: Page): void;
  load(): Promise<void>;
  refreshVault(): Promise<void>;
  loadOrders(): Promise<void>;
  loadSchedules(): Promise<void>;
  createSchedule(input: NewSchedule): Promise<ScheduleView>;
  deleteSchedule(id: string): Promise<void>;
  setScheduleEnabled(id: string, enabled: boolean): Promise<void>;
}

/** Renderer state: what main last told us. Every change comes back from main as a result or a pushed event. */
export const useApp = create<AppState>((set, get) => ({
  page: 'connections',
  ready: false,
  loadError: null,
  vault: null,
  connections: [],
  brokers: [],
  settings: null,
  mode: PAPER,
  tradingError: null,
  orders: [],
  brokerQuestion: null,
  answered: null,
  schedules: null,
  audit: null,
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
      set({ loadError: describeError(error), ready: true });
    }
    try {
      set({ mode: await unwrap(api.mode.get()), tradingError: null });
    } catch (error) {
      set({ tradingError: describeError(error) });
    }
    // A failed read leaves the last pushed standing; the next check pushes audit:changed anyway.
    await unwrap(api.audit.status())
      .then((audit) => set((s) => ((s.audit?.checkedAt ?? -1) > (audit.checkedAt ?? -1) ? {} : { audit })))
      .catch(() => undefined);
  },
  async refreshVault() {
    set({ vault: await unwrap(getApi().vault.status()) });
  },
  async loadOrders() {
    const orders = await unwrap(getApi().orders.list({ limit: 100 }));
    set({ orders });
  },
  async loadSchedules() {
    set({ schedules: await unwrap(getApi().schedules.list()) });
  },
  async createSchedule(input) {
    // The list itself arrives with schedules:changed.
    return unwrap(getApi().schedules.create(input));
  },
  async deleteSchedule(id) {
    try {
      await unwrap(getApi().schedules.delete({ id }));
    } catch (error) {
      // "No longer exists" means the list on screen is out of date.
      void get()
        .loadSchedules()
        .catch(() => undefined);
      throw error;
    }
  },
  async setScheduleEnabled(id, enabled) {
    await unwrap(getApi().schedules.setEnabled({ id, enabled }));
  },
}));

/** Newest first; an update replaces the order with the same id. */
export function upsertOrder(orders: OrderView[], order: OrderView): OrderView[] {
  const rest = orders.filter((o) => o.id !== order.id);
  return [order, ...rest].sort((a, b) => b.createdAt - a.createdAt);
}

/** Keep the store in step with events pushed from main. Returns the unsubscribe function. */
export function subscribeToMain(): () => void {
  const api = getApi();
  const offs = [
    api.on('connections:changed', ({ connections }) => {
      useApp.setState({ connections });
      refreshWatchList();
    }),
    api.on('vault:changed', (vault) => useApp.setState({ vault })),
    api.on('settings:changed', (settings) => useApp.setState({ settings })),
    api.on('mode:changed', (mode) => {
      useApp.setState({ mode, tradingError: null, answered: null });
      refreshWatchList();
    }),
    api.on('quotes:live', (batch) => liveFrames.push(batch)),
    api.on('feeds:changed', ({ connectionId, status }) => setFeed(connectionId, status)),
    api.on('positions:changed', ({ mode }) => {
      if (mode === 'paper') paperRepriced();
    }),
    api.on('orders:changed', ({ order }) => useApp.setState((s) => ({ orders: upsertOrder(s.orders, order) }))),
    api.on('schedules:changed', ({ schedules }) => useApp.setState({ schedules })),
    api.on('audit:changed', (audit) => useApp.setState({ audit })),
  ];
  return () => offs.forEach((off) => off());
}

export function useBroker(id: string | undefined): BrokerDescriptor | undefined {
  return useApp((s) => s.brokers.find((b) => b.id === id));
}
