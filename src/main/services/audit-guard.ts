import { z } from 'zod';
import type { AuditStatus, AuditVerify } from '../../shared/schemas';
import { DAY, SECOND } from '../clock';
import { Emitter } from '../events';
import type { Logger } from '../log/types';
import type { Scheduler, TimerHandle } from '../scheduler';
import type { AppSettings } from '../store/app-settings';
import { ANCHOR_FILE, anchorKey, anchorSealHolds, parseAnchor, sealAnchor, type AnchorFile, type AnchorRecord } from '../store/audit-anchor';
import type { AuditLog, ChainWalk, WalkFrom } from '../store/audit-log';
import type { MasterKey } from '../vault/crypto';

/** The database's copy of the last seal written: finds an anchor file put back from an older copy. */
const SEAL_COPY = 'audit.anchor';

/** How often the whole trail is checked while the app runs (besides at start and on request). */
export const AUDIT_CHECK_INTERVAL_MS = DAY;

/** Appends within this window share one seal write, so the order path never waits on a file sync. */
export const SEAL_DELAY_MS = SECOND;

export interface AuditGuardDeps {
  audit: AuditLog;
  settings: AppSettings;
  anchorFile: AnchorFile;
  /** The vault's current master key, or null while it is locked, missing or unreachable. */
  currentKey: () => MasterKey | null;
  scheduler: Scheduler;
  log: Logger;
  sealDelayMs?: number;
}

interface SealKey {
  id: string;
  mac: Buffer;
}

const UNCHECKED: AuditStatus = { state: 'unchecked', report: null, checkedAt: null, brokenSince: null };

/**
 * Keeps the audit trail's head sealed and checked. The rows link by unkeyed SHA-256 (so appending works while
 * the vault is locked); the seal (count and newest hash, HMAC'd under a key derived from the master key) is
 * written to the anchor file, and a copy to the database, shortly after appends and whenever the key comes
 * back. A full check runs at start, daily and on request, and its result is pushed so the trader sees a break
 * without opening the Audit page. Every check and seal write runs in one queue.
 */
