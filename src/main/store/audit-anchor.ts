import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileDurably } from '../durable-file';

/** The file beside the database that seals the audit log's head. */
export const ANCHOR_FILE = 'audit-anchor.json';

// SECURITY: a purpose label of its own, so the seal key is never the key that encrypts secrets.
const HKDF_INFO = 'brokervault/audit-anchor/v1';

/**
 * The sealed head of the audit log: how many entries it had and the hash of the newest, MAC'd under a key
 * derived from the vault's master key (named by keyId). Whoever can rewrite the database but not read the
 * keychain cannot make a new one, so cutting, wiping or recomputing the sealed entries is found.
 */
export interface AnchorRecord {
  v: 1;
  keyId: string;
  count: number;
  head: string;
  at: number;
  mac: string;
}

/** HKDF-SHA256 of the master key with the audit seal's purpose label. */
export function anchorKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), HKDF_INFO, 32));
}

function macOf(key: Buffer, r: Omit<AnchorRecord, 'mac'>): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(['brokervault-audit-anchor', r.v, r.keyId, r.count, r.head, r.at]))
    .digest('hex');
}

export function sealAnchor(key: Buffer, keyId: string, count: number, head: string, at: number): AnchorRecord {
  const body = { v: 1 as const, keyId, count, head, at };
  return { ...body, mac: macOf(key, body) };
}

export function anchorSealHolds(key: Buffer, record: AnchorRecord): boolean {
  const expected = Buffer.from(macOf(key, record), 'hex');
  const actual = Buffer.from(record.mac, 'hex');
  // SECURITY: constant-time comparison of the MAC.
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A record of the right shape, or null (anything else in the file counts as damaged). */
export function parseAnchor(value: unknown): AnchorRecord | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const r = value as Record<string, unknown>;
  const ok =
    r.v === 1 &&
    typeof r.keyId === 'string' &&
    r.keyId.length > 0 &&
    r.keyId.length <= 64 &&
    Number.isSafeInteger(r.count) &&
    (r.count as number) >= 0 &&
    typeof r.head === 'string' &&
    /^[0-9a-f]{64}$/.test(r.head) &&
    Number.isSafeInteger(r.at) &&
    typeof r.mac === 'string' &&
    /^[0-9a-f]{64}$/.test(r.mac);
  return ok ? { v: 1, keyId: r.keyId as string, count: r.count as number, head: r.head as string, at: r.at as number, mac: r.mac as string } : null;
}

export type AnchorRead = { kind: 'missing' } | { kind: 'damaged' } | { kind: 'present'; record: AnchorRecord };

/** The anchor file in the data directory, replaced atomically (temp file, fsync, rename), owner-only. */
export class AnchorFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, ANCHOR_FILE);
  }

  read(): AnchorRead {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw error;
    }
    if (text.length > 4096) return { kind: 'damaged' };
    try {
      const record = parseAnchor(JSON.parse(text));
      return record ? { kind: 'present', record } : { kind: 'damaged' };
    } catch {
      return { kind: 'damaged' };
    }
  }

  /** A crash at any point leaves either the old file or the new one, never a torn one. */
  write(record: AnchorRecord): void {
    writeFileDurably(this.file, JSON.stringify(record));
  }
}
