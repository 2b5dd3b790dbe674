import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { needsLimitPrice } from '../../shared/orders';
import type { ScheduleInput, ScheduleViewSchema } from '../../shared/schemas';
import type { Clock } from '../clock';
import type { Notifier } from '../notifier';
import { AppError } from '../errors';
import type { Logger } from '../log/types';
import { toSafeError } from '../safe-error';
import type { AuditLog } from '../store/audit-log';
import type { Db } from '../store/db';
import type { ScheduleOutcome, ScheduleRow, SchedulesRepo } from '../store/schedules-repo';
import type { OrderService } from './orders';
import { calendarOf, holidayAt } from './market-calendar';
import { isValidTimeZone, occurrences } from './schedule-time';
import { Emitter } from '../events';

type ScheduleView = z.infer<typeof ScheduleViewSchema>;
type NewSchedule = z.infer<typeof ScheduleInput>;
type BasketItem = NewSchedule['orders'][number];

/** Why each order of a basket cannot run at `at` (its exchange's holiday), or null where it can. */
function closures(basket: BasketItem[], at: number): (string | null)[] {
  return basket.map((item) => {
    const calendar = calendarOf(item.symbol);
    const closed = holidayAt(calendar, at);
    return closed && `${calendar.name} is closed on ${closed.date} (${closed.holiday})`;
  });
}

/** How far an occurrence is searched past holidays (a week of closures is far beyond any real calendar). */
const MAX_SKIPPED_OCCURRENCES = 14;

/** A run may start this late (the timer ticks every 15 s); later than that it is reported missed, never run. */
export const SCHEDULE_GRACE_MS = 2 * 60_000;

export interface ScheduleDeps {
  db: Db;
  repo: SchedulesRepo;
  orders: OrderService;
  clock: Clock;
  notifier: Notifier;
  log: Logger;
  audit: AuditLog;
}

/** A basket as the audit log keeps it: one line per order. */
function basketLines(basket: BasketItem[]): string[] {
  return basket.map((o) => `${o.side} ${o.quantity} ${o.symbol} ${o.type}${o.limitPrice !== undefined ? ` @ ${o.limitPrice}` : ''}`);
}

/**
 * Scheduled order baskets (e.g. a daily order at 15:10 on trading days). Each run goes through the one
 * order path with ticket ids derived from the schedule and the occurrence, so a run can never place twice;
 * a run missed while the app was closed is reported, never executed late. Orders whose exchange is on holiday
 * are skipped and said so; a day on which every order's exchange is closed is skipped, not missed.
 */
