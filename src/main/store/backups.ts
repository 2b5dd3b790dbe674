import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { schemaVersion } from './migrations';

/** Why a backup was taken; each kind keeps its own newest few (see BACKUPS_KEPT). */
export type BackupKind = 'daily' | 'pre-migration' | 'manual';

/** One backup file in `<dataDir>/backups/`, as the trader sees it. */
export interface BackupInfo {
  /** The file name: the only handle the renderer gets (never a path). */
  id: string;
  kind: BackupKind;
  createdAt: number;
  sizeBytes: number;
  schemaVersion: number;
}

export const BACKUP_DIR = 'backups';

/** How many of each kind are kept: a week of daily ones, the last few taken before an update, the last few taken by hand. */
export const BACKUPS_KEPT: Readonly<Record<BackupKind, number>> = { daily: 7, 'pre-migration': 3, manual: 5 };

// brokervault-<kind>-<UTC yyyymmddThhmmssSSS>Z-v<schema>.sqlite: the name alone says what the file is, and sorts by time.
const NAME = /^brokervault-(daily|pre-migration|manual)-(\d{8}T\d{9})Z-v(\d{1,6})\.sqlite$/;

/** A backup could not be taken or did not verify. Nothing older was pruned. */
export class BackupFailedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupFailedError';
  }
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[-:.]/g, '').replace(/Z$/, '');
}

function parseStamp(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})$/.exec(text)!;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
}

export function backupDir(dataDir: string): string {
  return path.join(dataDir, BACKUP_DIR);
}

/** SECURITY: backups hold the same encrypted secrets as the database: a 0700 folder, 0600 files. */
function ensureBackupDir(dataDir: string): string {
  const dir = backupDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  return dir;
}

/** Parse a backup id (a bare file name we wrote); anything else is not a backup. */
export function parseBackupId(id: string): { kind: BackupKind; createdAt: number; schemaVersion: number } | null {
  const m = NAME.exec(id);
  if (!m) return null;
  return { kind: m[1] as BackupKind, createdAt: parseStamp(m[2]!), schemaVersion: Number(m[3]) };
}

/** Every backup in the folder, newest first. Stray files (partial copies, anything else) are ignored. */
export function listBackups(dataDir: string): BackupInfo[] {
  const dir = backupDir(dataDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: BackupInfo[] = [];
  for (const id of names) {
    const parsed = parseBackupId(id);
    if (!parsed) continue;
    const stat = fs.lstatSync(path.join(dir, id));
    if (stat.isFile()) found.push({ id, ...parsed, sizeBytes: stat.size });
  }
  return found.sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
}

/** The path of a listed backup; null for an id that is not one (a path, `..`, a stray file). */
export function backupPath(dataDir: string, id: string): string | null {
  if (!parseBackupId(id)) return null;
  const file = path.join(backupDir(dataDir), id);
  return fs.existsSync(file) && fs.lstatSync(file).isFile() ? file : null;
}

/**
 * Opens the file read-only and runs SQLite's full integrity check. Returns the schema version.
 * Throws BackupFailedError when the file is not a whole, healthy database.
 */
export function verifyBackup(file: string, nativeBinding?: string): number {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new BackupFailedError(`the backup ${path.basename(file)} failed SQLite's integrity check`);
    return schemaVersion(db);
  } catch (error) {
    throw error instanceof BackupFailedError ? error : new BackupFailedError(`the backup ${path.basename(file)} cannot be read`, { cause: error });
  } finally {
    db?.close();
  }
}

/**
 * An online backup through SQLite (consistent even while the app writes), into `<dataDir>/backups/`.
 * It is written under a temporary name, switched to rollback-journal mode (so reading it read-only leaves
 * no -wal/-shm beside it), verified with `PRAGMA integrity_check`, and only then named and the oldest of its
 * kind pruned. A failed or unverified backup leaves the older ones in place.
 */
export async function createBackup(db: Database.Database, dataDir: string, kind: BackupKind, at: number, nativeBinding?: string): Promise<BackupInfo> {
  const dir = ensureBackupDir(dataDir);
  let id = `brokervault-${kind}-${stamp(at)}Z-v${schemaVersion(db)}.sqlite`;
  // Two backups of one kind in the same millisecond (tests on a manual clock): keep both, the later a millisecond on.
  for (let bump = 1; fs.existsSync(path.join(dir, id)); bump++) id = `brokervault-${kind}-${stamp(at + bump)}Z-v${schemaVersion(db)}.sqlite`;
  const partial = path.join(dir, `.${id}.partial`);
  const binding = nativeBinding ? { nativeBinding } : {};
  try {
    // SECURITY: the file exists as 0600 before SQLite writes a page into it.
    fs.writeFileSync(partial, '', { mode: 0o600, flag: 'w' });
    fs.chmodSync(partial, 0o600);
    await db.backup(partial);
    const copy = new Database(partial, { fileMustExist: true, ...binding });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    verifyBackup(partial, nativeBinding);
    const final = path.join(dir, id);
    fs.renameSync(partial, final);
    fs.chmodSync(final, 0o600);
  } catch (error) {
    // Our own unfinished copy, never the trader's data (and never anything that is not a plain file).
    for (const name of [partial, `${partial}-journal`, `${partial}-wal`, `${partial}-shm`]) removeFileQuietly(name);
    throw error instanceof BackupFailedError ? error : new BackupFailedError('the backup could not be written', { cause: error });
  }
  pruneBackups(dataDir, kind);
  return listBackups(dataDir).find((b) => b.id === id)!;
}

function removeFileQuietly(file: string): void {
  try {
    if (fs.lstatSync(file).isFile()) fs.rmSync(file);
  } catch {
    // not there, or not ours to remove
  }
}

/** Keeps the newest BACKUPS_KEPT[kind] backups of that kind; other kinds are untouched. */
export function pruneBackups(dataDir: string, kind: BackupKind): string[] {
  const old = listBackups(dataDir)
    .filter((b) => b.kind === kind)
    .slice(BACKUPS_KEPT[kind]);
  for (const b of old) fs.rmSync(path.join(backupDir(dataDir), b.id), { force: true });
  return old.map((b) => b.id);
}
