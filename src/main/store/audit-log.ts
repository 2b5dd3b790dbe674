import { createHash } from 'node:crypto';
import type { AuditAction, AuditDetail, AuditEntry } from '../../shared/schemas';
import type { Clock } from '../clock';
import type { Db } from './db';

const GENESIS = '0'.repeat(64);

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
  return createHash('sha256').update(JSON.stringify([prevHash, seq, at, action, connectionId, detail])).digest('hex');
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

/**
 * The append-only audit trail. Each row carries the hash of the row before it, so editing, removing or
 * reordering any row breaks the chain at that row; SQLite triggers refuse UPDATE and DELETE outright.
 * Details hold names and outcomes, never secret values.
 */
export class AuditLog {
  private readonly lastStmt;
  private readonly insertStmt;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.lastStmt = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare(
      'INSERT INTO audit_log (seq, at, action, connection_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Append one entry; call inside the transaction of the change it records so both commit or neither. */
  append(action: AuditAction, connectionId: string | null, detail: AuditDetail = {}): void {
    const last = this.lastStmt.get();
    const seq = (last?.seq ?? 0) + 1;
    const prevHash = last?.hash ?? GENESIS;
    const at = this.clock.now();
    const detailText = JSON.stringify(detail);
    this.insertStmt.run(seq, at, action, connectionId, detailText, prevHash, hashEntry(prevHash, seq, at, action, connectionId, detailText));
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
  async verify(sliceSize = 20_000): Promise<ChainReport> {
    const slice = this.db.prepare<[number, number], AuditRow>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    let prevHash = GENESIS;
    let expectedSeq = 1;
    let checked = 0;
    let lastSeq = 0;
    for (;;) {
      const rows = slice.all(lastSeq, sliceSize);
      for (const row of rows) {
        const broken = (reason: string): ChainReport => ({ ok: false, checked, brokenAt: row.seq, reason });
        if (row.seq !== expectedSeq) return broken(`entry ${expectedSeq} is missing`);
        if (row.prev_hash !== prevHash) return broken('does not link to the entry before it');
        if (row.hash !== hashEntry(row.prev_hash, row.seq, row.at, row.action, row.connection_id, row.detail)) {
          return broken('its contents were changed after it was written');
        }
        prevHash = row.hash;
        expectedSeq++;
        checked++;
      }
      if (rows.length < sliceSize) return { ok: true, checked, brokenAt: null, reason: null };
      lastSeq = rows[rows.length - 1]!.seq;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
