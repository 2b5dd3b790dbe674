import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../log/types';
import type { Scheduler, TimerHandle } from '../scheduler';
import { BackupFailedError, createBackup, listBackups, type BackupInfo, type BackupKind } from '../store/backups';
import type { Db } from '../store/db';

/** A daily backup is taken when the newest one is at least this old: at start, then on a timer. */
export const DAILY_BACKUP_MS = 24 * 60 * 60 * 1000;

/**
 * Automatic and on-demand backups of the open database (store/backups.ts does the file work). One backup at
 * a time: they queue, so "Back up now" during the daily one waits instead of racing it.
 */
export class BackupService {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: TimerHandle | null = null;
  private stopped = false;
  private dailyRun: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { db: Db; dataDir: string; clock: Clock; scheduler: Scheduler; log: Logger; nativeBinding?: string }) {}

  list(): BackupInfo[] {
    return listBackups(this.deps.dataDir);
  }

  /** Take a backup now; resolves once it is written and verified. */
  create(kind: BackupKind = 'manual'): Promise<BackupInfo> {
    const run = this.queue.then(() => this.take(kind));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when no backup is being written or due to start (before the database is closed). */
  async settled(): Promise<void> {
    await this.dailyRun;
    await this.queue;
  }

  /** The daily schedule: a backup now if the newest daily one is a day old (or there is none), then one every day. */
  start(): void {
    this.stopped = false;
    this.dailyRun = this.daily();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private async daily(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    const newest = this.list().find((b) => b.kind === 'daily');
    const now = this.deps.clock.now();
    if (!newest || now - newest.createdAt >= DAILY_BACKUP_MS) {
      try {
        await this.create('daily');
      } catch {
        // logged in take(); tried again at the next tick
      }
    }
    if (this.stopped) return;
    const latest = this.list().find((b) => b.kind === 'daily');
    const due = latest ? latest.createdAt + DAILY_BACKUP_MS - this.deps.clock.now() : DAILY_BACKUP_MS;
    this.timer = this.deps.scheduler.setTimeout(() => (this.dailyRun = this.daily()), Math.max(60_000, Math.min(DAILY_BACKUP_MS, due)));
  }

  private async take(kind: BackupKind): Promise<BackupInfo> {
    try {
      const backup = await createBackup(this.deps.db, this.deps.dataDir, kind, this.deps.clock.now(), this.deps.nativeBinding);
      this.deps.log.info('backup taken', { id: backup.id, sizeBytes: backup.sizeBytes });
      return backup;
    } catch (error) {
      this.deps.log.error('backup failed', { kind, error });
      const why = error instanceof BackupFailedError ? ' It did not pass its check, so the older backups were kept.' : '';
      throw new AppError('INTERNAL', `BrokerVault could not take a backup.${why} Check that the disk has free space; details are in the log.`);
    }
  }
}
