import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/store/db';
import { KEPT_STATEMENTS } from '../../src/main/store/statement-cache';
import { tempDir } from '../support/graph';

/**
 * The app database hands out the statement it prepared before for the same SQL: preparing on every call made each
 * read a new native object for the garbage collector, whose pauses reached tens of milliseconds under the local API.
 */
describe('prepared statements are kept', () => {
  it('answers the same SQL with the same statement, and each statement with its own parameters', () => {
    const db = openDatabase(tempDir());
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)');
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    expect(db.prepare('INSERT INTO t (k, v) VALUES (?, ?)')).toBe(insert);
    insert.run('a', 1);
    db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('b', 2);
    const read = db.prepare<[string], { v: number }>('SELECT v FROM t WHERE k = ?');
    expect(read).not.toBe(insert);
    expect(read.get('a')?.v).toBe(1);
    expect(db.prepare<[string], { v: number }>('SELECT v FROM t WHERE k = ?').get('b')?.v).toBe(2);
    // A kept statement still sees a column added after it was prepared (SQLite prepares it again itself).
    const all = db.prepare('SELECT * FROM t ORDER BY k');
    db.exec('ALTER TABLE t ADD COLUMN w TEXT');
    expect(db.prepare('SELECT * FROM t ORDER BY k').all()).toEqual([
      { k: 'a', v: 1, w: null },
      { k: 'b', v: 2, w: null },
    ]);
    expect(db.prepare('SELECT * FROM t ORDER BY k')).toBe(all);
    db.close();
  });

  it('keeps at most KEPT_STATEMENTS, dropping the least recently used', () => {
    const db = openDatabase(tempDir());
    const first = db.prepare('SELECT 0');
    const sql = (i: number) => `SELECT ${i}`;
    for (let i = 1; i < KEPT_STATEMENTS; i++) db.prepare(sql(i));
    expect(db.prepare('SELECT 0')).toBe(first); // used again: now the newest
    db.prepare(sql(KEPT_STATEMENTS)); // drops SELECT 1, the oldest
    expect(db.prepare('SELECT 0')).toBe(first);
    const one = db.prepare(sql(1));
    expect(db.prepare(sql(1))).toBe(one);
    db.close();
  });

  it('is safe because no code changes a statement’s mode, binds it for good or iterates it', () => {
    const SRC = path.resolve(__dirname, '../../src');
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []));
    const modal = /\.(raw|pluck|expand|safeIntegers|iterate)\(|\.prepare\([^;]*?\)\s*\.bind\(/;
    const offenders = files(SRC).filter((f) => modal.test(fs.readFileSync(f, 'utf8')));
    expect(offenders.map((f) => path.relative(SRC, f))).toEqual([]);
    expect(modal.test("db.prepare('SELECT 1').pluck().get()")).toBe(true);
    expect(modal.test("db.prepare('SELECT ?').bind(1)")).toBe(true);
    expect(modal.test('for (const row of stmt.iterate()) {}')).toBe(true);
  });
});
