import type Database from 'better-sqlite3';
import { PAPER_SCHEMA_SQL, PAPER_SHORTS_SQL, PAPER_SOURCES_SQL } from './paper-schema';
import { SCHEDULES_SQL } from '../trading/schedules-schema';

/**
 * Forward-only schema migrations, keyed on SQLite's `user_version`. Migration N takes a database at
 * version N-1 to N. Never edit a released migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: connections, their fields (secret ones encrypted) and app settings
  `
  CREATE TABLE connections (
    id TEXT PRIMARY KEY,
    broker TEXT NOT NULL,
    label TEXT NOT NULL,
    environment TEXT NOT NULL CHECK (environment IN ('live', 'sandbox', 'paper')),
    api_host TEXT,
    status TEXT NOT NULL DEFAULT 'untested'
      CHECK (status IN ('untested', 'valid', 'invalid', 'expired', 'error')),
    last_validated_at INTEGER,
    last_error TEXT,
    token_expires_at INTEGER,
    account_masked TEXT,
    account_type TEXT,
    buying_power REAL,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (broker, label)
  );
  CREATE UNIQUE INDEX connections_one_default ON connections (is_default) WHERE is_default = 1;

  CREATE TABLE connection_fields (
    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    is_secret INTEGER NOT NULL CHECK (is_secret IN (0, 1)),
    value TEXT,
    ciphertext TEXT,
    preview TEXT NOT NULL,
    PRIMARY KEY (connection_id, name),
    CHECK ((is_secret = 1 AND value IS NULL AND ciphertext IS NOT NULL)
        OR (is_secret = 0 AND ciphertext IS NULL AND value IS NOT NULL))
  );

  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: the append-only, hash-chained audit log
  `
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    connection_id TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX audit_by_connection ON audit_log (connection_id, seq);
  CREATE INDEX audit_by_action ON audit_log (action, seq);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
  `,
  // 3: connection health details and the local order journal
  `
  ALTER TABLE connections ADD COLUMN latency_ms REAL;
  ALTER TABLE connections ADD COLUMN currency TEXT;

  CREATE TABLE order_journal (
    id TEXT PRIMARY KEY,
    client_order_id TEXT NOT NULL UNIQUE,
    connection_id TEXT,
    mode TEXT NOT NULL CHECK (mode IN ('paper', 'live')),
    broker TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    quantity REAL NOT NULL CHECK (quantity > 0),
    order_type TEXT NOT NULL,
    price REAL,
    trigger_price REAL,
    product TEXT,
    state TEXT NOT NULL,
    broker_order_id TEXT,
    filled_quantity REAL NOT NULL DEFAULT 0,
    average_price REAL,
    message TEXT,
    source TEXT NOT NULL DEFAULT 'ui',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX order_journal_by_connection ON order_journal (connection_id, created_at);
  CREATE INDEX order_journal_by_state ON order_journal (state);
  `,
  // 4: cached broker instrument masters (symbol -> broker token), refreshed daily
  `
  CREATE TABLE instruments (
    broker TEXT NOT NULL,
    symbol TEXT NOT NULL,
    exchange TEXT NOT NULL,
    broker_symbol TEXT NOT NULL,
    token TEXT NOT NULL,
    name TEXT NOT NULL,
    lot_size REAL NOT NULL,
    tick_size REAL NOT NULL,
    segment TEXT NOT NULL,
    PRIMARY KEY (broker, symbol)
  ) WITHOUT ROWID;
  CREATE INDEX instruments_by_name ON instruments (broker, name);

  CREATE TABLE instrument_masters (
    broker TEXT PRIMARY KEY,
    day TEXT,
    fetched_at INTEGER,
    count INTEGER NOT NULL DEFAULT 0,
    last_attempt_at INTEGER,
    last_error TEXT
  );
  `,
  // 5: the paper trading engine's account, orders and positions, and scheduled order baskets
  PAPER_SCHEMA_SQL + SCHEDULES_SQL,
  // 6: journal indexes for the per-order limit check (orders per minute) and the newest-first list
  `
  CREATE INDEX order_journal_by_mode_time ON order_journal (mode, created_at);
  CREATE INDEX order_journal_by_time ON order_journal (created_at);
  `,
  // 7: when a paused schedule was resumed, so occurrences while it was paused are neither run nor reported missed
  `
  ALTER TABLE schedules ADD COLUMN resumed_at INTEGER;
  `,
  // 8: the feed that prices each paper position and priced each paper fill (see docs/paper-trading.md)
  PAPER_SOURCES_SQL,
  // 9: short paper positions (negative quantities) and the product each position was opened with
  PAPER_SHORTS_SQL,
  // 10: the expiry of derivatives in the instrument masters (the paper engine refuses orders on expired contracts)
  `
  ALTER TABLE instruments ADD COLUMN expiry TEXT;
  `,
  // 11: slices of an order split at the exchange's freeze quantity share their parent ticket's id
  `
  ALTER TABLE order_journal ADD COLUMN parent_id TEXT;
  CREATE INDEX order_journal_by_parent ON order_journal (parent_id) WHERE parent_id IS NOT NULL;
  `,
  // 12: modify requests by request id, so a retried modify stays idempotent across a restart (see trading/modify-requests.ts)
  `
  CREATE TABLE order_modifies (
    request_id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES order_journal (id),
    change TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sending', 'done')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX order_modifies_by_time ON order_modifies (created_at);
  `,
  // 13: protective exits (bracket, stop-loss with target, trailing): managed ones are re-armed from here on start
  `
  CREATE TABLE protective_exits (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    handling TEXT NOT NULL,
    mode TEXT NOT NULL,
    connection_id TEXT,
    symbol TEXT NOT NULL,
    exit_side TEXT NOT NULL,
    quantity REAL NOT NULL,
    product TEXT,
    entry_type TEXT,
    entry_limit REAL,
    target_price REAL,
    stop_price REAL,
    stop_limit_price REAL,
    trail_amount REAL,
    trail_percent REAL,
    trail_best REAL,
    state TEXT NOT NULL,
    entry_order_id TEXT,
    exit_order_id TEXT,
    triggered_by TEXT,
    group_id TEXT,
    message TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX protective_exits_by_state ON protective_exits (state);
  `,
  // 14: local API keys (only a SHA-256 of each 256-bit key is kept), each bound to connections or the paper account
  `
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    permission TEXT NOT NULL CHECK (permission IN ('read', 'trade')),
    paper INTEGER NOT NULL DEFAULT 0 CHECK (paper IN (0, 1)),
    connection_ids TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Apply each pending migration in its own transaction; a failure leaves the previous version intact. */
/** The database was written by a newer BrokerVault: this version leaves it untouched. */
export class NewerSchemaError extends Error {
  constructor(readonly version: number) {
    super(`This data was written by a newer BrokerVault (schema ${version}); this version understands up to ${SCHEMA_VERSION}.`);
    this.name = 'NewerSchemaError';
  }
}

export function migrate(db: Database.Database, target: number = SCHEMA_VERSION, migrations: readonly string[] = MIGRATIONS): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new NewerSchemaError(current);
  }
  for (let version = current + 1; version <= target; version++) {
    db.transaction(() => {
      db.exec(migrations[version - 1]!);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
