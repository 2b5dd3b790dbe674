import { createHash, randomBytes } from 'node:crypto';
import type { BrokerDescriptor, BrokerId } from '../../shared/brokers';
import type { ConnectionView, CreateConnectionInput, UpdateConnectionInput } from '../../shared/schemas';
import type { Clock } from '../clock';
import type { SecretRegistry } from '../log/redact';
import { AppError } from '../errors';
import { Emitter } from '../events';
import type { AuditLog } from '../store/audit-log';
import { toView, type ConnectionRow, type ConnectionsRepo, type FieldRow, type HealthUpdate } from '../store/connections-repo';
import type { Db } from '../store/db';
import type { MasterKey } from '../vault/crypto';
import type { Vault } from '../vault/vault';
import { checkEnvironment, checkFields, previewOf } from './field-rules';

export interface ConnectionServiceDeps {
  db: Db;
  repo: ConnectionsRepo;
  vault: Vault;
  audit: AuditLog;
  clock: Clock;
  descriptor: (broker: BrokerId) => BrokerDescriptor | undefined;
  /** Knows each connection's secrets: a stored error is scrubbed of them. */
  secrets: SecretRegistry;
}

/** The fields the trader enters for a broker: its descriptor's. Any other stored field is a session value a login obtained. */
export function enteredFieldNames(descriptor: BrokerDescriptor): ReadonlySet<string> {
  return new Set(descriptor.fields.map((f) => f.name));
}

/**
 * Main-process owner of saved broker connections: validates fields against the broker descriptor,
 * encrypts each secret field separately through the vault, and audits every change in the same
 * transaction (names of changed fields, never values).
 */
export class ConnectionService {
  private readonly didChange = new Emitter<void>();
  /** Fires after every committed change to any connection (saved, edited, deleted, checked, signed in or out). */
  readonly onDidChange = this.didChange.event;

  constructor(private readonly deps: ConnectionServiceDeps) {}

  list(): ConnectionView[] {
    const fields = this.deps.repo.fieldsByConnection();
    return this.deps.repo.all().map((row) => this.view(row, fields.get(row.id) ?? []));
  }

  find(id: string): ConnectionView | null {
    const row = this.deps.repo.find(id);
    return row ? this.view(row, this.deps.repo.fields(id)) : null;
  }

  get(id: string): ConnectionView {
    const row = this.row(id);
    return this.view(row, this.deps.repo.fields(id));
  }

  /**
   * A connection as the renderer sees it: the fields the trader entered, as the broker's descriptor lists them; what
   * a login obtained (tokens, ids) only as `signedIn`. A broker this version no longer knows has no descriptor to
   * tell them apart: its stored fields are shown as they are.
   */
  private view(row: ConnectionRow, fields: FieldRow[]): ConnectionView {
    const descriptor = this.deps.descriptor(row.broker);
    return toView(row, fields, descriptor ? enteredFieldNames(descriptor) : new Set(fields.map((f) => f.name)));
  }

  row(id: string): ConnectionRow {
    const row = this.deps.repo.find(id);
    if (!row) throw new AppError('NOT_FOUND', 'That connection no longer exists. It may have been deleted.');
    return row;
  }

  descriptorOf(broker: BrokerId): BrokerDescriptor {
    const descriptor = this.deps.descriptor(broker);
    if (!descriptor) throw new AppError('NOT_SUPPORTED', `This version of BrokerVault cannot connect to ${broker} yet.`);
    return descriptor;
  }

  /** Check a broker, environment and fields as `create` would, without storing anything. */
  checkInput(broker: BrokerId, environment: string, fields: Record<string, string>): BrokerDescriptor {
    const descriptor = this.descriptorOf(broker);
    checkEnvironment(descriptor, environment);
    checkFields(descriptor, fields, false);
    return descriptor;
  }

