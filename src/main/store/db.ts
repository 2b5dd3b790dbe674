import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations';

export type Db = Database.Database;

export const DB_FILE = 'brokervault.sqlite';

export interface OpenDatabaseOptions {
  /**
   * Path of the better-sqlite3 addon to load instead of node_modules' Node build: Electron needs a build for
   * its own ABI (see src/main/electron/native-binding.ts). Undefined under plain Node.
   */
  nativeBinding?: string;
}

/**
 * Opens (creating if needed) the app database in the data directory and brings its schema up to date.
 * SECURITY: the directory is 0700 and the file 0600 before SQLite touches it; SQLite gives the -wal and
 * -shm files the main file's permissions.
 */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions = {}): Db {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, DB_FILE);
  const fd = fs.openSync(file, 'a', 0o600);
  fs.fchmodSync(fd, 0o600);
  fs.closeSync(fd);

  const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a committed order or credential survives a crash of the app and of the OS.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('secure_delete = ON');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
