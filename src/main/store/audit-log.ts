import { createHash } from 'node:crypto';
import type { AuditAction, AuditDetail, AuditEntry } from '../../shared/schemas';
import type { Clock } from '../clock';
import type { Db } from './db';

/** Rows per synchronous slice of a walk (about 40 ms of hashing on a slow machine), yielding between slices. */
const WALK_SLICE = 2_000;

/** The link before the first entry. */
export const GENESIS = '0'.repeat(64);

interface AuditRow {
  seq: number;
  at: number;
  action: string;
  connection_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

function hashEntry(prevHash: string, seq: number, at: number, action: string, connectionId: string | null, detail: string): string {
  return createHash('sha256')
    .update(JSON.stringify([prevHash, seq, at, action, connectionId, detail]))
    .digest('hex');
}

export interface AuditFilter {
  before?: number;
  limit: number;
  connectionId?: string;
  action?: AuditAction;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  brokenAt: number | null;
  reason: string | null;
}

/** A link walk: its report, the last entry it reached, and the hash of one entry asked for (the sealed head). */
export interface ChainWalk {
  report: ChainReport;
  /** Sequence number and hash of the last entry that linked (0 and GENESIS for an empty log). */
  lastSeq: number;
  lastHash: string;
  /** Hash of the entry `markAt` names, or null when the walk did not reach it. */
  hashAtMark: string | null;
}

/** Where a walk starts: after an entry already known good (a sealed head), or at the beginning. */
export interface WalkFrom {
  seq: number;
  hash: string;
}

/** Audit actions by which the vault moves to another key; the audit seal follows the vault's key. */
export const KEY_CHANGE_ACTIONS = ['vault.keyCreated', 'vault.keyRotated', 'vault.passphraseSetup'] as const;

/**
 * The append-only audit trail. Each row carries the hash of the row before it, so editing, removing or
 * reordering any row breaks the chain at that row; SQLite triggers refuse UPDATE and DELETE outright.
 * Details hold names and outcomes, never secret values.
 */
export class AuditLog {
  private readonly lastStmt;
  private readonly insertStmt;
  private readonly appendListeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.lastStmt = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare('INSERT INTO audit_log (seq, at, action, connection_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  /** Append one entry; call inside the transaction of the change it records so both commit or neither. */
  append(action: AuditAction, connectionId: string | null, detail: AuditDetail = {}): void {
    const last = this.lastStmt.get();
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS;
    const at = this.clock.now();
    const detailText = JSON.stringify(detail);
    this.insertStmt.run(seq, at, action, connectionId, detailText, prevHash, hashEntry(prevHash, seq, at, action, connectionId, detailText));
    // Listeners only schedule work (the audit seal is written later, coalesced): nothing slow on the order path.
    for (const listener of this.appendListeners) listener();
  }

  /** Be told after each append (inside the caller's transaction, which may still roll back). */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** The newest entry's sequence number and hash (0 and GENESIS for an empty log). */
  head(): WalkFrom {
    const last = this.lastStmt.get();
    return { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS };
  }

  /** Key ids the vault moved to after entry `seq`, as the log records them (newest last). */
  keyChangesAfter(seq: number): string[] {
    const rows = this.db
      .prepare<(string | number)[], { action: string; detail: string }>(
        `SELECT action, detail FROM audit_log WHERE seq > ? AND action IN (${KEY_CHANGE_ACTIONS.map(() => '?').join(', ')}) ORDER BY seq`,
      )
      .all(seq, ...KEY_CHANGE_ACTIONS);
    return rows.map((row) => {
      try {
        const detail = JSON.parse(row.detail) as Record<string, unknown>;
        const to = row.action === 'vault.keyRotated' ? detail.to : detail.keyId;
        return typeof to === 'string' ? to : '';
      } catch {
        return ''; // a detail that is not JSON names no key
      }
    });
  }

  list(filter: AuditFilter): { entries: AuditEntry[]; nextBefore: number | null } {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.before !== undefined) {
      where.push('seq < ?');
      params.push(filter.before);
    }
    if (filter.connectionId) {
      where.push('connection_id = ?');
      params.push(filter.connectionId);
    }
    if (filter.action) {
      where.push('action = ?');
      params.push(filter.action);
    }
    const sql = `SELECT seq, at, action, connection_id, detail FROM audit_log ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.db.prepare<(string | number)[], AuditRow>(sql).all(...params, filter.limit + 1);
    const page = rows.slice(0, filter.limit);
    return {
      entries: page.map((row) => ({
        seq: row.seq,
        at: row.at,
        action: row.action as AuditAction,
        connectionId: row.connection_id,
        detail: JSON.parse(row.detail) as AuditDetail,
      })),
      nextBefore: rows.length > filter.limit ? page[page.length - 1]!.seq : null,
    };
  }

  /**
   * Walk the whole chain from the first row; report the first row whose link or hash does not hold.
   * Reads in slices and yields between them, so a long history does not freeze the app.
   */
  async verify(sliceSize = WALK_SLICE): Promise<ChainReport> {
    return (await this.walk({ sliceSize })).report;
  }

  /**
   * Check links and hashes from `from` (default: the beginning) to the newest entry, noting the hash of
   * entry `markAt` on the way. Unkeyed: this proves the rows agree with each other, not who wrote them.
   */
  async walk(options: { from?: WalkFrom; markAt?: number; sliceSize?: number } = {}): Promise<ChainWalk> {
    const sliceSize = options.sliceSize ?? WALK_SLICE;
    const slice = this.db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    let prevHash = options.from?.hash ?? GENESIS;
    let lastSeq = options.from?.seq ?? 0;
    let hashAtMark = options.markAt === lastSeq ? prevHash : null;
    let checked = 0;
    for (;;) {
      const rows = slice.all(lastSeq, sliceSize);
      for (const row of rows) {
        const expectedSeq = lastSeq + 1;
        const broken = (reason: string): ChainWalk => ({
          report: { ok: false, checked, brokenAt: row.seq, reason },
          lastSeq,
          lastHash: prevHash,
          hashAtMark,
        });
        if (row.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing`);
        if (row.prev_hash !== prevHash) return broken('does not link to the entry before it');
        if (row.hash !== hashEntry(row.prev_hash, row.seq, row.at, row.action, row.connection_id, row.detail)) {
          return broken('its contents were changed after it was written');
        }
        prevHash = row.hash;
        lastSeq = row.seq;
        if (row.seq === options.markAt) hashAtMark = row.hash;
        checked++;
      }
      if (rows.length < sliceSize) return { report: { ok: true, checked, brokenAt: null, reason: null }, lastSeq, lastHash: prevHash, hashAtMark };
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