  async create(input: CreateConnectionInput): Promise<ConnectionView> {
    const descriptor = this.checkInput(input.broker, input.environment, input.fields);
    const secretNames = new Set(descriptor.fields.filter((f) => f.secret).map((f) => f.name));
    const entries = Object.entries(input.fields)
      .map(([name, value]) => [name, value.trim()] as const)
      .filter(([, value]) => value !== '');
    const id = randomBytes(16).toString('hex');
    const now = this.deps.clock.now();
    const insert = (key: MasterKey | null) =>
      this.deps.db.transaction(() => {
        this.assertLabelFree(input.broker, input.label, null, descriptor);
        this.deps.repo.insert({
          id,
          broker: input.broker,
          label: input.label,
          environment: input.environment,
          api_host: input.apiHost ?? null,
          is_default: this.deps.repo.hasDefault() ? 0 : 1,
          created_at: now,
          updated_at: now,
        });
        for (const [name, value] of entries) this.writeField(id, name, value, secretNames.has(name), key);
        this.deps.audit.append('connection.create', id, {
          broker: input.broker,
          label: input.label,
          environment: input.environment,
          fields: entries.map(([name]) => name),
          apiHost: input.apiHost ? 'overridden' : 'default',
        });
      })();
    // SECURITY: a write that encrypts runs in the vault's key queue, never beside a key change.
    if (entries.some(([name]) => secretNames.has(name))) await this.deps.vault.withWriteKey(insert);
    else insert(null);
    this.didChange.fire();
    return this.get(id);
  }

  async update(input: UpdateConnectionInput): Promise<ConnectionView> {
    const row = this.row(input.id);
    const descriptor = this.descriptorOf(row.broker);
    if (input.environment) checkEnvironment(descriptor, input.environment);
    const fields = input.fields ?? {};
    checkFields(descriptor, fields, true);
    const secretNames = new Set(descriptor.fields.filter((f) => f.secret).map((f) => f.name));
    const changesSecret = Object.entries(fields).some(([name, value]) => secretNames.has(name) && value.trim() !== '');
    const now = this.deps.clock.now();
    const changed: string[] = [];
    let hostChange: Record<string, string | string[]> | null = null;
    const apply = (key: MasterKey | null) =>
      this.deps.db.transaction(() => {
        // Re-read inside the transaction: the connection may have been deleted while the write waited for the key,
        // and the host check must see the row as it is when the change commits.
        const current = this.row(input.id);
        const newHost = input.apiHost === undefined ? current.api_host : (input.apiHost ?? null);
        if (newHost !== current.api_host) hostChange = this.changeHost(current, descriptor, newHost, fields);
        const meta: Parameters<ConnectionsRepo['updateMeta']>[1] = {};
        if (input.label !== undefined && input.label !== row.label) {
          this.assertLabelFree(row.broker, input.label, row.id, descriptor);
          meta.label = input.label;
          changed.push('label');
        }
        if (input.environment !== undefined && input.environment !== row.environment) {
          meta.environment = input.environment;
          changed.push('environment');
        }
        if (hostChange) {
          meta.api_host = newHost;
          changed.push('apiHost');
        }
        for (const [name, raw] of Object.entries(fields)) {
          const value = raw.trim();
          if (value === '') this.deps.repo.deleteField(row.id, name);
          else this.writeField(row.id, name, value, secretNames.has(name), key);
          changed.push(name);
        }
        // New credentials or a new host have not been tested yet.
        if (changed.some((name) => name !== 'label')) {
          meta.status = 'untested';
          meta.last_error = null;
        }
        if (changed.length === 0) return;
        this.deps.repo.updateMeta(row.id, meta, now);
        this.deps.audit.append('connection.update', row.id, { changed, ...(hostChange ?? {}) });
      })();
    if (changesSecret) await this.deps.vault.withWriteKey(apply);
    else apply(null);
    if (changed.length > 0) this.didChange.fire();
    return this.get(row.id);
  }