export class AuditGuard {
  private readonly didChange = new Emitter<AuditStatus>();
  /** After every full check: the trail's new standing (forwarded to the renderer as audit:changed). */
  readonly onDidChange = this.didChange.event;
  private current: AuditStatus = UNCHECKED;
  /** Seal keys derived in this process, by vault key id: a rotation re-seals after checking under the old one. */
  private readonly knownKeys = new Map<string, Buffer>();
  /** The newest entry known to be sealed and checked, under which key and MAC; null until a full check passed. */
  private sealed: (WalkFrom & { keyId: string; mac: string }) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private sealTimer: TimerHandle | null = null;
  private dailyTimer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly deps: AuditGuardDeps) {
    deps.audit.onAppend(() => this.appended());
  }

  status(): AuditStatus {
    return this.current;
  }

  /** Check the whole trail now (queued behind any seal write) and publish the result. */
  verify(): Promise<AuditVerify> {
    return this.enqueue(async () => {
      const report = await this.fullCheck();
      this.publish(report);
      return report;
    });
  }

  /** Check at once, then every AUDIT_CHECK_INTERVAL_MS. */
  start(): Promise<AuditVerify> {
    this.armDaily();
    return this.verify();
  }

  /** The vault was unlocked, rotated or set up: check under the key it has now and catch the seal up. */
  vaultChanged(): void {
    void this.verify().catch((error: unknown) => this.deps.log.warn('audit check after a vault change failed', { error }));
  }

  stop(): void {
    this.stopped = true;
    if (this.sealTimer !== null) this.deps.scheduler.clearTimeout(this.sealTimer);
    if (this.dailyTimer !== null) this.deps.scheduler.clearTimeout(this.dailyTimer);
    this.sealTimer = this.dailyTimer = null;
  }

  private armDaily(): void {
    if (this.stopped) return;
    this.dailyTimer = this.deps.scheduler.setTimeout(() => {
      void this.verify()
        .catch((error: unknown) => this.deps.log.warn('daily audit check failed', { error }))
        .finally(() => this.armDaily());
    }, AUDIT_CHECK_INTERVAL_MS);
  }

  private appended(): void {
    if (this.sealTimer !== null || this.stopped) return;
    this.sealTimer = this.deps.scheduler.setTimeout(() => {
      this.sealTimer = null;
      void this.enqueue(() => this.sealNewEntries()).catch((error: unknown) => this.deps.log.warn('audit seal could not be written', { error }));
    }, this.deps.sealDelayMs ?? SEAL_DELAY_MS);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private publish(report: AuditVerify): void {
    const now = this.deps.scheduler.now();
    const brokenSince = report.ok ? null : (this.current.brokenSince ?? now);
    this.current = { state: report.ok ? 'intact' : 'broken', report, checkedAt: now, brokenSince };
    if (!report.ok) this.deps.log.error('audit trail broken', { brokenAt: report.brokenAt, reason: report.reason });
    this.didChange.fire(this.current);
  }

  private key(): SealKey | null {
    const master = this.deps.currentKey();
    if (!master) return null;
    let mac = this.knownKeys.get(master.id);
    if (!mac) {
      mac = anchorKey(master.key);
      this.knownKeys.set(master.id, mac);
    }
    return { id: master.id, mac };
  }

  /** Seal entries appended since the last seal, after checking that they link to it. */
  private async sealNewEntries(): Promise<void> {
    if (this.stopped || this.current.state === 'broken') return; // SECURITY: never seal over a break.
    const key = this.key();
    if (!key) return; // the seal catches up when the vault is ready (vaultChanged)
    const onDisk = this.deps.anchorFile.read();
    // SECURITY: an anchor file removed or replaced since the last seal is evidence; check, never overwrite it.
    const untouched = onDisk.kind === 'present' && onDisk.record.mac === this.sealed?.mac;
    if (!this.sealed || this.sealed.keyId !== key.id || !untouched) {
      this.publish(await this.fullCheck());
      return;
    }
    const walk = await this.deps.audit.walk({ from: this.sealed });
    if (!walk.report.ok) {
      this.publish(await this.fullCheck());
      return;
    }
    if (walk.lastSeq !== this.sealed.seq) this.writeSeal(key, walk);
  }

  private writeSeal(key: SealKey, walk: ChainWalk): void {
    const record = sealAnchor(key.mac, key.id, walk.lastSeq, walk.lastHash, this.deps.scheduler.now());
    // File first, then the database's copy: a crash between them leaves the file ahead, which reads as intact.
    this.deps.anchorFile.write(record);
    this.deps.settings.set(SEAL_COPY, record);
    this.sealed = { seq: walk.lastSeq, hash: walk.lastHash, keyId: key.id, mac: record.mac };
  }

  /** Links from the first entry, then the seal: present, unaltered, not older than the last one, matching. */
  private async fullCheck(): Promise<AuditVerify> {
    if (this.stopped) throw new Error('audit guard stopped');
    const key = this.key();
    const file = this.deps.anchorFile.read();
    const record = file.kind === 'present' ? file.record : null;
    const walk = await this.deps.audit.walk({ markAt: record?.count });
    const checked = walk.report.checked;
    if (!walk.report.ok) return { ...walk.report, sealed: 0, note: null };
    const count = walk.lastSeq;
    const broken = (reason: string, brokenAt: number | null = null): AuditVerify => ({ ok: false, checked, brokenAt, reason, sealed: 0, note: null });
    const copy = parseAnchor(this.deps.settings.get(SEAL_COPY, z.unknown()));

    if (file.kind === 'damaged') return broken('the anchor file that seals the log is damaged');
    if (!record) {
      // SECURITY: the database's copy exists only after a file was written, so the file was removed.
      if (copy) return broken(`the anchor file that seals the log (${ANCHOR_FILE}) is missing`);
      return this.sealFrom(null, key, walk); // a fresh profile, or a log from before sealing
    }

    const prefix = (): AuditVerify | null => {
      if (record.count > count) {
        return count === 0
          ? broken(`every entry was removed: the seal covers ${record.count}`, 1)
          : broken(`the newest ${record.count - count} entries were removed: the log ends at entry ${count}, its seal covers ${record.count}`, count + 1);
      }
      if (walk.hashAtMark !== record.head) return broken(`entries up to ${record.count} were rewritten: they no longer match the sealed record`, record.count);
      return null;
    };

    const recordKey = this.knownKeys.get(record.keyId) ?? null;
    if (!recordKey) {
      if (!key) {
        // The seal cannot be checked without the key, but against someone who changed only the database the
        // head it names is still genuine: a cut or rewrite of the sealed entries is found while locked too.
        const mismatch = prefix();
        if (mismatch) return mismatch;
        const waiting = Math.max(0, count - record.count);
        const note = `The links hold; the seal over the first ${record.count} entries is checked, and ${waiting} newer entries sealed, once the vault's key is available (unlock the vault).`;
        return { ok: true, checked, brokenAt: null, reason: null, sealed: 0, note };
      }
      // Sealed under a key this process never held: the vault moved to another key (a rotation interrupted
      // before the re-seal, or a lost key replaced) and the log must say so after the sealed head.
      if (!this.deps.audit.keyChangesAfter(record.count).includes(key.id)) {
        return broken('the anchor file is sealed with a key the vault never moved from');
      }
      // SECURITY: the database's copy is written after the file, so a copy already sealed under the current key
      // means the file under an older key was put back.
      if (copy && copy.keyId === key.id && anchorSealHolds(key.mac, copy)) {
        return broken(
          `the anchor file was replaced by an older copy: it is sealed under a retired key, BrokerVault last sealed ${copy.count} entries under the current one`,
        );
      }
      const mismatch = prefix();
      if (mismatch) return mismatch;
      this.deps.log.info('audit seal moved to the vault key after a key change', { from: record.keyId, to: key.id });
      return this.sealFrom(null, key, walk);
    }

    if (!anchorSealHolds(recordKey, record)) return broken('the anchor file was altered: its seal does not match');
    const copyKey = copy ? this.knownKeys.get(copy.keyId) : undefined;
    if (copy && copyKey) {
      if (!anchorSealHolds(copyKey, copy)) return broken("the database's copy of the seal was altered");
      if (copy.count > record.count || (copy.count === record.count && copy.head !== record.head)) {
        return broken(`the anchor file was replaced by an older copy: it seals ${record.count} entries, BrokerVault last sealed ${copy.count}`);
      }
    }
    return prefix() ?? this.sealFrom(record, key, walk);
  }

  /** The chain holds through `prior` (or there is none to compare with): seal the newest entry if a key is here. */
  private sealFrom(prior: AnchorRecord | null, key: SealKey | null, walk: ChainWalk): AuditVerify {
    const checked = walk.report.checked;
    const trusted = prior?.count ?? 0;
    if (!key) {
      const waiting = walk.lastSeq - trusted;
      const note =
        waiting > 0
          ? `${waiting} newest entries are linked but not sealed yet: the seal needs the vault's key (unlock the vault, or save a first connection).`
          : null;
      return { ok: true, checked, brokenAt: null, reason: null, sealed: trusted, note };
    }
    const current = prior && prior.keyId === key.id && prior.count === walk.lastSeq && prior.head === walk.lastHash;
    if (current) {
      this.sealed = { seq: prior.count, hash: prior.head, keyId: key.id, mac: prior.mac };
      return { ok: true, checked, brokenAt: null, reason: null, sealed: walk.lastSeq, note: null };
    }
    try {
      this.writeSeal(key, walk);
    } catch (error) {
      this.deps.log.warn('audit seal could not be written', { error });
      const note = 'The newest entries could not be sealed: BrokerVault could not write its anchor file. Check the disk and the data folder.';
      return { ok: true, checked, brokenAt: null, reason: null, sealed: trusted, note };
    }
    return { ok: true, checked, brokenAt: null, reason: null, sealed: walk.lastSeq, note: null };
  }
}
