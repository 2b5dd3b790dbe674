import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ApiKeyView, ApiPermissionSchema } from '../../shared/local-api';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { AuditLog } from '../store/audit-log';
import type { Db } from '../store/db';
import { writeVersion, type WriteVersion } from '../store/write-versions';
import type { ApiCaller } from './verb';

interface KeyRow {
  id: string;
  label: string;
  key_hash: string;
  permission: z.infer<typeof ApiPermissionSchema>;
  paper: number;
  connection_ids: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** How the paper account appears among a caller's `connectionIds` (real connection ids are 32 hex digits). */
export const PAPER_ACCOUNT_ID = 'paper';

/** A caller whose key is bound to the paper account has `paper` set and PAPER_ACCOUNT_ID first in `connectionIds`. */
export interface KeyCaller extends ApiCaller {
  paper: boolean;
}

const ConnectionIdsSchema = z.array(z.string());

/**
 * SECURITY: a key is 32 random bytes (256 bits), so a plain SHA-256 is enough to store it: nobody can search a
 * 2^256 space, which is the only attack a slow password hash (argon2, scrypt) defends against, and a slow hash
 * would cost milliseconds of the main process on every request. Node's crypto (OpenSSL) makes the hash.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;

export interface KeyBinding {
  permission: 'read' | 'trade';
  paper: boolean;
  connectionIds: string[];
}

/**
 * The local API's keys, in main's SQLite (`api_keys`). Created here and shown once; only the hash is kept.
 * Each key is bound to the paper account and/or connections and to a permission; a revoked key stays listed,
 * refused. Every change is audited in the same transaction; the audit detail never holds the key.
 */
export class ApiKeyStore {
  private readonly byHash;
  private readonly changes: WriteVersion;
  /** Last-used times are written at most once a minute per key: not one write per request. */
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly connectionExists: (id: string) => boolean,
  ) {
    this.byHash = db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE key_hash = ?');
    this.changes = writeVersion(db, 'api_keys');
  }

  /**
   * A number that changes whenever a key is created, rebound, made read-only or revoked: a caller checked at one
   * version is still what the database says while the version is the same. Only this file writes api_keys
   * (test/unit/single-writers.test.ts holds that).
   */
  version(): number {
    return this.changes.current();
  }

  list(): ApiKeyView[] {
    return this.db
      .prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id')
      .all()
      .map((row) => this.view(row));
  }

  create(label: string, binding: KeyBinding): { key: ApiKeyView; secret: string } {
    this.checkBinding(binding);
    const id = randomBytes(16).toString('hex');
    const secret = randomBytes(32).toString('hex');
    const now = this.clock.now();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO api_keys (id, label, key_hash, permission, paper, connection_ids, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(id, label, hashApiKey(secret), binding.permission, binding.paper ? 1 : 0, JSON.stringify(binding.connectionIds), now);
      this.audit.append('api.keyCreate', null, { keyId: id, permission: binding.permission, paper: binding.paper, connections: binding.connectionIds });
    })();
    this.changes.bump();
    return { key: this.get(id), secret };
  }

  update(id: string, binding: KeyBinding): ApiKeyView {
    this.checkBinding(binding);
    this.db.transaction(() => {
      const row = this.row(id);
      if (row.revoked_at !== null) throw new AppError('CONFLICT', 'That key is revoked; create a new one instead.');
      this.db
        .prepare('UPDATE api_keys SET permission = ?, paper = ?, connection_ids = ? WHERE id = ?')
        .run(binding.permission, binding.paper ? 1 : 0, JSON.stringify(binding.connectionIds), id);
      this.audit.append('api.keyUpdate', null, { keyId: id, permission: binding.permission, paper: binding.paper, connections: binding.connectionIds });
    })();
    this.changes.bump();
    return this.get(id);
  }

  revoke(id: string): ApiKeyView {
    this.db.transaction(() => {
      const row = this.row(id);
      if (row.revoked_at !== null) return;
      this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(this.clock.now(), id);
      this.audit.append('api.keyRevoke', null, { keyId: id });
    })();
    this.changes.bump();
    return this.get(id);
  }

  /**
   * The caller a presented key stands for, or null for an unknown or revoked key. Read from the database on every
   * call (an indexed lookup), so a revoke or a change of binding holds from the next request on.
   */
  verify(presented: unknown): KeyCaller | null {
    if (typeof presented !== 'string' || !KEY_PATTERN.test(presented)) return null;
    const row = this.byHash.get(hashApiKey(presented));
    if (!row || row.revoked_at !== null) return null;
    const now = this.clock.now();
    if (now - (this.lastUsedWritten.get(row.id) ?? -Infinity) >= 60_000) {
      this.lastUsedWritten.set(row.id, now);
      this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(now, row.id);
    }
    return this.callerOf(row);
  }

  /** The caller of an accepted key, read again: null once the key is revoked or gone. */
  callerById(id: string): KeyCaller | null {
    const row = this.db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ?').get(id);
    return row && row.revoked_at === null ? this.callerOf(row) : null;
  }

  private callerOf(row: KeyRow): KeyCaller {
    // A connection deleted since the key was bound is dropped from what the key may use.
    const connectionIds = this.connectionIdsOf(row).filter((c) => this.connectionExists(c));
    const paper = row.paper === 1;
    return { keyId: row.id, permission: row.permission, paper, connectionIds: paper ? [PAPER_ACCOUNT_ID, ...connectionIds] : connectionIds };
  }

  private checkBinding(binding: KeyBinding): void {
    for (const id of binding.connectionIds) {
      if (!this.connectionExists(id)) throw new AppError('NOT_FOUND', 'One of the chosen connections no longer exists. Nothing was changed.');
    }
  }

  private get(id: string): ApiKeyView {
    return this.view(this.row(id));
  }

  private row(id: string): KeyRow {
    const row = this.db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE id = ?').get(id);
    if (!row) throw new AppError('NOT_FOUND', 'That API key does not exist.');
    return row;
  }

  private connectionIdsOf(row: KeyRow): string[] {
    const parsed = ConnectionIdsSchema.safeParse(JSON.parse(row.connection_ids));
    return parsed.success ? parsed.data : [];
  }

  private view(row: KeyRow): ApiKeyView {
    return {
      id: row.id,
      label: row.label,
      // The hash's start, not the key's: a list of prefixes tells nothing about the keys themselves.
      prefix: row.key_hash.slice(0, 8),
      permission: row.permission,
      paper: row.paper === 1,
      connectionIds: this.connectionIdsOf(row),
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    };
  }
}