  /**
   * SECURITY: the saved secrets go wherever the host points, so a new host needs every saved secret field
   * entered again (or cleared) in the same change (a compromised renderer could otherwise send them anywhere), and the
   * session tokens the old host issued are dropped. Returns the audit detail: old and new host, no secret.
   */
  private changeHost(
    row: ConnectionRow,
    descriptor: BrokerDescriptor,
    newHost: string | null,
    fields: Record<string, string>,
  ): Record<string, string | string[]> {
    const stored = new Set(this.deps.repo.fields(row.id).map((f) => f.name));
    // Each saved secret is entered again (or cleared, when optional: then it is sent nowhere).
    const missing = descriptor.fields.filter((f) => f.secret && (stored.has(f.name) || f.required) && fields[f.name] === undefined);
    if (missing.length > 0) {
      throw new AppError(
        'INVALID_INPUT',
        `To change the API host, enter this connection's ${missing.map((f) => f.label).join(', ')} again in the same change: the saved credentials are never sent to a new address.`,
      );
    }
    const dropped = this.sessionFields(row.id).map((f) => f.name);
    for (const name of dropped) this.deps.repo.deleteField(row.id, name);
    if (dropped.length) this.deps.repo.updateHealth(row.id, { token_expires_at: null });
    return { hostFrom: row.api_host ?? 'default', hostTo: newHost ?? 'default', sessionDropped: dropped };
  }

  delete(id: string): void {
    const row = this.row(id);
    this.deps.db.transaction(() => {
      this.deps.repo.delete(id);
      this.deps.audit.append('connection.delete', id, { broker: row.broker, label: row.label });
    })();
    this.didChange.fire();
  }

  setDefault(id: string): ConnectionView {
    const row = this.row(id);
    if (row.is_active === 0) throw new AppError('CONFLICT', 'Activate this connection before making it the default.');
    const now = this.deps.clock.now();
    this.deps.db.transaction(() => {
      this.deps.repo.clearDefault(now);
      this.deps.repo.setFlag(id, 'is_default', 1, now);
      this.deps.audit.append('connection.setDefault', id, { label: row.label });
    })();
    this.didChange.fire();
    return this.get(id);
  }

  setActive(id: string, active: boolean): ConnectionView {
    const row = this.row(id);
    if ((row.is_active === 1) === active) return this.get(id);
    const now = this.deps.clock.now();
    this.deps.db.transaction(() => {
      this.deps.repo.setFlag(id, 'is_active', active ? 1 : 0, now);
      // An inactive connection cannot stay the default.
      if (!active && row.is_default === 1) this.deps.repo.setFlag(id, 'is_default', 0, now);
      this.deps.audit.append(active ? 'connection.activate' : 'connection.deactivate', id, { label: row.label });
    })();
    this.didChange.fire();
    return this.get(id);
  }

