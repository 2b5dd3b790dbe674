import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE, openDatabase } from '../../src/main/store/db';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../../src/main/store/migrations';
import { tempDir } from '../support/graph';

const open: Database.Database[] = [];
afterEach(() => open.splice(0).forEach((db) => db.close()));

const MODIFIES_VERSION = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE order_modifies')) + 1;
const EXITS_VERSION = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE protective_exits')) + 1;
const API_KEYS_VERSION = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE api_keys')) + 1;

/** Rows a user could have at each schema version, inserted before upgrading. */
const SEED: Record<number, string> = {
  1: `INSERT INTO connections (id, broker, label, environment, created_at, updated_at, is_default)
        VALUES ('${'a'.repeat(32)}', 'zerodha', 'Main', 'live', 1, 1, 1);
      INSERT INTO connection_fields VALUES ('${'a'.repeat(32)}', 'api_key', 1, NULL, 'v1.k.n.c.t', '••••');
      INSERT INTO settings VALUES ('vault.keyId', '"k"');`,
  2: `INSERT INTO audit_log VALUES (1, 1, 'connection.create', '${'a'.repeat(32)}', '{}', '${'0'.repeat(64)}', 'h');`,
  3: `INSERT INTO order_journal (id, client_order_id, mode, broker, symbol, side, quantity, order_type, state, created_at, updated_at)
        VALUES ('o1', 'c1', 'paper', 'paper', 'NSE:INFY', 'BUY', 1, 'MARKET', 'FILLED', 1, 1);`,
  4: `INSERT INTO instruments (broker, symbol, exchange, broker_symbol, token, name, lot_size, tick_size, segment) VALUES ('zerodha', 'NSE:INFY', 'NSE', 'INFY', '408065', 'INFOSYS', 1, 0.05, 'NSE');
      INSERT INTO instrument_masters VALUES ('zerodha', '2026-01-05', 1, 1, 1, NULL);`,
  5: `INSERT INTO paper_accounts (id, currency, decimals, starting_cash_minor, cash_minor, created_at, updated_at)
        VALUES ('default', 'INR', 2, 100000000, 100000000, 1, 1);
      INSERT INTO paper_positions (account_id, symbol, quantity, cost_minor, realized_minor, updated_at) VALUES ('default', 'NSE:INFY', 10, 1500000, 0, 5);
      INSERT INTO paper_orders (account_id, seq, id, client_order_id, symbol, side, quantity, order_type, time_in_force, state,
          filled_quantity, average_price, created_at, updated_at)
        VALUES ('default', 1, 'PAPER-000001', 'c5', 'NSE:INFY', 'BUY', 10, 'MARKET', 'DAY', 'FILLED', 10, 1500, 5, 5);
      INSERT INTO schedules (id, name, time, time_zone, days, orders, created_at) VALUES ('s1', 'Close', '15:10', 'Asia/Kolkata', '[1]', '[]', 1);`,
  6: `INSERT INTO order_journal (id, client_order_id, mode, broker, symbol, side, quantity, order_type, state, created_at, updated_at)
        VALUES ('o6', 'c6', 'live', 'alpaca', 'US:AAPL', 'SELL', 2, 'LIMIT', 'OPEN', 2, 2);`,
  7: `INSERT INTO schedules (id, name, time, time_zone, days, orders, created_at, enabled, resumed_at) VALUES ('s7', 'Open', '09:20', 'Asia/Kolkata', '[2]', '[]', 7, 1, 70);`,
  8: `INSERT INTO paper_positions (account_id, symbol, quantity, cost_minor, realized_minor, price_source, updated_at)
        VALUES ('default', 'US:AAPL', 1, 15000, 0, 'connection:${'a'.repeat(32)}', 8);`,
  9: `INSERT INTO paper_positions (account_id, symbol, quantity, cost_minor, realized_minor, price_source, product, updated_at)
        VALUES ('default', 'NSE:SBIN', -4, -200000, 0, 'simulated', 'MIS', 9);`,
  10: `INSERT INTO instruments (broker, symbol, exchange, broker_symbol, token, name, lot_size, tick_size, segment, expiry) VALUES ('zerodha', 'NFO:NIFTY26DECFUT', 'NFO', 'NIFTY26DECFUT', '1', 'NIFTY', 75, 0.05, 'NFO-FUT', '2026-12-29');`,
  11: `INSERT INTO order_journal (id, client_order_id, mode, broker, symbol, side, quantity, order_type, state, created_at, updated_at, parent_id)
        VALUES ('o11', 'bv-t11-s1', 'paper', 'paper', 'NFO:NIFTY26JANFUT', 'BUY', 1755, 'MARKET', 'FILLED', 11, 11, 't11');`,
  // Numbered by where it sits in MIGRATIONS, so appending or renumbering migrations leaves this seed on its own version.
  [MODIFIES_VERSION]: `INSERT INTO order_modifies (request_id, order_id, change, state, created_at, updated_at) VALUES ('m1', 'o1', '["o1",{"quantity":2}]', 'done', 12, 12);`,
  [EXITS_VERSION]: `INSERT INTO protective_exits (id, request_id, kind, handling, mode, symbol, exit_side, quantity, target_price, stop_price, state, created_at, updated_at)
        VALUES ('x12', 'r12', 'oco', 'managed', 'paper', 'US:AAPL', 'SELL', 1, 110, 90, 'armed', 12, 12);`,
  [API_KEYS_VERSION]: `INSERT INTO api_keys (id, label, key_hash, permission, paper, connection_ids, created_at) VALUES ('k12', 'script', 'h12', 'read', 1, '[]', 12);`,
};

