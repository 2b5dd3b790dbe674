/**
 * Paper trading tables (migration 5; never edit it once released).
 *
 * Money is stored as INTEGER minor units (paise, cents; `decimals` per account) so cash and P&L never
 * drift; prices and quantities are REAL, quantities rounded to 1e-8 before they are written.
 * Order ids keep counting across resets (`next_order_seq`) so an id never points at two orders.
 */
export const PAPER_SCHEMA_SQL = `
  CREATE TABLE paper_accounts (
    id TEXT PRIMARY KEY,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    decimals INTEGER NOT NULL CHECK (decimals BETWEEN 0 AND 8),
    starting_cash_minor INTEGER NOT NULL CHECK (starting_cash_minor > 0),
    cash_minor INTEGER NOT NULL,
    next_order_seq INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE paper_orders (
    account_id TEXT NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    client_order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    quantity REAL NOT NULL CHECK (quantity > 0),
    order_type TEXT NOT NULL CHECK (order_type IN ('MARKET', 'LIMIT', 'STOP', 'STOP_LIMIT')),
    limit_price REAL,
    stop_price REAL,
    time_in_force TEXT NOT NULL CHECK (time_in_force IN ('DAY', 'IOC', 'GTC')),
    product TEXT,
    state TEXT NOT NULL CHECK (state IN ('OPEN', 'FILLED', 'CANCELLED', 'REJECTED')),
    triggered_at INTEGER,
    filled_quantity REAL NOT NULL DEFAULT 0,
    average_price REAL,
    reserved_minor INTEGER NOT NULL DEFAULT 0 CHECK (reserved_minor >= 0),
    realized_minor INTEGER,
    message TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, seq),
    UNIQUE (account_id, id),
    UNIQUE (account_id, client_order_id)
  );
  CREATE INDEX paper_orders_by_state ON paper_orders (account_id, state, seq);

  CREATE TABLE paper_positions (
    account_id TEXT NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
    symbol TEXT NOT NULL,
    quantity REAL NOT NULL CHECK (quantity >= 0),
    cost_minor INTEGER NOT NULL,
    realized_minor INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, symbol)
  ) WITHOUT ROWID;

  -- One row per reset: what the account looked like just before it was wiped.
  CREATE TABLE paper_resets (
    seq INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    previous_starting_cash_minor INTEGER NOT NULL,
    previous_cash_minor INTEGER NOT NULL,
    previous_equity_minor INTEGER,
    previous_realized_minor INTEGER NOT NULL,
    orders_cleared INTEGER NOT NULL,
    new_starting_cash_minor INTEGER NOT NULL
  );
  CREATE INDEX paper_resets_by_account ON paper_resets (account_id, seq);
`;

/**
 * Migration 8: which feed prices each position ('simulated' or 'connection:<id>') and priced each fill.
 * Rows from before it get 'simulated' for positions: BrokerVault prices with no valid connection (the default) are
 * simulated, and which feed priced an older position is not recorded anywhere, so it is valued on the simulated
 * feed from now on rather than on a broker's. Older fills get NULL: their feed is unknown and is shown so.
 */
export const PAPER_SOURCES_SQL = `
  ALTER TABLE paper_positions ADD COLUMN price_source TEXT NOT NULL DEFAULT 'simulated';
  ALTER TABLE paper_orders ADD COLUMN fill_source TEXT;
`;

/**
 * Migration 9: short positions and products. A short is a negative quantity whose cost basis is negative (the
 * proceeds), so the quantity CHECK goes; SQLite cannot drop a CHECK, hence the copy. `product` is the product of
 * the order that opened the position from flat (NULL before this migration and for orders without one), which
 * decides its short margin and whether the intraday square-off closes it.
 */
export const PAPER_SHORTS_SQL = `
  CREATE TABLE paper_positions_v9 (
    account_id TEXT NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
    symbol TEXT NOT NULL,
    quantity REAL NOT NULL,
    cost_minor INTEGER NOT NULL,
    realized_minor INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    price_source TEXT NOT NULL DEFAULT 'simulated',
    product TEXT,
    PRIMARY KEY (account_id, symbol)
  ) WITHOUT ROWID;
  INSERT INTO paper_positions_v9 (account_id, symbol, quantity, cost_minor, realized_minor, updated_at, price_source)
    SELECT account_id, symbol, quantity, cost_minor, realized_minor, updated_at, price_source FROM paper_positions;
  DROP TABLE paper_positions;
  ALTER TABLE paper_positions_v9 RENAME TO paper_positions;
`;
