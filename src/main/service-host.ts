import type { z } from 'zod';
import type { EventName } from '../shared/channels';
import type { StoreStatusSchema } from '../shared/schemas';
import type { Clock } from './clock';
import type { AppServices } from './composition';
import type { StoreControl } from './store-control';
import { AppError } from './errors';
import { createRouter, type Handlers, type Router } from './ipc/router';
import type { Logger } from './log/types';
import { isTrustedSender, type TrustedOrigin } from './security/sender';
import { listBackups, type BackupInfo } from './store/backups';
import { BackupNotUsableError, restoreBackupFile, setDatabaseAside } from './store/set-aside';
import { storeDamageOf, type StoreDamage } from './store/store-damage';

type StoreStatus = z.infer<typeof StoreStatusSchema>;

export interface ServiceHostOptions {
  dataDir: string;
  /** Builds the whole graph (createServices); throws the store errors storeDamageOf names when the database is not usable. */
  open: (control: StoreControl) => Promise<AppServices>;
  clock: Clock;
  log: Logger;
  logFile: string | null;
  trustedOrigin: TrustedOrigin;
  /** The trader chose Quit on the recovery screen: end with a non-zero code (start-up did not succeed). */
  quit: () => void;
  nativeBinding?: string;
}

type EventListener = (event: EventName, payload: unknown) => void;

/**
 * Owns the service graph for the shell and the test bridge. When the database cannot be opened because
 * it is damaged, from a newer version or failed its update, the host stays up in a "damaged" state with a
 * small recovery router (store:* channels only) instead of failing start-up; a recovery action or a
 * Settings restore sets the database aside (never deleting it), reopens the graph and calls onOpen again.
 * Other errors propagate (shown and exit, as before). Store-changing operations run one at a time.
 */
export class ServiceHost {
  private current: AppServices | null = null;
  private damage: StoreDamage | null = null;
  private closed = false;
  private busy: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<EventListener>();
  private readonly openListeners: ((services: AppServices) => void)[] = [];
  private unsubscribeCurrent: (() => void) | null = null;
  private readonly recoveryRouter: Router;
  /** Calls go to the open graph's router, or to the recovery router while the database is damaged. */
  readonly router: Router = { handle: (channel, sender, input) => (this.current?.router ?? this.recoveryRouter).handle(channel, sender, input) };

  constructor(private readonly options: ServiceHostOptions) {
    this.recoveryRouter = createRouter({
      handlers: this.recoveryHandlers(),
      isTrustedSender: (sender) => isTrustedSender(sender, options.trustedOrigin),
      log: options.log,
    });
  }

  get services(): AppServices | null {
    return this.current;
  }

  status(): StoreStatus {
    if (this.current || !this.damage) return { state: 'open' };
    return { state: 'damaged', ...this.damage, logFile: this.options.logFile, backups: listBackups(this.options.dataDir) };
  }

  /** Called with each graph once it is open: at start, after a recovery action, after a restore. */
  onOpen(listener: (services: AppServices) => void): void {
    this.openListeners.push(listener);
  }

  /** Events of whichever graph is open, across reopens. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the graph. 'damaged': the recovery router answers until the trader chooses; 'closed': the app quit meanwhile. */
  start(): Promise<'open' | 'damaged' | 'closed'> {
    return this.serial(() => this.tryOpen());
  }

  close(): void {
    this.closed = true;
    this.closeCurrent();
  }

  private recoveryHandlers(): Partial<Handlers> {
    return {
      'store:status': () => this.status(),
      'store:moveAside': () => this.recover(() => setDatabaseAside(this.options.dataDir, 'damaged', this.options.clock.now())),
      'store:restore': ({ id }) => this.recover(() => this.restoreFile(id, 'damaged').setAside),
      'store:quit': () => {
        this.requireDamaged();
        this.options.log.warn('the trader chose to quit from the recovery screen; the database was left as it was');
        // Answer first, then end the process.
        setImmediate(() => this.options.quit());
        return { quitting: true as const };
      },
    };
  }

  private requireDamaged(): void {
    if (this.current || !this.damage) throw new AppError('CONFLICT', 'BrokerVault’s database is open: there is nothing to recover.');
  }

  private recover(setAside: () => string | null): Promise<{ setAside: string | null; status: StoreStatus }> {
    return this.serial(async () => {
      this.requireDamaged();
      const kept = setAside();
      this.options.log.warn('database set aside for recovery', { keptAs: kept });
      await this.tryOpen();
      return { setAside: kept, status: this.status() };
    });
  }

  /** Settings → Restore: the graph closes, the database is set aside, the backup copied in, the graph reopens. */
  private restoreBackup(id: string): Promise<{ restored: BackupInfo; setAside: string | null }> {
    return this.serial(async () => {
      const restored = listBackups(this.options.dataDir).find((b) => b.id === id);
      if (!restored) throw new AppError('NOT_FOUND', 'That backup does not exist any more. Choose one from the list.');
      // SECURITY: a backup being written and a key change under way finish before the database closes under them.
      await this.current?.backups.settled();
      await this.current?.vault.settled();
      this.closeCurrent();
      let setAside: string | null;
      try {
        ({ setAside } = this.restoreFile(id, 'before-restore'));
      } catch (error) {
        // Nothing was changed: reopen what was there.
        await this.tryOpen();
        throw error;
      }
      this.options.log.warn('backup restored', { id, keptAs: setAside });
      await this.tryOpen();
      return { restored, setAside };
    });
  }

  private restoreFile(id: string, current: 'damaged' | 'before-restore'): { setAside: string | null } {
    try {
      return restoreBackupFile(this.options.dataDir, id, current, this.options.clock.now(), this.options.nativeBinding);
    } catch (error) {
      if (error instanceof BackupNotUsableError) throw new AppError('CONFLICT', error.message);
      throw error;
    }
  }

  private async tryOpen(): Promise<'open' | 'damaged' | 'closed'> {
    if (this.closed) return 'closed';
    try {
      const services = await this.options.open({ restoreBackup: (id) => this.restoreBackup(id) });
      if (this.closed) {
        services.close();
        return 'closed';
      }
      this.current = services;
      this.damage = null;
      this.unsubscribeCurrent = services.events.subscribe((event, payload) => {
        for (const listener of this.listeners) listener(event, payload);
      });
      for (const listener of this.openListeners) listener(services);
      return 'open';
    } catch (error) {
      const damage = storeDamageOf(error, this.options.dataDir);
      if (!damage) throw error;
      this.options.log.error('the database cannot be opened; showing the recovery screen', { problem: damage.problem, error });
      this.damage = damage;
      return 'damaged';
    }
  }

  private closeCurrent(): void {
    this.unsubscribeCurrent?.();
    this.unsubscribeCurrent = null;
    const services = this.current;
    this.current = null;
    services?.close();
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.busy.then(work);
    this.busy = run.catch(() => undefined);
    return run;
  }
}