export class ScheduleService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly didChange = new Emitter<ScheduleView[]>();
  /** Fires with the whole list after any change (a new one, a pause, a run's outcome…). */
  readonly onDidChange = this.didChange.event;

  constructor(private readonly deps: ScheduleDeps) {
    this.db = deps.db;
    this.clock = deps.clock;
  }

  list(): ScheduleView[] {
    return this.deps.repo.all().map((r) => this.view(r));
  }

  create(input: NewSchedule): ScheduleView {
    if (!isValidTimeZone(input.timeZone))
      throw new AppError('INVALID_INPUT', `"${input.timeZone}" is not a time zone BrokerVault knows (e.g. Asia/Kolkata, America/New_York).`);
    for (const order of input.orders) {
      if (needsLimitPrice(order.type) !== (order.limitPrice !== undefined))
        throw new AppError('INVALID_INPUT', 'Limit orders in a basket need a limit price, and market orders must not have one.');
    }
    const id = randomBytes(12).toString('hex');
    const days = [...new Set(input.days)].sort();
    this.db.transaction(() => {
      this.deps.repo.insert({
        id,
        name: input.name,
        time: input.time,
        timeZone: input.timeZone,
        days: JSON.stringify(days),
        orders: JSON.stringify(input.orders),
        createdAt: this.clock.now(),
      });
      this.deps.audit.append('schedule.create', null, {
        scheduleId: id,
        name: input.name,
        time: `${input.time} ${input.timeZone}`,
        days: days.map(String),
        orders: basketLines(input.orders),
      });
    })();
    this.announce();
    return this.view(this.row(id));
  }

  delete(id: string): void {
    const row = this.row(id);
    this.db.transaction(() => {
      this.deps.repo.delete(id);
      this.deps.audit.append('schedule.delete', null, { scheduleId: id, name: row.name });
    })();
    this.announce();
  }

  /** Pause or resume. Resuming starts afresh: what fell due while paused is neither run nor reported missed. */
  setEnabled(id: string, enabled: boolean): ScheduleView {
    const row = this.row(id);
    if ((row.enabled === 1) !== enabled) {
      this.db.transaction(() => {
        this.deps.repo.setEnabled(id, enabled, enabled ? this.clock.now() : row.resumed_at);
        this.deps.audit.append('schedule.update', null, { scheduleId: id, name: row.name, enabled });
      })();
      this.announce();
    }
    return this.view(this.row(id));
  }

  /** Run what is due and report what was missed. Called on a timer and once at start-up. */
  async tick(): Promise<void> {
    const now = this.clock.now();
    for (const id of this.deps.repo.enabledIds()) {
      // Read each row fresh: an overlapping tick may have claimed it (or it was deleted) while we were placing orders.
      const row = this.deps.repo.findEnabled(id);
      if (!row) continue;
      const { previous } = occurrences(now, row.time, JSON.parse(row.days) as number[], row.time_zone);
      if (previous === null || previous <= Math.max(row.last_run_at ?? 0, row.created_at, row.resumed_at ?? 0)) continue;
      const closed = closures(JSON.parse(row.orders) as BasketItem[], previous);
      if (closed.every(Boolean)) {
        const reasons = [...new Set(closed)].join('; ');
        this.record(row, previous, 'skipped', `Not run: ${reasons}. Nothing was placed.`);
        if (now - previous <= SCHEDULE_GRACE_MS)
          this.deps.notifier.notify({ title: `Schedule "${row.name}" skipped today`, body: `${reasons}. Nothing was placed.` });
        continue;
      }
      if (now - previous > SCHEDULE_GRACE_MS) {
        this.record(row, previous, 'missed', `Missed at ${new Date(previous).toISOString()}: BrokerVault was not running. The orders were not placed.`);
        this.deps.notifier.notify({ title: `Schedule "${row.name}" was missed`, body: 'BrokerVault was closed at the scheduled time, so nothing was placed.' });
        continue;
      }
      await this.run(row, previous);
    }
  }

  private async run(row: ScheduleRow, occurrence: number): Promise<void> {
    // Claim the occurrence before placing, so an overlapping tick cannot run it twice.
    this.finish(row.id, occurrence, 'ran', 'Running…');
    const basket = JSON.parse(row.orders) as BasketItem[];
    const closed = closures(basket, occurrence);
    const problems: string[] = [];
    const skipped: string[] = [];
    for (const [index, item] of basket.entries()) {
      if (closed[index]) {
        skipped.push(`${item.symbol} skipped: ${closed[index]}.`);
        continue;
      }
      try {
        const result = await this.deps.orders.place({ ticketId: `sch-${row.id.slice(0, 12)}-${occurrence.toString(36)}-${index}`, ...item }, 'schedule');
        if (result.status === 'needs-confirmation') problems.push(`${item.symbol}: ${result.reasons.join(' ')}`);
        else if (result.order.state === 'REJECTED') problems.push(`${item.symbol}: ${result.order.message ?? 'rejected'}`);
      } catch (error) {
        this.deps.log.warn('scheduled order failed', { schedule: row.id, error });
        problems.push(`${item.symbol}: ${toSafeError(error, { fallback: 'could not be placed' }).message}`);
      }
    }
    const placed = basket.length - skipped.length - problems.length;
    const summary = [`Placed ${placed} order(s).`, ...skipped].join(' ');
    this.record(row, occurrence, problems.length ? 'failed' : 'ran', problems.length ? [...problems, ...skipped].join(' ') : summary);
    this.deps.notifier.notify({
      title: `Schedule "${row.name}" ran`,
      body: problems.length ? `Some orders were not placed: ${[...problems, ...skipped].join(' ')}` : summary,
    });
  }

  /** The next occurrence on which at least one order's exchange is open. */
  private nextRun(row: ScheduleRow, days: number[], basket: BasketItem[]): number | null {
    let after = this.clock.now();
    for (let i = 0; i < MAX_SKIPPED_OCCURRENCES; i++) {
      const { next } = occurrences(after, row.time, days, row.time_zone);
      if (next === null || !closures(basket, next).every(Boolean)) return next;
      after = next;
    }
    return null;
  }

  private finish(id: string, at: number, outcome: ScheduleOutcome, message: string): void {
    this.deps.repo.recordRun(id, at, outcome, message);
  }

  /** The final outcome of an occurrence, on the schedule and in the audit log together. */
  private record(row: ScheduleRow, at: number, outcome: ScheduleOutcome, message: string): void {
    this.db.transaction(() => {
      this.finish(row.id, at, outcome, message);
      this.deps.audit.append('schedule.run', null, { scheduleId: row.id, name: row.name, occurrence: new Date(at).toISOString(), outcome, message });
    })();
    this.announce();
  }

  private announce(): void {
    this.didChange.fire(this.list());
  }

  private row(id: string): ScheduleRow {
    const row = this.deps.repo.find(id);
    if (!row) throw new AppError('NOT_FOUND', 'That schedule no longer exists.');
    return row;
  }

  private view(r: ScheduleRow): ScheduleView {
    const days = JSON.parse(r.days) as number[];
    const basket = JSON.parse(r.orders) as BasketItem[];
    const calendars = [...new Map(basket.map((item) => calendarOf(item.symbol)).map((c) => [c.market, c])).values()];
    return {
      id: r.id,
      name: r.name,
      time: r.time,
      timeZone: r.time_zone,
      days,
      orders: basket,
      enabled: r.enabled === 1,
      nextRunAt: this.nextRun(r, days, basket),
      markets: calendars.map((c) => ({ market: c.market, name: c.name, calendar: c.kind, holidaysThrough: c.kind === 'holidays' ? c.through : null })),
      lastRun: r.last_run_at === null ? null : { at: r.last_run_at, outcome: r.last_outcome!, message: r.last_message },
    };
  }
}
