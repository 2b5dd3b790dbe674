import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ModeSchema, ModeStatusSchema, type LiveRequestSchema, type ModeStatus } from '../../shared/schemas';
import type { Clock } from '../clock';
import type { Notifier } from '../notifier';
import { AppError } from '../errors';
import type { AuditLog } from '../store/audit-log';
import type { AppSettings } from '../store/app-settings';
import type { Db } from '../store/db';
import type { ConnectionService } from '../services/connections';
import { Emitter } from '../events';

const MODE_KEY = 'trading.mode';
const LOCK_KEY = 'trading.liveLocked';
const LAST_CHANGE_KEY = 'trading.lastChange';
/** Going live needs a validation at most this old. */
export const LIVE_VALIDATION_MAX_AGE_MS = 15 * 60_000;
const CONFIRMATION_TTL_MS = 2 * 60_000;
export const LIVE_PHRASE = 'GO LIVE';

const StoredModeSchema = z.strictObject({ mode: ModeSchema, connectionId: z.string().nullable() });
type StoredMode = z.infer<typeof StoredModeSchema>;

interface PendingConfirmation {
  connectionId: string;
  expiresAt: number;
}

export interface ModeDeps {
  db: Db;
  settings: AppSettings;
  connections: ConnectionService;
  audit: AuditLog;
  clock: Clock;
  notifier: Notifier;
  /** Whether stored credentials can be decrypted now (a locked vault cannot trade live). */
  canDecrypt: () => boolean;
}

/**
 * Paper or live, decided in main and kept in SQLite. A fresh profile is paper. Live needs a chosen
 * connection validated recently and a confirmation main issues for that one request; anything that
 * makes the live connection unusable drops the app back to paper at once, with a notification.
 */
export class ModeService {
  private readonly confirmations = new Map<string, PendingConfirmation>();
  private readonly didChange = new Emitter<ModeStatus>();
  /** Fires with the new status after every committed switch, lock or unlock. */
  readonly onDidChange = this.didChange.event;

  constructor(private readonly deps: ModeDeps) {}

  private stored(): StoredMode {
    return this.deps.settings.get(MODE_KEY, StoredModeSchema) ?? { mode: 'paper', connectionId: null };
  }

  get locked(): boolean {
    return this.deps.settings.get(LOCK_KEY, z.boolean()) ?? false;
  }

  status(): ModeStatus {
    const stored = this.stored();
    let live: ModeStatus['live'] = null;
    const c = stored.mode === 'live' && stored.connectionId ? this.deps.connections.find(stored.connectionId) : null;
    // A deleted live connection reads as paper here; enforce() records the switch.
    if (c) live = { connectionId: c.id, label: c.label, broker: c.broker, environment: c.environment, accountMasked: c.accountMasked };
    return { mode: live ? 'live' : 'paper', live, locked: this.locked, lastChange: this.deps.settings.get(LAST_CHANGE_KEY, ModeStatusSchema.shape.lastChange) };
  }

  /** The live connection's id, or null in paper mode. */
  liveConnectionId(): string | null {
    const stored = this.stored();
    return stored.mode === 'live' ? stored.connectionId : null;
  }

  private whyNotLive(connectionId: string): string | null {
    if (this.locked) return 'Live trading is locked by the kill switch. Choose Unlock live in the top bar first.';
    if (!this.deps.canDecrypt()) return 'The credential vault is locked or unavailable, so BrokerVault cannot sign orders. Unlock it in Settings first.';
    const c = this.deps.connections.get(connectionId);
    if (!c.isActive) return `"${c.label}" is deactivated. Activate it first.`;
    if (c.status !== 'valid') return `"${c.label}" is not validated (status: ${c.status}). Test the connection first.`;
    const age = c.lastValidatedAt === null ? Infinity : this.deps.clock.now() - c.lastValidatedAt;
    if (age > LIVE_VALIDATION_MAX_AGE_MS) return `"${c.label}" was last checked more than 15 minutes ago. Test it again, then go live.`;
    if (c.tokenExpiresAt !== null && c.tokenExpiresAt <= this.deps.clock.now()) return `"${c.label}"'s session has expired. Sign in again first.`;
    return null;
  }

