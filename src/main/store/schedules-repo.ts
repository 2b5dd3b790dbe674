import type { Db } from './db';

export type ScheduleOutcome = 'ran' | 'missed' | 'failed' | 'skipped';

/** One row of the schedules table; `days` and `orders` are JSON. */
export interface ScheduleRow {
  id: string;
  name: string;
  time: string;
  time_zone: string;
  days: string;
  orders: string;
  enabled: 0 | 1;
  created_at: number;
  last_run_at: number | null;
  last_outcome: ScheduleOutcome | null;
  last_message: string | null;
  resumed_at: number | null;
}

export interface NewScheduleRow {
  id: string;
  name: string;
  time: string;
  timeZone: string;
  /** JSON array of weekdays. */
  days: string;
  /** JSON basket. */
  orders: string;
  createdAt: number;
}

/** The schedules table; the caller owns transactions. */
export class SchedulesRepo {
  constructor(private readonly db: Db) {}

  all(): ScheduleRow[] {
    return this.db.prepare<[], ScheduleRow>('SELECT * FROM schedules ORDER BY created_at').all();
  }

  find(id: string): ScheduleRow | undefined {
    return this.db.prepare<[string], ScheduleRow>('SELECT * FROM schedules WHERE id = ?').get(id);
  }

  /** The row only while it is enabled (read fresh: an overlapping tick may have claimed or deleted it). */
  findEnabled(id: string): ScheduleRow | undefined {
    return this.db.prepare<[string], ScheduleRow>('SELECT * FROM schedules WHERE id = ? AND enabled = 1').get(id);
  }

  enabledIds(): string[] {
    return this.db
      .prepare<[], { id: string }>('SELECT id FROM schedules WHERE enabled = 1')
      .all()
      .map((r) => r.id);
  }

  insert(row: NewScheduleRow): void {
    this.db
      .prepare('INSERT INTO schedules (id, name, time, time_zone, days, orders, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.id, row.name, row.time, row.timeZone, row.days, row.orders, row.createdAt);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id);
  }

  setEnabled(id: string, enabled: boolean, resumedAt: number | null): void {
    this.db.prepare('UPDATE schedules SET enabled = ?, resumed_at = ? WHERE id = ?').run(enabled ? 1 : 0, resumedAt, id);
  }

  recordRun(id: string, at: number, outcome: ScheduleOutcome, message: string): void {
    this.db.prepare('UPDATE schedules SET last_run_at = ?, last_outcome = ?, last_message = ? WHERE id = ?').run(at, outcome, message, id);
  }
}
