import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/main/clock';
import { createLogger } from '../../src/main/log/logger';
import { SecretRegistry } from '../../src/main/log/redact';
import { BackupService, DAILY_BACKUP_MS } from '../../src/main/services/backups';
import { BACKUPS_KEPT, BackupFailedError, backupDir, createBackup, listBackups, verifyBackup } from '../../src/main/store/backups';
import { DB_FILE, DatabaseMigrationError, openDatabase, openDatabaseWithBackup } from '../../src/main/store/db';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/main/store/migrations';
import { ManualScheduler } from '../support/manual-scheduler';

/** Issue 11 item 10: automatic, verified, private backups through SQLite, pruned only after a good one. */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-backups-'));
  dirs.push(dir);
  return dir;
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const DAY0 = Date.UTC(2026, 11, 7, 2, 0, 0);

function withRow(dir: string, value = 'kept'): Database.Database {
  const db = openDatabase(dir);
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('probe', value);
  return db;
}

describe('createBackup', () => {
  it('writes a consistent copy through SQLite: 0600 in a 0700 folder, rollback-journal mode, verified, nothing left beside it', async () => {
    const dir = dataDir();
    const db = withRow(dir);
    // Uncommitted-to-main-file data: in the WAL only. A file copy of the main file would miss it.
    db.prepare('UPDATE settings SET value = ? WHERE key = ?').run('in the wal', 'probe');
    const backup = await createBackup(db, dir, 'manual', DAY0);
    db.close();

    expect(backup).toMatchObject({ kind: 'manual', createdAt: DAY0, schemaVersion: SCHEMA_VERSION });
    expect(backup.id).toBe(`brokervault-manual-20261207T020000000Z-v${SCHEMA_VERSION}.sqlite`);
    const file = path.join(backupDir(dir), backup.id);
    expect(mode(backupDir(dir))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    expect(fs.readdirSync(backupDir(dir))).toEqual([backup.id]);
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.prepare('SELECT value FROM settings WHERE key = ?').pluck().get('probe')).toBe('in the wal');
    copy.close();
    expect(verifyBackup(file)).toBe(SCHEMA_VERSION);
    expect(fs.readdirSync(backupDir(dir))).toEqual([backup.id]);
  });

  it('keeps the newest of each kind (7 daily, 3 pre-migration, 5 manual) and leaves other kinds alone', async () => {
    const dir = dataDir();
    const db = withRow(dir);
    const manual = await createBackup(db, dir, 'manual', DAY0 - 1);
    for (let day = 0; day < 10; day++) await createBackup(db, dir, 'daily', DAY0 + day * DAILY_BACKUP_MS);
    db.close();
    const daily = listBackups(dir).filter((b) => b.kind === 'daily');
    expect(daily).toHaveLength(BACKUPS_KEPT.daily);
    expect(daily.map((b) => b.createdAt)).toEqual([9, 8, 7, 6, 5, 4, 3].map((d) => DAY0 + d * DAILY_BACKUP_MS));
    expect(
      listBackups(dir)
        .filter((b) => b.kind === 'manual')
        .map((b) => b.id),
    ).toEqual([manual.id]);
  });

  it('a backup that cannot be written prunes nothing', async () => {
    const dir = dataDir();
    const db = withRow(dir);
    for (let day = 0; day < BACKUPS_KEPT.daily; day++) await createBackup(db, dir, 'daily', DAY0 + day * DAILY_BACKUP_MS);
    const before = fs.readdirSync(backupDir(dir)).sort();
    // Something in the way of the temporary file (works as root too, which ignores permission bits).
    const next = DAY0 + BACKUPS_KEPT.daily * DAILY_BACKUP_MS;
    const inTheWay = path.join(
      backupDir(dir),
      `.brokervault-daily-${new Date(next).toISOString().replace(/[-:.]/g, '').replace(/Z$/, '')}Z-v${SCHEMA_VERSION}.sqlite.partial`,
    );
    fs.mkdirSync(inTheWay);
    fs.writeFileSync(path.join(inTheWay, 'x'), 'x');
    await expect(createBackup(db, dir, 'daily', next)).rejects.toThrow(BackupFailedError);
    db.close();
    expect(fs.readdirSync(backupDir(dir)).sort()).toEqual([...before, path.basename(inTheWay)].sort());
  });

  it('verifyBackup refuses a damaged file', () => {
    const dir = dataDir();
    const file = path.join(dir, 'x.sqlite');
    const db = withRow(dir);
    db.close();
    const bytes = Buffer.from(fs.readFileSync(path.join(dir, DB_FILE)));
    bytes.fill(0xa5, 100);
    fs.writeFileSync(file, bytes);
    expect(() => verifyBackup(file)).toThrow(BackupFailedError);
  });
});

describe('pre-migration backups', () => {
  it('taken when a schema change is pending on a database with data, before the migration runs', async () => {
    const dir = dataDir();
    // A database from the previous version, with data.
    const old = openDatabase(dir, { migrations: MIGRATIONS.slice(0, SCHEMA_VERSION - 1) });
    old.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('probe', 'v-1');
    old.close();

    const db = await openDatabaseWithBackup(dir, { now: () => DAY0 });
    db.close();
    const [backup, ...more] = listBackups(dir);
    expect(more).toEqual([]);
    expect(backup).toMatchObject({ kind: 'pre-migration', schemaVersion: SCHEMA_VERSION - 1 });
    expect(verifyBackup(path.join(backupDir(dir), backup!.id))).toBe(SCHEMA_VERSION - 1);
  });

  it('not taken for a new database nor when the schema is current', async () => {
    const dir = dataDir();
    (await openDatabaseWithBackup(dir, { now: () => DAY0 })).close();
    (await openDatabaseWithBackup(dir, { now: () => DAY0 })).close();
    expect(fs.existsSync(backupDir(dir))).toBe(false);
  });

  it('a migration that throws: the backup holds the data as it was, the database is rolled back to its version', async () => {
    const dir = dataDir();
    withRow(dir, 'before').close();
    const failing = [...MIGRATIONS, 'CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);'];
    await expect(openDatabaseWithBackup(dir, { now: () => DAY0, migrations: failing })).rejects.toThrow(DatabaseMigrationError);
    const [backup] = listBackups(dir);
    expect(backup).toMatchObject({ kind: 'pre-migration', schemaVersion: SCHEMA_VERSION });
    const db = new Database(path.join(dir, DB_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
  });
});

describe('the daily schedule', () => {
  it('one at start, then one each day on the injected clock; a restart within the day takes none', async () => {
    const dir = dataDir();
    const db = withRow(dir);
    const clock = new ManualClock(DAY0);
    const scheduler = new ManualScheduler(clock);
    const log = createLogger({ write: () => undefined }, new SecretRegistry(), clock);
    const service = new BackupService({ db, dataDir: dir, clock, scheduler, log });
    service.start();
    await service.settled();
    expect(listBackups(dir).map((b) => b.createdAt)).toEqual([DAY0]);

    await scheduler.advance(DAILY_BACKUP_MS - 1);
    await service.settled();
    expect(listBackups(dir)).toHaveLength(1);
    await scheduler.advance(1);
    await service.settled();
    expect(listBackups(dir).map((b) => b.createdAt)).toEqual([DAY0 + DAILY_BACKUP_MS, DAY0]);
    service.stop();

    const again = new BackupService({ db, dataDir: dir, clock, scheduler, log });
    again.start();
    await again.settled();
    expect(listBackups(dir)).toHaveLength(2);
    again.stop();
    db.close();
  });
});