  /** Step 1 of going live: main issues a one-time confirmation naming the account. */
  requestLive(connectionId: string): z.infer<typeof LiveRequestSchema> {
    const reason = this.whyNotLive(connectionId);
    if (reason) throw new AppError('LIVE_NOT_ALLOWED', reason);
    const c = this.deps.connections.get(connectionId);
    const confirmationId = randomBytes(16).toString('hex');
    const expiresAt = this.deps.clock.now() + CONFIRMATION_TTL_MS;
    this.confirmations.set(confirmationId, { connectionId, expiresAt });
    return {
      confirmationId,
      expiresAt,
      phrase: LIVE_PHRASE,
      connection: { id: c.id, label: c.label, broker: c.broker, environment: c.environment, accountMasked: c.accountMasked },
    };
  }

  /** Step 2: the trader typed the phrase. The confirmation is used up whatever the outcome. */
  confirmLive(confirmationId: string, typed: string): ModeStatus {
    const pending = this.confirmations.get(confirmationId);
    this.confirmations.delete(confirmationId);
    if (!pending || pending.expiresAt < this.deps.clock.now()) {
      throw new AppError('CONFIRMATION_REQUIRED', 'That confirmation has expired or was already used. Choose Go live again.');
    }
    if (typed.trim() !== LIVE_PHRASE) {
      throw new AppError('CONFIRMATION_REQUIRED', `Type ${LIVE_PHRASE} exactly to go live. Nothing was changed.`);
    }
    const reason = this.whyNotLive(pending.connectionId);
    if (reason) throw new AppError('LIVE_NOT_ALLOWED', reason);
    this.write({ mode: 'live', connectionId: pending.connectionId }, 'confirmed by the trader', 'trader');
    const c = this.deps.connections.get(pending.connectionId);
    this.deps.notifier.notify({ title: 'BrokerVault is LIVE', body: `Orders now go to ${c.label} (${c.environment}).` });
    return this.status();
  }

  /** Back to paper: asked for by the trader, or done by the app because live can no longer be trusted. */
  goPaper(reason: string, by: 'trader' | 'app' = 'app'): ModeStatus {
    const before = this.stored();
    if (before.mode === 'paper') return this.status();
    this.write({ mode: 'paper', connectionId: null }, reason, by);
    this.deps.notifier.notify({ title: 'BrokerVault is back in paper mode', body: reason });
    return this.status();
  }

  /** The kill switch's part: paper, and live stays off until the trader unlocks it. */
  lock(reason: string): void {
    // SECURITY: every Go live confirmation handed out before the lock is void.
    this.confirmations.clear();
    this.deps.db.transaction(() => {
      this.deps.settings.set(LOCK_KEY, true);
      if (this.stored().mode === 'live') this.write({ mode: 'paper', connectionId: null }, reason, 'trader', false);
    })();
    this.didChange.fire(this.status());
  }

  unlock(): ModeStatus {
    if (!this.locked) return this.status();
    this.deps.db.transaction(() => {
      this.deps.settings.set(LOCK_KEY, false);
      this.deps.audit.append('mode.switch', null, { lock: 'released' });
    })();
    this.didChange.fire(this.status());
    return this.status();
  }

  /** Called after any connection change: a live connection that is gone, inactive, expired or invalid ends live mode. */
  enforce(): void {
    const id = this.liveConnectionId();
    if (!id) return;
    let reason: string | null = null;
    try {
      const c = this.deps.connections.get(id);
      if (!c.isActive) reason = `"${c.label}" was deactivated.`;
      else if (c.status === 'expired') reason = `"${c.label}"'s session expired.`;
      else if (c.status === 'invalid') reason = `"${c.label}"'s credentials were refused by the broker.`;
      else if (c.status === 'untested') reason = `"${c.label}" was disconnected or its credentials changed.`;
    } catch {
      reason = 'The live connection was deleted.';
    }
    if (reason) this.goPaper(reason);
  }

  private write(next: StoredMode, reason: string, by: 'trader' | 'app', emit = true): void {
    const before = this.stored();
    this.deps.db.transaction(() => {
      this.deps.settings.set(MODE_KEY, next);
      this.deps.settings.set(LAST_CHANGE_KEY, { at: this.deps.clock.now(), to: next.mode, by, reason });
      this.deps.audit.append('mode.switch', next.connectionId ?? before.connectionId, { from: before.mode, to: next.mode, reason });
    })();
    if (emit) this.didChange.fire(this.status());
  }
}
