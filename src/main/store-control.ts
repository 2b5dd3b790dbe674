import type { BackupInfo } from './store/backups';

/** What the service graph may ask of its host: replacing the database under it (Settings → Restore). */
export interface StoreControl {
  restoreBackup(id: string): Promise<{ restored: BackupInfo; setAside: string | null }>;
}
