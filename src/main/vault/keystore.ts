import type { MasterKey } from './crypto';

/**
 * Where master keys live: named records (accounts) in the OS credential store, each holding a list of
 * keys under their key ids. Only KeychainRing (keychain-ring.ts) writes records, and it only ever adds
 * keys beside the stored ones, so no record is ever replaced by a shorter one.
 */
export interface KeyStore {
  /** Human name of the backend, shown in the UI (e.g. "Secret Service (GNOME Keyring)"). */
  readonly name: string;
  /** Resolves false when no keychain can be reached (e.g. headless Linux without a secret service). */
  available(): Promise<boolean>;
  load(account: string): Promise<MasterKey[] | null>;
  save(account: string, keys: MasterKey[]): Promise<void>;
  clear(account: string): Promise<void>;
}

export class KeyStoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('No OS keychain is reachable', { cause });
    this.name = 'KeyStoreUnavailableError';
  }
}

interface StoredRecord {
  v: 1;
  keys: { id: string; key: string }[];
}

export function serializeKeys(keys: MasterKey[]): string {
  const record: StoredRecord = { v: 1, keys: keys.map((k) => ({ id: k.id, key: k.key.toString('base64') })) };
  return JSON.stringify(record);
}

export function parseKeys(text: string): MasterKey[] {
  const record = JSON.parse(text) as StoredRecord;
  if (record.v !== 1 || !Array.isArray(record.keys)) throw new Error('unrecognised key record');
  return record.keys.map((k) => {
    const key = Buffer.from(k.key, 'base64');
    if (key.length !== 32 || typeof k.id !== 'string') throw new Error('unrecognised key record');
    return { id: k.id, key };
  });
}

/**
 * The stored keys plus the added ones that are not stored yet, in that order.
 * SECURITY: a stored key is never replaced or dropped; an added key whose id is stored with other bytes is refused.
 */
export function mergeKeys(stored: readonly MasterKey[], added: readonly MasterKey[]): MasterKey[] {
  const merged = [...stored];
  for (const key of added) {
    const existing = merged.find((k) => k.id === key.id);
    if (!existing) merged.push(key);
    else if (!existing.key.equals(key.key)) throw new Error(`key id ${key.id} is already stored with a different key`);
  }
  return merged;
}

/** In-memory key store for tests and the throwaway bridge profile; `unavailable` simulates no keychain. */
export class MemoryKeyStore implements KeyStore {
  readonly name = 'In-memory (testing only)';
  private readonly records = new Map<string, string>();
  constructor(public unavailable = false) {}
  async available() {
    return !this.unavailable;
  }
  async load(account: string) {
    if (this.unavailable) throw new KeyStoreUnavailableError();
    const record = this.records.get(account);
    return record ? parseKeys(record) : null;
  }
  async save(account: string, keys: MasterKey[]) {
    if (this.unavailable) throw new KeyStoreUnavailableError();
    this.records.set(account, serializeKeys(keys));
  }
  async clear(account: string) {
    if (this.unavailable) throw new KeyStoreUnavailableError();
    this.records.delete(account);
  }
}
