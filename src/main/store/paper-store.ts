import type { OrderSide, OrderState, OrderType, TimeInForce } from '../../shared/orders';
import type { Holding } from '../trading/paper/ledger';
import { parseOrigin, type PriceOrigin } from '../trading/paper/price-source';
import type { Db } from './db';
import { writeVersion, type WriteVersion } from './write-versions';

export interface AccountRow {
  id: string;
  currency: string;
  decimals: number;
  starting_cash_minor: number;
  cash_minor: number;
  next_order_seq: number;
  created_at: number;
  updated_at: number;
}

export interface OrderRow {
  account_id: string;
  seq: number;
  id: string;
  client_order_id: string;
  symbol: string;
  side: OrderSide;
  quantity: number;
  order_type: OrderType;
  limit_price: number | null;
  stop_price: number | null;
  time_in_force: TimeInForce;
  product: string | null;
  /** The states a paper order can reach (the table's CHECK constraint holds the same four). */
  state: Extract<OrderState, 'OPEN' | 'FILLED' | 'CANCELLED' | 'REJECTED'>;
  triggered_at: number | null;
  filled_quantity: number;
  average_price: number | null;
  reserved_minor: number;
  realized_minor: number | null;
  message: string | null;
  /** The feed the fill's price came from; null while unfilled, and for fills made before sources were recorded. */
  fill_source: PriceOrigin | null;
  created_at: number;
  updated_at: number;
}

export interface PositionRow {
  symbol: string;
  quantity: number;
  cost_minor: number;
  realized_minor: number;
  /** The one feed that values this position while it is open (and prices its next fills). */
  price_source: PriceOrigin;
  /** The product of the order that opened it from flat (decides its short margin and intraday square-off). */
  product: string | null;
  /** Its last fill (an intraday position filled before the square-off time is due to be closed). */
  updated_at: number;
}

export interface ResetRow {
  at: number;
  previous_starting_cash_minor: number;
  previous_cash_minor: number;
  previous_equity_minor: number | null;
  previous_realized_minor: number;
  orders_cleared: number;
  new_starting_cash_minor: number;
}

const ORDER_COLUMNS = `account_id, seq, id, client_order_id, symbol, side, quantity, order_type, limit_price, stop_price,
  time_in_force, product, state, triggered_at, filled_quantity, average_price, reserved_minor, realized_minor, message,
  fill_source, created_at, updated_at`;
const ORDER_PARAMS = ORDER_COLUMNS.split(',')
  .map((c) => `@${c.trim()}`)
  .join(', ');

const POSITION_COLUMNS = 'symbol, quantity, cost_minor, realized_minor, price_source, product, updated_at';

function toPositionRow(row: PositionRow): PositionRow {
  return { ...row, price_source: parseOrigin(row.price_source) };
}

/** SQL for one paper account. Plain reads and writes: the rules live in book.ts and ledger.ts. */
export class PaperStore {
  private readonly orders: WriteVersion;

  constructor(
    private readonly db: Db,
    readonly accountId: string,
  ) {
    this.orders = writeVersion(db, 'paper_orders');
  }

  /**
   * A number that changes before every write to the paper orders (placed, filled, changed, cleared by a reset) and is
   * unique in this process: what is made from the orders (the trade book) is good while it stays the same. Only this
   * file writes paper_orders (test/unit/single-writers.test.ts).
   */
  ordersVersion(): number {
    return this.orders.current();
  }

  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  account(): AccountRow | null {
    return (this.db.prepare('SELECT * FROM paper_accounts WHERE id = ?').get(this.accountId) as AccountRow | undefined) ?? null;
  }

