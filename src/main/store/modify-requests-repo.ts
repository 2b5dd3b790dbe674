import type { Db } from './db';

/** How long a finished modify request is remembered for retries. */
const KEEP_DONE_MS = 7 * 24 * 60 * 60_000;

export interface ModifyRecord {
  requestId: string;
  orderId: string;
  /** The change asked for, as one string: a retry must ask exactly the same. */
  change: string;
  /** sending: written just before the change left for the broker; done: its outcome is in the journal. */
  state: 'sending' | 'done';
}

interface Row {
  request_id: string;
  order_id: string;
  change: string;
  state: 'sending' | 'done';
}

/**
 * Main process, store: modify requests by request id (table order_modifies), so a retried modify is idempotent across
 * a restart. A row is written before the change is sent and marked done in the same transaction that journals it;
 * a row left 'sending' means the app stopped (or lost the answer) while the change was on its way.
 */
export class ModifyRequestsRepo {
  constructor(private readonly db: Db) {}

  get(requestId: string): ModifyRecord | null {
    const row = this.db.prepare<[string], Row>('SELECT request_id, order_id, change, state FROM order_modifies WHERE request_id = ?').get(requestId);
    return row ? { requestId: row.request_id, orderId: row.order_id, change: row.change, state: row.state } : null;
  }

  /** Mark a request as being sent (kept as it is when a retry finds it already there); forgets old finished ones. */
  sending(requestId: string, orderId: string, change: string, now: number): void {
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM order_modifies WHERE state = 'done' AND updated_at < ?").run(now - KEEP_DONE_MS);
      this.db
        .prepare(
          `INSERT INTO order_modifies (request_id, order_id, change, state, created_at, updated_at) VALUES (?, ?, ?, 'sending', ?, ?)
           ON CONFLICT (request_id) DO NOTHING`,
        )
        .run(requestId, orderId, change, now, now);
    })();
  }

  /** The change is journaled: call inside the journal's transaction. */
  done(requestId: string, now: number): void {
    this.db.prepare("UPDATE order_modifies SET state = 'done', updated_at = ? WHERE request_id = ?").run(now, requestId);
  }

  /** The broker refused the change plainly: the request may be sent again. */
  forget(requestId: string): void {
    this.db.prepare("DELETE FROM order_modifies WHERE request_id = ? AND state = 'sending'").run(requestId);
  }
}
