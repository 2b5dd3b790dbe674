import fs from 'node:fs';
import path from 'node:path';
import { backupPath, verifyBackup } from './backups';
import { DB_FILE } from './db';

/** Why the database file is set aside: it names the kept copy, `brokervault.sqlite.<reason>-<time>`. */
export type AsideReason = 'damaged' | 'before-restore';

/** The backup named is not one of BrokerVault's backups, or it did not verify. Nothing was changed. */
export class BackupNotUsableError extends Error {
  constructor(
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BackupNotUsableError';
  }
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:.]/g, '');
}

/**
 * SECURITY ("nothing lost"): renames — never deletes, never rewrites — the database file and its -wal and
 * -shm beside it to `brokervault.sqlite.<reason>-<time>` (+ `-wal`, `-shm`), so SQLite can still open the
 * kept copy with its journal. Refuses to overwrite anything. Returns the kept copy's path, or null when there
 * was no database file. The caller has closed every connection to it.
 */
export function setDatabaseAside(dataDir: string, reason: AsideReason, at: number): string | null {
  const file = path.join(dataDir, DB_FILE);
  if (!fs.existsSync(file)) return null;
  let base = path.join(dataDir, `${DB_FILE}.${reason}-${stamp(at)}`);
  for (let n = 2; [base, `${base}-wal`, `${base}-shm`].some((name) => fs.existsSync(name)); n++) {
    base = path.join(dataDir, `${DB_FILE}.${reason}-${stamp(at)}-${n}`);
  }
  // The journal files first: if a rename fails midway, the main file is still in place and nothing is lost.
  for (const suffix of ['-wal', '-shm']) if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, base + suffix);
  fs.renameSync(file, base);
  return base;
}

/**
 * Puts a verified backup in place of the database: the current file (if any) is set aside as `current`, the backup
 * copied (never moved: it stays in the backups folder) to a temporary name, made 0600 and renamed into
 * place. A backup that is not ours or fails its integrity check changes nothing.
 */
export function restoreBackupFile(dataDir: string, backupId: string, current: AsideReason, at: number, nativeBinding?: string): { setAside: string | null } {
  const source = backupPath(dataDir, backupId);
  if (!source) throw new BackupNotUsableError('That backup does not exist any more. Choose one from the list.');
  try {
    verifyBackup(source, nativeBinding);
  } catch (error) {
    throw new BackupNotUsableError('That backup is damaged (it failed SQLite’s integrity check). Choose another one.', { cause: error });
  }
  const incoming = path.join(dataDir, `.${DB_FILE}.restoring`);
  fs.rmSync(incoming, { force: true });
  fs.copyFileSync(source, incoming, fs.constants.COPYFILE_EXCL);
  fs.chmodSync(incoming, 0o600);
  const setAside = setDatabaseAside(dataDir, current, at);
  fs.renameSync(incoming, path.join(dataDir, DB_FILE));
  return { setAside };
}

