import { create } from 'zustand';
import type { ChannelOutput } from '../../../shared/contract';
import { describeError, getApi, unwrap } from '../api';

export type StoreStatus = ChannelOutput<'store:status'>;
export type BackupView = ChannelOutput<'backups:list'>[number];

interface GateState {
  status: StoreStatus | null;
  error: string | null;
  /** Bumped when the database under the app was replaced (a restore): the app re-mounts and loads afresh. */
  generation: number;
  check(): Promise<void>;
  opened(status: StoreStatus): void;
  reopened(): void;
}

/** Whether main's database is open (show the app) or damaged (show the recovery screen). */
export const useStoreGate = create<GateState>((set) => ({
  status: null,
  error: null,
  generation: 0,
  async check() {
    try {
      set({ status: await unwrap(getApi().store.status()), error: null });
    } catch (error) {
      set({ error: describeError(error) });
    }
  },
  opened: (status) => set((s) => ({ status, generation: s.generation + 1 })),
  reopened: () => set((s) => ({ generation: s.generation + 1 })),
}));

const KIND_WORDS: Record<BackupView['kind'], string> = { daily: 'Daily', 'pre-migration': 'Before an update', manual: 'Taken by hand' };

export function backupKind(kind: BackupView['kind']): string {
  return KIND_WORDS[kind];
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
