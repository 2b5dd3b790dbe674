import type { MasterKey } from './crypto';

/**
 * Where the master key lives. The keychain implementation keeps it in the OS credential store;
 * a record may hold two keys for a moment during rotation, so a crash mid-rotation loses neither.
 */
export interface KeyStore {
  /** Human name of the backend, shown in the UI (e.g. "Secret Service (GNOME Keyring)"). */
  readonly name: string;
  /** Resolves false when no keychain can be reached (e.g. headless Linux without a secret service). */
  available(): Promise<boolean>;
  load(): Promise<MasterKey[] | null>;
  save(keys: MasterKey[]): Promise<void>;
  clear(): Promise<void>;
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

/** In-memory key store for tests and the throwaway bridge profile; `unavailable` simulates no keychain. */
export class MemoryKeyStore implements KeyStore {
  readonly name = 'In-memory (testing only)';
  private record: string | null = null;
  constructor(public unavailable = false) {}
  async available() {
    return !this.unavailable;
  }
  async load() {
    if (this.unavailable) throw new KeyStoreUnavailableError();
    return this.record ? parseKeys(this.record) : null;
  }
  async save(keys: MasterKey[]) {
    if (this.unavailable) throw new KeyStoreUnavailableError();
    this.record = serializeKeys(keys);
  }
  async clear() {
    if (this.unavailable) throw new KeyStoreUnavailableError();
    this.record = null;
  }
}
