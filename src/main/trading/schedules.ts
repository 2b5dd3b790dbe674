import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { ScheduleInput, ScheduleViewSchema } from '../../shared/schemas';
import type { Clock } from '../clock';
import type { Notifier } from '../composition';
import { AppError } from '../errors';
import type { Logger } from '../log/logger';
import type { Db } from '../store/db';
import type { OrderService } from './orders';
import { isValidTimeZone, occurrences } from './schedule-time';

type ScheduleView = z.infer<typeof ScheduleViewSchema>;
type NewSchedule = z.infer<typeof ScheduleInput>;

/** A run may start this late (the timer ticks every 15 s); later than that it is reported missed, never run. */
export const SCHEDULE_GRACE_MS = 2 * 60_000;

interface ScheduleRow {
  id: string;
  name: string;
  time: string;
  time_zone: string;
  days: string;
  orders: string;
  enabled: 0 | 1;
  created_at: number;
  last_run_at: number | null;
  last_outcome: 'ran' | 'missed' | 'failed' | null;
  last_message: string | null;
}

/**
 * Scheduled order baskets (e.g. a daily order at 15:10 on trading days). Each run goes through the one
 * order path with ticket ids derived from the schedule and the occurrence, so a run can never place twice;
 * a run missed while the app was closed is reported, never executed late.
 */
export class ScheduleService {
  constructor(
    private readonly db: Db,
    private readonly orders: OrderService,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  list(): ScheduleView[] {
    return this.db.prepare<[], ScheduleRow>('SELECT * FROM schedules ORDER BY created_at').all().map((r) => this.view(r));
  }

  create(input: NewSchedule): ScheduleView {
    if (!isValidTimeZone(input.timeZone)) throw new AppError('INVALID_INPUT', `"${input.timeZone}" is not a time zone BrokerVault knows (e.g. Asia/Kolkata, America/New_York).`);
    for (const order of input.orders) {
      if ((order.type === 'LIMIT') !== (order.limitPrice !== undefined)) throw new AppError('INVALID_INPUT', 'Limit orders in a basket need a limit price, and market orders must not have one.');
    }
    const id = randomBytes(12).toString('hex');
    this.db
      .prepare('INSERT INTO schedules (id, name, time, time_zone, days, orders, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, input.name, input.time, input.timeZone, JSON.stringify([...new Set(input.days)].sort()), JSON.stringify(input.orders), this.clock.now());
    return this.view(this.row(id));
  }

  delete(id: string): void {
    this.row(id);
    this.db.prepare('DELETE FROM schedules WHERE id = ?').run(id);
  }

  /** Run what is due and report what was missed. Called on a timer and once at start-up. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    for (const { id } of this.db.prepare<[], { id: string }>('SELECT id FROM schedules WHERE enabled = 1').all()) {
      // Read each row fresh: an overlapping tick may have claimed it (or it was deleted) while we were placing orders.
      const row = this.db.prepare<[string], ScheduleRow>('SELECT * FROM schedules WHERE id = ? AND enabled = 1').get(id);
      if (!row) continue;
      const { previous } = occurrences(now, row.time, JSON.parse(row.days) as number[], row.time_zone);
      if (previous === null || previous <= Math.max(row.last_run_at ?? 0, row.created_at)) continue;
      if (now - previous > SCHEDULE_GRACE_MS) {
        this.finish(row.id, previous, 'missed', `Missed at ${new Date(previous).toISOString()}: BrokerVault was not running. The orders were not placed.`);
        this.notifier.notify({ title: `Schedule "${row.name}" was missed`, body: 'BrokerVault was closed at the scheduled time, so nothing was placed.' });
        continue;
      }
      await this.run(row, previous);
    }
  }

  private async run(row: ScheduleRow, occurrence: number): Promise<void> {
    // Claim the occurrence before placing, so an overlapping tick cannot run it twice.
    this.finish(row.id, occurrence, 'ran', 'Running…');
    const basket = JSON.parse(row.orders) as NewSchedule['orders'];
    const problems: string[] = [];
    for (const [index, item] of basket.entries()) {
      try {
        const result = await this.orders.place({ ticketId: `sch-${row.id.slice(0, 12)}-${occurrence.toString(36)}-${index}`, ...item }, 'schedule');
        if (result.status === 'needs-confirmation') problems.push(`${item.symbol}: ${result.reasons.join(' ')}`);
        else if (result.order.state === 'REJECTED') problems.push(`${item.symbol}: ${result.order.message ?? 'rejected'}`);
      } catch (error) {
        this.log.warn('scheduled order failed', { schedule: row.id, error });
        problems.push(`${item.symbol}: ${error instanceof AppError ? error.message : 'could not be placed'}`);
      }
    }
    this.finish(row.id, occurrence, problems.length ? 'failed' : 'ran', problems.length ? problems.join(' ') : `Placed ${basket.length} order(s).`);
    this.notifier.notify({
      title: `Schedule "${row.name}" ran`,
      body: problems.length ? `Some orders were not placed: ${problems.join(' ')}` : `Placed ${basket.length} order(s).`,
    });
  }

  private finish(id: string, at: number, outcome: 'ran' | 'missed' | 'failed', message: string): void {
    this.db.prepare('UPDATE schedules SET last_run_at = ?, last_outcome = ?, last_message = ? WHERE id = ?').run(at, outcome, message, id);
  }

  private row(id: string): ScheduleRow {
    const row = this.db.prepare<[string], ScheduleRow>('SELECT * FROM schedules WHERE id = ?').get(id);
    if (!row) throw new AppError('NOT_FOUND', 'That schedule no longer exists.');
    return row;
  }

  private view(r: ScheduleRow): ScheduleView {
    const days = JSON.parse(r.days) as number[];
    return {
      id: r.id,
      name: r.name,
      time: r.time,
      timeZone: r.time_zone,
      days,
      orders: JSON.parse(r.orders) as NewSchedule['orders'],
      enabled: r.enabled === 1,
      nextRunAt: occurrences(this.clock.now(), r.time, days, r.time_zone).next,
      lastRun: r.last_run_at === null ? null : { at: r.last_run_at, outcome: r.last_outcome!, message: r.last_message },
    };
  }
}
