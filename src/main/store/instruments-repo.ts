import type { BrokerId } from '../../shared/brokers';
import type { Instrument, InstrumentMaster } from '../brokers/types';
import type { Db } from './db';
import { writeVersion } from './write-versions';

interface InstrumentRow {
  symbol: string;
  exchange: string;
  broker_symbol: string;
  token: string;
  name: string;
  lot_size: number;
  tick_size: number;
  segment: string;
  expiry: string | null;
}

export interface MasterStatus {
  day: string | null;
  fetchedAt: number | null;
  count: number;
  lastAttemptAt: number | null;
  lastError: string | null;
}

const toInstrument = (r: InstrumentRow): Instrument => ({
  symbol: r.symbol,
  exchange: r.exchange,
  brokerSymbol: r.broker_symbol,
  token: r.token,
  name: r.name,
  lotSize: r.lot_size,
  tickSize: r.tick_size,
  segment: r.segment,
  ...(r.expiry ? { expiry: r.expiry } : {}),
});

/** The SQLite cache of each broker's instrument master, with the day it was downloaded. */
export class InstrumentsRepo {
  constructor(private readonly db: Db) {}

  /**
   * Which copy of a broker's master the database holds now: answers mapped through a master are kept under it, and
   * a new download gives a new number. Unique across databases in this process (tests run many in one).
   */
  copy(broker: BrokerId): number {
    return writeVersion(this.db, `instruments:${broker}`).current();
  }

  status(broker: BrokerId): MasterStatus {
    const row = this.db
      .prepare<[string], { day: string | null; fetched_at: number | null; count: number; last_attempt_at: number | null; last_error: string | null }>(
        'SELECT day, fetched_at, count, last_attempt_at, last_error FROM instrument_masters WHERE broker = ?',
      )
      .get(broker);
    return row
      ? { day: row.day, fetchedAt: row.fetched_at, count: row.count, lastAttemptAt: row.last_attempt_at, lastError: row.last_error }
      : { day: null, fetchedAt: null, count: 0, lastAttemptAt: null, lastError: null };
  }

  /** Replace the whole master in one transaction: readers see yesterday's list or today's, never half of one. */
  replace(broker: BrokerId, instruments: Instrument[], day: string, now: number): void {
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO instruments (broker, symbol, exchange, broker_symbol, token, name, lot_size, tick_size, segment, expiry)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Before the write, so nothing made from the old copy is kept under the new one's number.
    writeVersion(this.db, `instruments:${broker}`).bump();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM instruments WHERE broker = ?').run(broker);
      for (const i of instruments)
        insert.run(broker, i.symbol, i.exchange, i.brokerSymbol, i.token, i.name, i.lotSize, i.tickSize, i.segment, i.expiry ?? null);
      this.db
        .prepare(
          `INSERT INTO instrument_masters (broker, day, fetched_at, count, last_attempt_at, last_error) VALUES (?, ?, ?, ?, ?, NULL)
           ON CONFLICT (broker) DO UPDATE SET day = excluded.day, fetched_at = excluded.fetched_at, count = excluded.count,
             last_attempt_at = excluded.last_attempt_at, last_error = NULL`,
        )
        .run(broker, day, now, instruments.length, now);
    })();
  }

  recordFailure(broker: BrokerId, message: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO instrument_masters (broker, count, last_attempt_at, last_error) VALUES (?, 0, ?, ?)
         ON CONFLICT (broker) DO UPDATE SET last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error`,
      )
      .run(broker, now, message);
  }

  /**
   * Lot size and expiry of `symbol` from whichever downloaded master lists it (the paper engine's F&O rules); the
   * largest lot wins if masters disagree, so a paper order is never smaller than a real lot.
   */
  contract(symbol: string): { lotSize: number; expiry: string | null } | null {
    const sql = 'SELECT lot_size AS lotSize, expiry FROM instruments WHERE symbol = ? ORDER BY lot_size DESC, expiry IS NULL LIMIT 1';
    return (this.db.prepare(sql).get(symbol) as { lotSize: number; expiry: string | null } | undefined) ?? null;
  }

  master(broker: BrokerId): InstrumentMaster {
    const find = this.db.prepare<[string, string], InstrumentRow>('SELECT * FROM instruments WHERE broker = ? AND symbol = ?');
    const search = this.db.prepare<[string, string, string, number], InstrumentRow>(
      `SELECT * FROM instruments WHERE broker = ? AND (symbol LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\') ORDER BY length(symbol), symbol LIMIT ?`,
    );
    return {
      find: (symbol) => {
        const row = find.get(broker, symbol);
        return row ? toInstrument(row) : null;
      },
      search: (prefix, limit = 20) => {
        const escaped = prefix.toUpperCase().replace(/[\\%_]/g, (c) => `\\${c}`);
        return search.all(broker, `%${escaped}%`, `${escaped}%`, limit).map(toInstrument);
      },
    };
  }

  /**
   * A contract's lot size from a cached master: the given broker's first, else any broker's (paper orders have
   * no broker of their own; an exchange's lot size is the same in every broker's master). Null when none has it.
   */
  lotSize(symbol: string, broker: string | null): number | null {
    const row = this.db
      .prepare<[string, string | null], { lot_size: number }>('SELECT lot_size FROM instruments WHERE symbol = ? ORDER BY broker IS ? DESC, broker LIMIT 1')
      .get(symbol, broker);
    return row?.lot_size ?? null;
  }
}
