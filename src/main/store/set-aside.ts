import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ANCHOR_FILE, AnchorFile, parseAnchor, type AnchorRecord } from './audit-anchor';
import { backupPath, verifyBackup } from './backups';
import { DB_FILE } from './db';

/** The audit seal's copy inside a database (services/audit-guard.ts writes it after the anchor file). */
const SEAL_COPY_KEY = 'audit.anchor';

/** Why the database file is set aside: it names the kept copy, `brokervault.sqlite.<reason>-<time>`. */
export type AsideReason = 'damaged' | 'before-restore';

/** The backup named is not one of BrokerVault's backups, or it did not verify. Nothing was changed. */
export class BackupNotUsableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
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
  setAnchorAside(dataDir, base);
  return base;
}

/**
 * The audit seal belongs to the database it seals: it goes aside with it (`<kept copy>.audit-anchor.json`), so
 * the database that takes its place is not read as a cut or wiped audit trail, and the kept copy can still be
 * checked against its own seal.
 */
function setAnchorAside(dataDir: string, keptDatabase: string): void {
  const anchor = path.join(dataDir, ANCHOR_FILE);
  if (fs.existsSync(anchor)) fs.renameSync(anchor, `${keptDatabase}.${ANCHOR_FILE}`);
}

/** The seal copy a database holds, if it holds a well-formed one (read-only). */
function sealCopyIn(file: string, nativeBinding?: string): AnchorRecord | null {
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    const row = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(SEAL_COPY_KEY);
    return row ? parseAnchor(JSON.parse(row.value)) : null;
  } catch {
    return null;
  } finally {
    db.close();
  }
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
  const seal = sealCopyIn(incoming, nativeBinding);
  const setAside = setDatabaseAside(dataDir, current, at);
  // A seal left by an earlier profile with no database beside it goes aside too, named after the backup it made way for.
  if (!setAside) setAnchorAside(dataDir, path.join(dataDir, `${DB_FILE}.${current}-${stamp(at)}`));
  fs.renameSync(incoming, path.join(dataDir, DB_FILE));
  // The restored database is sealed as it was when the backup was taken: the guard checks it against that seal.
  if (seal) new AnchorFile(dataDir).write(seal);
  return { setAside };
}
