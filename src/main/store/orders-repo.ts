import { OPEN_ORDER_STATES, type OrderSide, type OrderState, type OrderType } from '../../shared/orders';
import type { Mode, OrderView } from '../../shared/schemas';
import type { Db } from './db';
import { writeVersion, type WriteVersion } from './write-versions';

interface JournalRow {
  id: string;
  client_order_id: string;
  connection_id: string | null;
  mode: Mode;
  broker: string;
  symbol: string;
  side: OrderSide;
  quantity: number;
  order_type: OrderType;
  price: number | null;
  trigger_price: number | null;
  product: string | null;
  state: OrderState;
  broker_order_id: string | null;
  filled_quantity: number;
  average_price: number | null;
  message: string | null;
  source: OrderView['source'];
  created_at: number;
  updated_at: number;
  parent_id: string | null;
}

function toView(r: JournalRow): OrderView {
  return {
    id: r.id,
    clientOrderId: r.client_order_id,
    mode: r.mode,
    connectionId: r.connection_id,
    broker: r.broker,
    symbol: r.symbol,
    side: r.side,
    quantity: r.quantity,
    type: r.order_type,
    limitPrice: r.price,
    stopPrice: r.trigger_price,
    product: r.product,
    state: r.state,
    brokerOrderId: r.broker_order_id,
    filledQuantity: r.filled_quantity,
    averagePrice: r.average_price,
    message: r.message,
    source: r.source,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    parentId: r.parent_id,
  };
}

export type NewJournalEntry = Omit<OrderView, 'brokerOrderId' | 'filledQuantity' | 'averagePrice' | 'message' | 'updatedAt' | 'state' | 'parentId'> & {
  /** The parent ticket's id when this order is one slice of an order split at the freeze quantity. */
  parentId?: string | null;
};

export interface JournalUpdate {
  state: OrderState;
  brokerOrderId?: string | null;
  filledQuantity?: number;
  averagePrice?: number | null;
  message?: string | null;
}

type ListFilter = { mode?: Mode; before?: number; limit: number };

/** How many distinct list filters keep their last answer (the window's and the local API's few). */
const KEPT_LISTS = 8;

/** The local order journal: every order is written here before it is sent, and updated with what really happened. */
export class OrdersRepo {
  /** Moves before every write to order_journal, which only this file writes (test/unit/single-writers.test.ts). */
  private readonly journal: WriteVersion;
  /** The last answer per list filter, with the version it was read at; the views are frozen, so safe to share. */
  private readonly kept = new Map<string, { version: number; views: readonly OrderView[] }>();

  constructor(private readonly db: Db) {
    this.journal = writeVersion(db, 'order_journal');
  }

  /** The journal's version: a new number on every write, unique in this process (a key for answers made from it). */
  version(): number {
    return this.journal.current();
  }

  insert(entry: NewJournalEntry): void {
    this.journal.bump();
    this.db
      .prepare(
        `INSERT INTO order_journal (id, client_order_id, connection_id, mode, broker, symbol, side, quantity, order_type, price,
           trigger_price, product, state, source, created_at, updated_at, parent_id)
         VALUES (@id, @clientOrderId, @connectionId, @mode, @broker, @symbol, @side, @quantity, @type, @limitPrice,
           @stopPrice, @product, 'PENDING', @source, @createdAt, @createdAt, @parentId)`,
      )
      .run({ ...entry, parentId: entry.parentId ?? null });
  }

  update(id: string, update: JournalUpdate, now: number): void {
    this.journal.bump();
    this.db
      .prepare(
        `UPDATE order_journal SET state = @state,
           broker_order_id = COALESCE(@brokerOrderId, broker_order_id),
           filled_quantity = COALESCE(@filledQuantity, filled_quantity),
           average_price = COALESCE(@averagePrice, average_price),
           message = @message, updated_at = @now
         WHERE id = @id`,
      )
      .run({
        id,
        now,
        state: update.state,
        brokerOrderId: update.brokerOrderId ?? null,
        filledQuantity: update.filledQuantity ?? null,
        averagePrice: update.averagePrice ?? null,
        message: update.message ?? null,
      });
  }

