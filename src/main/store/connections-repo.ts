import type { ConnectionStatus, ConnectionView } from '../../shared/schemas';
import type { BrokerId, Environment } from '../../shared/brokers';
import type { Db } from './db';

export interface ConnectionRow {
  id: string;
  broker: BrokerId;
  label: string;
  environment: Environment;
  api_host: string | null;
  status: ConnectionStatus;
  last_validated_at: number | null;
  last_error: string | null;
  latency_ms: number | null;
  token_expires_at: number | null;
  account_masked: string | null;
  account_type: string | null;
  buying_power: number | null;
  currency: string | null;
  is_default: 0 | 1;
  is_active: 0 | 1;
  created_at: number;
  updated_at: number;
}

export interface FieldRow {
  connection_id: string;
  name: string;
  is_secret: 0 | 1;
  value: string | null;
  ciphertext: string | null;
  preview: string;
}

export type HealthUpdate = Partial<
  Pick<
    ConnectionRow,
    'status' | 'last_validated_at' | 'last_error' | 'latency_ms' | 'token_expires_at' | 'account_masked' | 'account_type' | 'buying_power' | 'currency'
  >
>;

/** SQL for connections and their fields. No encryption here: callers pass ciphertext for secret fields. */
export class ConnectionsRepo {
  // Prepared once: these run on every health check and every order.
  private readonly allStmt;
  private readonly findStmt;
  private readonly fieldsStmt;
  private readonly allFieldsStmt;

  constructor(private readonly db: Db) {
    this.allStmt = db.prepare<[], ConnectionRow>('SELECT * FROM connections ORDER BY created_at, rowid');
    this.findStmt = db.prepare<[string], ConnectionRow>('SELECT * FROM connections WHERE id = ?');
    this.fieldsStmt = db.prepare<[string], FieldRow>('SELECT * FROM connection_fields WHERE connection_id = ? ORDER BY name');
    this.allFieldsStmt = db.prepare<[], FieldRow>('SELECT * FROM connection_fields ORDER BY connection_id, name');
  }

  all(): ConnectionRow[] {
    return this.allStmt.all();
  }

  find(id: string): ConnectionRow | undefined {
    return this.findStmt.get(id);
  }

  fields(id: string): FieldRow[] {
    return this.fieldsStmt.all(id);
  }

  /** Every connection's fields in one query, grouped by connection id. */
  fieldsByConnection(): Map<string, FieldRow[]> {
    const out = new Map<string, FieldRow[]>();
    for (const row of this.allFieldsStmt.all()) {
      const list = out.get(row.connection_id);
      if (list) list.push(row);
      else out.set(row.connection_id, [row]);
    }
    return out;
  }

  labelTaken(broker: string, label: string, exceptId: string | null): boolean {
    return this.db.prepare('SELECT 1 FROM connections WHERE broker = ? AND label = ? AND id IS NOT ?').get(broker, label, exceptId) !== undefined;
  }

  hasDefault(): boolean {
    return this.db.prepare('SELECT 1 FROM connections WHERE is_default = 1').get() !== undefined;
  }

  insert(row: Pick<ConnectionRow, 'id' | 'broker' | 'label' | 'environment' | 'api_host' | 'is_default' | 'created_at' | 'updated_at'>): void {
    this.db
      .prepare(
        `INSERT INTO connections (id, broker, label, environment, api_host, is_default, created_at, updated_at)
         VALUES (@id, @broker, @label, @environment, @api_host, @is_default, @created_at, @updated_at)`,
      )
      .run(row);
  }

  upsertField(row: FieldRow): void {
    this.db
      .prepare(
        `INSERT INTO connection_fields (connection_id, name, is_secret, value, ciphertext, preview)
         VALUES (@connection_id, @name, @is_secret, @value, @ciphertext, @preview)
         ON CONFLICT (connection_id, name) DO UPDATE SET
           is_secret = excluded.is_secret, value = excluded.value, ciphertext = excluded.ciphertext, preview = excluded.preview`,
      )
      .run(row);
  }

  deleteField(connectionId: string, name: string): void {
    this.db.prepare('DELETE FROM connection_fields WHERE connection_id = ? AND name = ?').run(connectionId, name);
  }

  updateCiphertext(connectionId: string, name: string, ciphertext: string): void {
    this.db.prepare('UPDATE connection_fields SET ciphertext = ? WHERE connection_id = ? AND name = ?').run(ciphertext, connectionId, name);
  }

  updateMeta(id: string, changes: Partial<Pick<ConnectionRow, 'label' | 'environment' | 'api_host' | 'status' | 'last_error'>>, now: number): void {
    const keys = Object.keys(changes) as (keyof typeof changes)[];
    if (keys.length === 0) return;
    const sets = keys.map((k) => `${k} = @${k}`).join(', ');
    this.db.prepare(`UPDATE connections SET ${sets}, updated_at = @now WHERE id = @id`).run({ ...changes, id, now });
  }

  private readonly healthStmts = new Map<string, ReturnType<Db['prepare']>>();

  updateHealth(id: string, update: HealthUpdate): void {
    const keys = (Object.keys(update) as (keyof HealthUpdate)[]).sort();
    if (keys.length === 0) return;
    // One prepared statement per set of columns: health checks write the same few shapes over and over.
    const signature = keys.join(',');
    let stmt = this.healthStmts.get(signature);
    if (!stmt) {
      stmt = this.db.prepare(`UPDATE connections SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`);
      this.healthStmts.set(signature, stmt);
    }
    stmt.run({ ...update, id });
  }

  setFlag(id: string, flag: 'is_active' | 'is_default', value: 0 | 1, now: number): void {
    this.db.prepare(`UPDATE connections SET ${flag} = ?, updated_at = ? WHERE id = ?`).run(value, now, id);
  }

  clearDefault(now: number): void {
    this.db.prepare('UPDATE connections SET is_default = 0, updated_at = ? WHERE is_default = 1').run(now);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM connections WHERE id = ?').run(id);
  }

  countSecrets(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM connection_fields WHERE is_secret = 1').get() as { n: number }).n;
  }

  secretRows(): { connection_id: string; name: string; ciphertext: string }[] {
    return this.db
      .prepare<[], { connection_id: string; name: string; ciphertext: string }>(
        'SELECT connection_id, name, ciphertext FROM connection_fields WHERE is_secret = 1',
      )
      .all();
  }
}

/**
 * The view of a connection. `enteredFields` are the names of the fields the trader enters (the broker descriptor's):
 * only those are listed; any other stored field is a session value a login obtained, shown only as `signedIn`.
 */
export function toView(row: ConnectionRow, fields: FieldRow[], enteredFields: ReadonlySet<string>): ConnectionView {
  const entered = fields.filter((f) => enteredFields.has(f.name));
  return {
    id: row.id,
    broker: row.broker,
    label: row.label,
    environment: row.environment,
    status: row.status,
    lastValidatedAt: row.last_validated_at,
    lastError: row.last_error,
    latencyMs: row.latency_ms,
    tokenExpiresAt: row.token_expires_at,
    accountMasked: row.account_masked,
    accountType: row.account_type,
    buyingPower: row.buying_power,
    currency: row.currency,
    apiHost: row.api_host,
    isDefault: row.is_default === 1,
    isActive: row.is_active === 1,
    fields: entered.map((f) => ({ name: f.name, secret: f.is_secret === 1, preview: f.preview })),
    signedIn: entered.length < fields.length,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