  /** Decrypted fields (user fields and session tokens) for an adapter call. Never leaves main. */
  credentials(id: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const field of this.deps.repo.fields(id)) {
      out[field.name] = field.is_secret ? this.deps.vault.decrypt({ recordId: id, field: field.name }, field.ciphertext!) : field.value!;
    }
    return out;
  }

  /**
   * A fingerprint of what a broker socket was opened with (stored fields, host, environment), so open sockets can
   * notice a re-login, a token rollover or edited keys and reopen. Built from ciphertexts (fresh on every write),
   * never from plaintext; it never leaves main. Null for a connection that no longer exists.
   */
  credentialStamp(id: string): string | null {
    const row = this.deps.repo.find(id);
    if (!row) return null;
    const hash = createHash('sha256').update(`${row.environment}\n${row.api_host ?? ''}\n`);
    for (const f of this.deps.repo.fields(id)) hash.update(`${f.name}=${f.ciphertext ?? f.value ?? ''}\n`);
    return hash.digest('base64url');
  }

  /** Store the tokens a login produced (all encrypted) and their expiry. */
  async storeSession(id: string, fields: Record<string, string>, expiresAt: number | null, detail: Record<string, string>): Promise<void> {
    await this.deps.vault.withWriteKey((key) =>
      this.deps.db.transaction(() => {
        this.row(id);
        for (const [name, value] of Object.entries(fields)) this.writeField(id, name, value, true, key);
        this.deps.repo.updateHealth(id, { token_expires_at: expiresAt });
        this.deps.audit.append('connection.login', id, { ...detail, stored: Object.keys(fields) });
      })(),
    );
    this.didChange.fire();
  }

  /** Stored fields a login added (session tokens): those that are not the broker's descriptor fields. */
  private sessionFields(id: string): FieldRow[] {
    const userFields = enteredFieldNames(this.descriptorOf(this.row(id).broker));
    return this.deps.repo.fields(id).filter((f) => !userFields.has(f.name));
  }

  /** Whether a login stored session tokens. */
  hasSession(id: string): boolean {
    return this.sessionFields(id).length > 0;
  }

  /** Drop stored session tokens (fields that are not descriptor fields) and mark the connection untested. */
  disconnect(id: string): void {
    const now = this.deps.clock.now();
    this.deps.db.transaction(() => {
      const dropped = this.sessionFields(id).map((f) => f.name);
      for (const name of dropped) this.deps.repo.deleteField(id, name);
      this.deps.repo.updateMeta(id, { status: 'untested', last_error: null }, now);
      this.deps.repo.updateHealth(id, { token_expires_at: null });
      this.deps.audit.append('connection.disconnect', id, { dropped });
    })();
    this.didChange.fire();
  }

  recordHealth(id: string, update: HealthUpdate): void {
    this.deps.repo.updateHealth(id, this.scrubbed(id, update));
    this.didChange.fire();
  }

  private pendingChecks: { id: string; update: HealthUpdate; detail: Record<string, string>; done: (error?: unknown) => void }[] = [];

  /**
   * Record a validation's outcome and audit it. Outcomes that arrive in the same event-loop turn (a fan-out
   * over many connections) share one durable commit; the promise settles once it is on disk.
   */
  recordCheck(id: string, update: HealthUpdate, detail: Record<string, string>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pendingChecks.push({ id, update, detail, done: (error) => (error ? reject(error) : resolve()) });
      if (this.pendingChecks.length === 1) setImmediate(() => this.flushChecks());
    });
  }

  private flushChecks(): void {
    const batch = this.pendingChecks.splice(0);
    try {
      this.deps.db.transaction(() => {
        for (const check of batch) {
          // A connection deleted while its check ran has nothing left to record.
          if (!this.deps.repo.find(check.id)) continue;
          this.deps.repo.updateHealth(check.id, this.scrubbed(check.id, check.update));
          this.deps.audit.append('connection.validate', check.id, check.detail);
        }
      })();
    } catch (error) {
      for (const check of batch) check.done(error);
      return;
    }
    for (const check of batch) check.done();
    this.didChange.fire();
  }

  /** SECURITY: a stored error is shown and pushed later; it never keeps a secret of its connection. */
  private scrubbed(id: string, update: HealthUpdate): HealthUpdate {
    return update.last_error ? { ...update, last_error: this.deps.secrets.scrubFor(id, update.last_error) } : update;
  }

  /** For key rotation: re-encrypt every secret field inside the vault's transaction. */
  reencryptAll(reencrypt: (location: { recordId: string; field: string }, stored: string) => string): number {
    const rows = this.deps.repo.secretRows();
    for (const row of rows) {
      this.deps.repo.updateCiphertext(row.connection_id, row.name, reencrypt({ recordId: row.connection_id, field: row.name }, row.ciphertext));
    }
    return rows.length;
  }

  private writeField(id: string, name: string, value: string, secret: boolean, key: MasterKey | null): void {
    this.deps.repo.upsertField({
      connection_id: id,
      name,
      is_secret: secret ? 1 : 0,
      value: secret ? null : value,
      ciphertext: secret ? this.deps.vault.encrypt(key!, { recordId: id, field: name }, value) : null,
      preview: previewOf(value, secret),
    });
  }

  private assertLabelFree(broker: BrokerId, label: string, exceptId: string | null, descriptor: BrokerDescriptor): void {
    if (this.deps.repo.labelTaken(broker, label, exceptId))
      throw new AppError('CONFLICT', `You already have a ${descriptor.name} connection named "${label}". Choose another name.`);
  }
}
