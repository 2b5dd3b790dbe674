import type { ExitHandling, ExitState, ExitView } from '../../shared/exit-schemas';
import type { ExitKind, ExitLegRole } from '../../shared/exits';
import type { Mode } from '../../shared/schemas';
import type { OrderSide } from '../../shared/orders';
import type { Db } from './db';

interface ExitRow {
  id: string;
  request_id: string;
  kind: ExitKind;
  handling: ExitHandling;
  mode: Mode;
  connection_id: string | null;
  symbol: string;
  exit_side: OrderSide;
  quantity: number;
  product: string | null;
  entry_type: 'MARKET' | 'LIMIT' | null;
  entry_limit: number | null;
  target_price: number | null;
  stop_price: number | null;
  stop_limit_price: number | null;
  trail_amount: number | null;
  trail_percent: number | null;
  trail_best: number | null;
  state: ExitState;
  entry_order_id: string | null;
  exit_order_id: string | null;
  triggered_by: ExitLegRole | null;
  group_id: string | null;
  message: string | null;
  created_at: number;
  updated_at: number;
}

/** An exit as stored, with the product it trades under (not shown). */
export type StoredExit = Omit<ExitView, 'currentStop'> & { requestId: string; product: string | null };

export type NewExit = Omit<StoredExit, 'trailBest' | 'entryOrderId' | 'exitOrderId' | 'triggeredBy' | 'groupId' | 'message' | 'updatedAt'> & {
  trailBest?: number | null;
};

/** The fields a state change may set. */
export interface ExitUpdate {
  state?: ExitState;
  entryOrderId?: string;
  exitOrderId?: string;
  triggeredBy?: ExitLegRole;
  groupId?: string;
  message?: string | null;
  quantity?: number;
  trailBest?: number;
}

function fromRow(r: ExitRow): StoredExit {
  return {
    id: r.id,
    requestId: r.request_id,
    kind: r.kind,
    handling: r.handling,
    mode: r.mode,
    connectionId: r.connection_id,
    symbol: r.symbol,
    exitSide: r.exit_side,
    quantity: r.quantity,
    product: r.product,
    entry: r.entry_type ? { type: r.entry_type, limitPrice: r.entry_limit } : null,
    targetPrice: r.target_price,
    stopPrice: r.stop_price,
    stopLimitPrice: r.stop_limit_price,
    trail: r.trail_amount !== null ? { amount: r.trail_amount } : r.trail_percent !== null ? { percent: r.trail_percent } : null,
    trailBest: r.trail_best,
    state: r.state,
    entryOrderId: r.entry_order_id,
    exitOrderId: r.exit_order_id,
    triggeredBy: r.triggered_by,
    groupId: r.group_id,
    message: r.message,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const COLUMNS: Record<keyof ExitUpdate, string> = {
  state: 'state',
  entryOrderId: 'entry_order_id',
  exitOrderId: 'exit_order_id',
  triggeredBy: 'triggered_by',
  groupId: 'group_id',
  message: 'message',
  quantity: 'quantity',
  trailBest: 'trail_best',
};

/** The protective_exits table; the caller owns transactions. */
export class ExitsRepo {
  constructor(private readonly db: Db) {}

  get(id: string): StoredExit | null {
    const row = this.db.prepare<[string], ExitRow>('SELECT * FROM protective_exits WHERE id = ?').get(id);
    return row ? fromRow(row) : null;
  }

  byRequestId(requestId: string): StoredExit | null {
    const row = this.db.prepare<[string], ExitRow>('SELECT * FROM protective_exits WHERE request_id = ?').get(requestId);
    return row ? fromRow(row) : null;
  }

  /** Exits in any of these states, oldest first. */
  inStates(states: readonly ExitState[]): StoredExit[] {
    const marks = states.map(() => '?').join(', ');
    return this.db
      .prepare<ExitState[], ExitRow>(`SELECT * FROM protective_exits WHERE state IN (${marks}) ORDER BY created_at, id`)
      .all(...states)
      .map(fromRow);
  }

  /** The newest exits first. */
  list(limit: number): StoredExit[] {
    return this.db.prepare<[number], ExitRow>('SELECT * FROM protective_exits ORDER BY created_at DESC, id DESC LIMIT ?').all(limit).map(fromRow);
  }

  insert(e: NewExit): void {
    this.db
      .prepare(
        `INSERT INTO protective_exits (id, request_id, kind, handling, mode, connection_id, symbol, exit_side, quantity, product,
           entry_type, entry_limit, target_price, stop_price, stop_limit_price, trail_amount, trail_percent, trail_best, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.id,
        e.requestId,
        e.kind,
        e.handling,
        e.mode,
        e.connectionId,
        e.symbol,
        e.exitSide,
        e.quantity,
        e.product,
        e.entry?.type ?? null,
        e.entry?.limitPrice ?? null,
        e.targetPrice,
        e.stopPrice,
        e.stopLimitPrice,
        e.trail && 'amount' in e.trail ? e.trail.amount : null,
        e.trail && 'percent' in e.trail ? e.trail.percent : null,
        e.trailBest ?? null,
        e.state,
        e.createdAt,
        e.createdAt,
      );
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM protective_exits WHERE id = ?').run(id);
  }

  /**
   * Apply `update` only while the exit is in one of `from` (compare and set): true when it was. Two decisions about
   * one exit (a trigger and a cancel) can never both pass.
   */
  transition(id: string, from: readonly ExitState[], update: ExitUpdate, now: number): boolean {
    const entries = Object.entries(update).filter(([, v]) => v !== undefined) as [keyof ExitUpdate, unknown][];
    const sets = [...entries.map(([k]) => `${COLUMNS[k]} = ?`), 'updated_at = ?'].join(', ');
    const marks = from.map(() => '?').join(', ');
    const result = this.db
      .prepare(`UPDATE protective_exits SET ${sets} WHERE id = ? AND state IN (${marks})`)
      .run(...entries.map(([, v]) => v), now, id, ...from);
    return result.changes === 1;
  }
}
