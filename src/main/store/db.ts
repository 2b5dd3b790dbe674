import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createBackup } from './backups';
import { migrate, MIGRATIONS, NewerSchemaError, schemaVersion } from './migrations';
import { keepPreparedStatements } from './statement-cache';

export type Db = Database.Database;

export const DB_FILE = 'brokervault.sqlite';

export interface OpenDatabaseOptions {
  /**
   * Path of the better-sqlite3 addon to load instead of node_modules' Node build: Electron needs a build for
   * its own ABI (see src/main/electron/native-binding.ts). Undefined under plain Node.
   */
  nativeBinding?: string;
  /** The schema migrations to apply (tests pass one that fails); the app's own by default. */
  migrations?: readonly string[];
}

/** The database file exists but is not a readable SQLite database. It is left exactly as it was. */
export class DatabaseDamagedError extends Error {
  constructor(
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(`the database file ${file} is damaged`, options);
    this.name = 'DatabaseDamagedError';
  }
}

/** Bringing the schema up to date failed; the migration's transaction rolled back. */
export class DatabaseMigrationError extends Error {
  constructor(options: { cause: unknown }) {
    super('the database schema could not be brought up to date', options);
    this.name = 'DatabaseMigrationError';
  }
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const DAMAGED_CODES = /^SQLITE_(CORRUPT|NOTADB)/;

/**
 * SECURITY: reads, never writes. An existing database file that is not SQLite (wrong header, truncated,
 * not a regular file) is refused before anything opens it for writing, so a damaged file is never modified.
 * An empty file is a database that was never written, which SQLite initialises.
 * Returns whether a non-empty database file is there.
 */
export function assertDatabaseFileIntact(dataDir: string): boolean {
  const file = path.join(dataDir, DB_FILE);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (!stat.isFile()) throw new DatabaseDamagedError(file);
  if (stat.size === 0) return false;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, header.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (stat.size < 100 || !header.equals(SQLITE_HEADER)) throw new DatabaseDamagedError(file);
  return true;
}

/**
 * Opens (creating if needed) the app database in the data directory and brings its schema up to date.
 * SECURITY: the directory is 0700 and the file 0600 before SQLite touches it; SQLite gives the -wal and
 * -shm files the main file's permissions.
 */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions = {}): Db {
  const opened = openUnmigrated(dataDir, options);
  return finishOpen(opened, options);
}

/**
 * openDatabase for the app: when a schema change is about to be applied to a database that holds data,
 * an online backup is taken first (kind `pre-migration`, see backups.ts), so a failed or unwanted update
 * can always be undone from Settings or the recovery screen.
 */
export async function openDatabaseWithBackup(dataDir: string, options: OpenDatabaseOptions & { now: () => number }): Promise<Db> {
  const opened = openUnmigrated(dataDir, options);
  const current = guard(opened, () => schemaVersion(opened.db));
  const target = (options.migrations ?? MIGRATIONS).length;
  if (current > 0 && current < target) {
    try {
      await createBackup(opened.db, dataDir, 'pre-migration', options.now(), options.nativeBinding);
    } catch (error) {
      opened.db.close();
      throw error;
    }
  }
  return finishOpen(opened, options);
}

interface Opened {
  db: Db;
  file: string;
  existing: boolean;
}

function openUnmigrated(dataDir: string, options: OpenDatabaseOptions): Opened {
  const existing = assertDatabaseFileIntact(dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, DB_FILE);
  if (!existing) {
    const fd = fs.openSync(file, 'a', 0o600);
    fs.fchmodSync(fd, 0o600);
    fs.closeSync(fd);
  }
  const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  keepPreparedStatements(db);
  const opened = { db, file, existing };
  guard(opened, () => {
    // A database from a newer BrokerVault is refused before the first write (switching it to WAL would change it).
    const version = schemaVersion(db);
    if (version > (options.migrations ?? MIGRATIONS).length) throw new NewerSchemaError(version);
    db.pragma('journal_mode = WAL');
    // FULL: a committed order or credential survives a crash of the app and of the OS.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('secure_delete = ON');
  });
  return opened;
}

function finishOpen(opened: Opened, options: OpenDatabaseOptions): Db {
  const { db, file, existing } = opened;
  guard(opened, () => {
    try {
      const migrations = options.migrations ?? MIGRATIONS;
      migrate(db, migrations.length, migrations);
    } catch (error) {
      throw error instanceof NewerSchemaError || DAMAGED_CODES.test(errorCode(error)) ? error : new DatabaseMigrationError({ cause: error });
    }
  });
  // An existing file is tightened only once it has proved to be a healthy database (a damaged one is left as it was).
  if (existing) for (const name of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(name)) fs.chmodSync(name, 0o600);
  return db;
}

/** Runs a step on a freshly opened database; on failure closes it and names damage as such. */
function guard<T>(opened: Opened, step: () => T): T {
  try {
    return step();
  } catch (error) {
    opened.db.close();
    throw DAMAGED_CODES.test(errorCode(error)) ? new DatabaseDamagedError(opened.file, { cause: error }) : error;
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