  createAccount(currency: string, decimals: number, startingMinor: number, at: number): void {
    this.db
      .prepare(
        `INSERT INTO paper_accounts (id, currency, decimals, starting_cash_minor, cash_minor, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(this.accountId, currency, decimals, startingMinor, startingMinor, at, at);
  }

  setCash(cashMinor: number, at: number): void {
    this.db.prepare('UPDATE paper_accounts SET cash_minor = ?, updated_at = ? WHERE id = ?').run(cashMinor, at, this.accountId);
  }

  /** Next order sequence number; it keeps counting across resets. */
  takeOrderSeq(): number {
    const row = this.db
      .prepare('UPDATE paper_accounts SET next_order_seq = next_order_seq + 1 WHERE id = ? RETURNING next_order_seq - 1 AS seq')
      .get(this.accountId) as { seq: number };
    return row.seq;
  }

  insertOrder(row: OrderRow): void {
    this.orders.bump();
    this.db.prepare(`INSERT INTO paper_orders (${ORDER_COLUMNS}) VALUES (${ORDER_PARAMS})`).run(row);
  }

  updateOrder(row: OrderRow): void {
    this.orders.bump();
    this.db
      .prepare(
        `UPDATE paper_orders SET state = @state, triggered_at = @triggered_at, filled_quantity = @filled_quantity,
           average_price = @average_price, reserved_minor = @reserved_minor, realized_minor = @realized_minor,
           message = @message, fill_source = @fill_source, updated_at = @updated_at
         WHERE account_id = @account_id AND seq = @seq`,
      )
      .run(row);
  }

  /** A resting order's new terms after a modify (quantity, type, prices, reservation, message). */
  amendOrder(row: OrderRow): void {
    this.orders.bump();
    this.db
      .prepare(
        `UPDATE paper_orders SET quantity = @quantity, order_type = @order_type, limit_price = @limit_price, stop_price = @stop_price,
           triggered_at = @triggered_at, reserved_minor = @reserved_minor, message = @message, updated_at = @updated_at
         WHERE account_id = @account_id AND seq = @seq`,
      )
      .run(row);
  }

  order(id: string): OrderRow | null {
    const sql = 'SELECT * FROM paper_orders WHERE account_id = ? AND id = ?';
    return (this.db.prepare(sql).get(this.accountId, id) as OrderRow | undefined) ?? null;
  }

  orderByClientId(clientOrderId: string): OrderRow | null {
    const sql = 'SELECT * FROM paper_orders WHERE account_id = ? AND client_order_id = ?';
    return (this.db.prepare(sql).get(this.accountId, clientOrderId) as OrderRow | undefined) ?? null;
  }

  /** Open orders, oldest first: the order in which they are matched. */
  openOrders(): OrderRow[] {
    const sql = "SELECT * FROM paper_orders WHERE account_id = ? AND state = 'OPEN' ORDER BY seq";
    return this.db.prepare(sql).all(this.accountId) as OrderRow[];
  }

  /** The order history, newest first. */
  allOrders(): OrderRow[] {
    return this.db.prepare('SELECT * FROM paper_orders WHERE account_id = ? ORDER BY seq DESC').all(this.accountId) as OrderRow[];
  }

  /** Cash blocked by open buy orders, optionally leaving one order out. */
  reservedMinor(exceptSeq = -1): number {
    const sql = "SELECT COALESCE(SUM(reserved_minor), 0) AS s FROM paper_orders WHERE account_id = ? AND state = 'OPEN' AND seq <> ?";
    return (this.db.prepare(sql).get(this.accountId, exceptSeq) as { s: number }).s;
  }

  /** Quantity of `symbol` already promised to open sell orders, optionally leaving one order out. */
  committedToSells(symbol: string, exceptSeq = -1): number {
    const sql = `SELECT COALESCE(SUM(quantity), 0) AS s FROM paper_orders
      WHERE account_id = ? AND state = 'OPEN' AND side = 'SELL' AND symbol = ? AND seq <> ?`;
    return (this.db.prepare(sql).get(this.accountId, symbol, exceptSeq) as { s: number }).s;
  }

  /** Whether any open position or open order carries one of `products` (a cheap check before the square-off). */
  hasProduct(products: readonly string[]): boolean {
    const marks = products.map(() => '?').join(', ');
    const sql = `SELECT EXISTS (SELECT 1 FROM paper_positions WHERE account_id = ? AND quantity <> 0 AND product IN (${marks}))
      OR EXISTS (SELECT 1 FROM paper_orders WHERE account_id = ? AND state = 'OPEN' AND product IN (${marks})) AS found`;
    return (this.db.prepare(sql).get(this.accountId, ...products, this.accountId, ...products) as { found: number }).found === 1;
  }

  position(symbol: string): PositionRow | null {
    const sql = `SELECT ${POSITION_COLUMNS} FROM paper_positions WHERE account_id = ? AND symbol = ?`;
    const row = this.db.prepare(sql).get(this.accountId, symbol) as PositionRow | undefined;
    return row ? toPositionRow(row) : null;
  }

  positions(): PositionRow[] {
    const sql = `SELECT ${POSITION_COLUMNS} FROM paper_positions WHERE account_id = ? ORDER BY symbol`;
    return (this.db.prepare(sql).all(this.accountId) as PositionRow[]).map(toPositionRow);
  }

  savePosition(symbol: string, h: Holding, source: PriceOrigin, product: string | null, at: number): void {
    this.db
      .prepare(
        `INSERT INTO paper_positions (account_id, symbol, quantity, cost_minor, realized_minor, price_source, product, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, symbol) DO UPDATE SET
           quantity = excluded.quantity, cost_minor = excluded.cost_minor, realized_minor = excluded.realized_minor,
           price_source = excluded.price_source, product = excluded.product, updated_at = excluded.updated_at`,
      )
      .run(this.accountId, symbol, h.quantity, h.costMinor, h.realizedMinor, source, product, at);
  }

  /** Record the reset, then wipe orders and positions and start again with `startingMinor` cash. */
  reset(record: ResetRow, startingMinor: number): void {
    this.db
      .prepare(
        `INSERT INTO paper_resets (account_id, at, previous_starting_cash_minor, previous_cash_minor, previous_equity_minor,
           previous_realized_minor, orders_cleared, new_starting_cash_minor)
         VALUES (@account_id, @at, @previous_starting_cash_minor, @previous_cash_minor, @previous_equity_minor,
           @previous_realized_minor, @orders_cleared, @new_starting_cash_minor)`,
      )
      .run({ ...record, account_id: this.accountId });
    this.orders.bump();
    this.db.prepare('DELETE FROM paper_orders WHERE account_id = ?').run(this.accountId);
    this.db.prepare('DELETE FROM paper_positions WHERE account_id = ?').run(this.accountId);
    this.db
      .prepare('UPDATE paper_accounts SET starting_cash_minor = ?, cash_minor = ?, updated_at = ? WHERE id = ?')
      .run(startingMinor, startingMinor, record.at, this.accountId);
  }

  orderCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM paper_orders WHERE account_id = ?').get(this.accountId) as { n: number }).n;
  }

  resets(): ResetRow[] {
    const sql = `SELECT at, previous_starting_cash_minor, previous_cash_minor, previous_equity_minor, previous_realized_minor,
      orders_cleared, new_starting_cash_minor FROM paper_resets WHERE account_id = ? ORDER BY seq`;
    return this.db.prepare(sql).all(this.accountId) as ResetRow[];
  }
}