  /** A working order's new terms after a modify the broker accepted. */
  amend(id: string, terms: Pick<OrderView, 'quantity' | 'type' | 'limitPrice' | 'stopPrice'>, now: number): void {
    this.journal.bump();
    this.db
      .prepare(
        'UPDATE order_journal SET quantity = @quantity, order_type = @type, price = @limitPrice, trigger_price = @stopPrice, updated_at = @now WHERE id = @id',
      )
      .run({ id, now, ...terms });
  }

  get(id: string): OrderView | null {
    const row = this.db.prepare<[string], JournalRow>('SELECT * FROM order_journal WHERE id = ?').get(id);
    return row ? toView(row) : null;
  }

  byClientOrderId(clientOrderId: string): OrderView | null {
    const row = this.db.prepare<[string], JournalRow>('SELECT * FROM order_journal WHERE client_order_id = ?').get(clientOrderId);
    return row ? toView(row) : null;
  }

  /** The slices of one split order, in the order they were sent. */
  byParent(parentId: string): OrderView[] {
    return this.db.prepare<[string], JournalRow>('SELECT * FROM order_journal WHERE parent_id = ? ORDER BY created_at, rowid').all(parentId).map(toView);
  }

  byBrokerOrderId(mode: Mode, connectionId: string | null, brokerOrderId: string): OrderView | null {
    const row = this.db
      .prepare<[string, string | null, string], JournalRow>('SELECT * FROM order_journal WHERE mode = ? AND connection_id IS ? AND broker_order_id = ?')
      .get(mode, connectionId, brokerOrderId);
    return row ? toView(row) : null;
  }

  /**
   * The newest orders (by creation), for the window and the local API's books. An answer is kept until the next
   * journal write, so polling it costs nothing while nothing changes. Reads inside a transaction are never kept: they
   * see writes that may still be rolled back. The list is the caller's own; its orders are frozen (shared).
   */
  list(filter: ListFilter): OrderView[] {
    const key = `${filter.mode ?? ''}|${filter.before ?? ''}|${filter.limit}`;
    const kept = this.kept.get(key);
    const version = this.journal.current();
    if (kept && kept.version === version) return kept.views.slice();
    const views = this.read(filter).map((view) => Object.freeze(view));
    if (!this.db.inTransaction) {
      if (this.kept.size >= KEPT_LISTS && !this.kept.has(key)) this.kept.clear();
      this.kept.set(key, { version, views });
    }
    return views.slice();
  }

  private read(filter: ListFilter): OrderView[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.mode) {
      where.push('mode = ?');
      params.push(filter.mode);
    }
    if (filter.before) {
      where.push('created_at < ?');
      params.push(filter.before);
    }
    const sql = `SELECT * FROM order_journal ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    return this.db
      .prepare<(string | number)[], JournalRow>(sql)
      .all(...params, filter.limit)
      .map(toView);
  }

  open(): OrderView[] {
    const marks = OPEN_ORDER_STATES.map(() => '?').join(', ');
    return this.db
      .prepare<string[], JournalRow>(`SELECT * FROM order_journal WHERE state IN (${marks}) ORDER BY created_at`)
      .all(...OPEN_ORDER_STATES)
      .map(toView);
  }

  /** Filled (or partly filled) orders of one account recorded in [since, until), oldest first: the P&L curve's fills. */
  filled(mode: Mode, connectionId: string | null, since: number, until: number): OrderView[] {
    return this.db
      .prepare<[Mode, string | null, number, number], JournalRow>(
        `SELECT * FROM order_journal WHERE mode = ? AND connection_id IS ? AND filled_quantity > 0 AND average_price IS NOT NULL
           AND updated_at >= ? AND updated_at < ? ORDER BY updated_at, rowid`,
      )
      .all(mode, connectionId, since, until)
      .map(toView);
  }

  countSince(mode: Mode, since: number): number {
    return (
      this.db
        .prepare("SELECT count(*) AS n FROM order_journal WHERE mode = ? AND created_at >= ? AND source NOT IN ('killswitch', 'squareoff')")
        .get(mode, since) as { n: number }
    ).n;
  }
}