describe('migrations', () => {
  it('has seed data for every version, so every upgrade path is exercised', () => {
    expect(Object.keys(SEED).map(Number)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  for (let from = 0; from < SCHEMA_VERSION; from++) {
    it(`upgrades a database from version ${from} to ${SCHEMA_VERSION} keeping its data`, () => {
      const dir = tempDir();
      const db = new Database(path.join(dir, DB_FILE));
      migrate(db, from);
      for (let v = 1; v <= from; v++) db.exec(SEED[v]!);
      db.close();

      const upgraded = openDatabase(dir);
      open.push(upgraded);
      expect(schemaVersion(upgraded)).toBe(SCHEMA_VERSION);
      if (from >= 1) {
        expect(upgraded.prepare('SELECT label, status FROM connections').get()).toEqual({ label: 'Main', status: 'untested' });
        expect(upgraded.prepare('SELECT ciphertext FROM connection_fields').get()).toEqual({ ciphertext: 'v1.k.n.c.t' });
      }
      if (from >= 2) expect(upgraded.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 1 });
      if (from >= 3) expect(upgraded.prepare("SELECT state FROM order_journal WHERE id = 'o1'").get()).toEqual({ state: 'FILLED' });
      if (from >= 6) expect(upgraded.prepare("SELECT count(*) AS n FROM order_journal WHERE mode = 'live' AND created_at >= 2").get()).toEqual({ n: 1 });
      if (from >= 4)
        expect(upgraded.prepare("SELECT token, expiry FROM instruments WHERE symbol = 'NSE:INFY'").get()).toEqual({ token: '408065', expiry: null });
      if (from >= 10)
        expect(upgraded.prepare("SELECT lot_size, expiry FROM instruments WHERE symbol = 'NFO:NIFTY26DECFUT'").get()).toEqual({
          lot_size: 75,
          expiry: '2026-12-29',
        });
      if (from >= 5) expect(upgraded.prepare('SELECT cash_minor FROM paper_accounts').get()).toEqual({ cash_minor: 100000000 });
      // Schedules from before pausing existed are enabled and were never resumed.
      if (from >= 5) expect(upgraded.prepare("SELECT enabled, resumed_at FROM schedules WHERE id = 's1'").get()).toEqual({ enabled: 1, resumed_at: null });
      // Paper positions and fills from before sources were recorded: positions on the simulated feed, fills unknown.
      if (from >= 5 && from < 8) {
        expect(upgraded.prepare("SELECT price_source FROM paper_positions WHERE symbol = 'NSE:INFY'").get()).toEqual({ price_source: 'simulated' });
        expect(upgraded.prepare("SELECT fill_source FROM paper_orders WHERE id = 'PAPER-000001'").get()).toEqual({ fill_source: null });
      }
      if (from >= 8)
        expect(upgraded.prepare("SELECT price_source FROM paper_positions WHERE symbol = 'US:AAPL'").get()).toEqual({
          price_source: `connection:${'a'.repeat(32)}`,
        });
      // Positions from before shorts existed keep everything and have no product; a short survives later upgrades.
      if (from >= 5 && from < 9)
        expect(upgraded.prepare("SELECT quantity, cost_minor, product FROM paper_positions WHERE symbol = 'NSE:INFY'").get()).toEqual({
          quantity: 10,
          cost_minor: 1500000,
          product: null,
        });
      if (from >= 9)
        expect(upgraded.prepare("SELECT quantity, product FROM paper_positions WHERE symbol = 'NSE:SBIN'").get()).toEqual({ quantity: -4, product: 'MIS' });
      if (from >= MODIFIES_VERSION) expect(upgraded.prepare("SELECT state FROM order_modifies WHERE request_id = 'm1'").get()).toEqual({ state: 'done' });
      expect(upgraded.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(upgraded.pragma('foreign_key_check')).toEqual([]);
    });
  }

  it('refuses a database from a newer version without touching it', () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, DB_FILE));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(dir)).toThrow(/newer BrokerVault/);
  });

  it('rolls back a failing migration as a whole', () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, DB_FILE));
    open.push(db);
    migrate(db, 1);
    // Occupy a name migration 2 creates, so it fails half-way.
    db.exec('CREATE INDEX audit_by_action ON connections (label)');
    expect(() => migrate(db)).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'audit_log'").get()).toBeUndefined();
  });

  it('opens with WAL, foreign keys and full sync', () => {
    const db = openDatabase(tempDir());
    open.push(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
