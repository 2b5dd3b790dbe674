import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DB_FILE, DatabaseDamagedError, openDatabase } from '../../src/main/store/db';
import { NewerSchemaError } from '../../src/main/store/migrations';

/** Issue 10: a damaged database is refused with a named error, and neither it nor its folder is changed. */
describe('a damaged database file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function dataDirWith(bytes: Buffer): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-damaged-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, DB_FILE), bytes, { mode: 0o644 });
    return dir;
  }

  function snapshot(dir: string) {
    const file = path.join(dir, DB_FILE);
    return { listing: fs.readdirSync(dir).sort(), bytes: fs.readFileSync(file), mode: fs.statSync(file).mode, mtimeMs: fs.statSync(file).mtimeMs };
  }

  function healthyDatabase(): Buffer {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-healthy-'));
    dirs.push(dir);
    openDatabase(dir).close();
    return fs.readFileSync(path.join(dir, DB_FILE));
  }

  const damaged: [string, () => Buffer][] = [
    ['garbage', () => Buffer.from('this is not a database, it is a note the trader saved by mistake\n'.repeat(80))],
    ['truncated to its header', () => healthyDatabase().subarray(0, 60)],
    [
      'a healthy header over garbage pages',
      () => {
        const bytes = Buffer.from(healthyDatabase());
        bytes.fill(0xa5, 100);
        return bytes;
      },
    ],
  ];

  for (const [what, make] of damaged) {
    it(`${what}: refused, byte-identical, nothing added next to it`, () => {
      const dir = dataDirWith(make());
      const before = snapshot(dir);
      expect(() => openDatabase(dir)).toThrow(DatabaseDamagedError);
      expect(snapshot(dir)).toEqual(before);
    });
  }

  it('a database from a newer BrokerVault in rollback-journal mode: refused before the first write, byte-identical', () => {
    const dir = dataDirWith(Buffer.alloc(0));
    const newer = new Database(path.join(dir, DB_FILE));
    newer.exec('CREATE TABLE future (id INTEGER PRIMARY KEY)');
    newer.pragma('user_version = 999');
    newer.close();
    const before = snapshot(dir);
    expect(() => openDatabase(dir)).toThrow(NewerSchemaError);
    expect(snapshot(dir)).toEqual(before);
  });

  it('an empty file is a database never written: it opens', () => {
    const dir = dataDirWith(Buffer.alloc(0));
    openDatabase(dir).close();
    expect(fs.statSync(path.join(dir, DB_FILE)).size).toBeGreaterThan(0);
  });
});
