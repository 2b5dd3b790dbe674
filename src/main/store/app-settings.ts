import type { z } from 'zod';
import type { Db } from './db';

/** App state kept in SQLite's `settings` table (vault key id, mode, limits); UI preferences live elsewhere. */
export class AppSettings {
  private readonly getStmt;
  private readonly setStmt;
  private readonly delStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.setStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.delStmt = db.prepare('DELETE FROM settings WHERE key = ?');
  }

  /** The value stored under `key`, checked against its schema; null when none is stored. */
  get<S extends z.ZodType>(key: string, schema: S): z.output<S> | null {
    const row = this.getStmt.get(key);
    if (!row) return null;
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      value = undefined;
    }
    const checked = schema.safeParse(value);
    // A damaged value is never used as if it were valid (it could name a wrong key or mode).
    if (!checked.success) throw new Error(`BrokerVault's stored setting "${key}" is damaged: it does not have the expected shape.`);
    return checked.data;
  }

  set(key: string, value: unknown): void {
    this.setStmt.run(key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.delStmt.run(key);
  }
}
