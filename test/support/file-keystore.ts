import fs from 'node:fs';
import type { MasterKey } from '../../src/main/vault/crypto';
import { parseKeys, serializeKeys, type KeyStore } from '../../src/main/vault/keystore';

/**
 * A key store in a plain file (one JSON object of records by account), for tests that need the keys to
 * outlive a process (crash tests). Each save replaces the file atomically. Never used by the app.
 */
export class FileKeyStore implements KeyStore {
  readonly name = 'File (testing only)';
  constructor(private readonly file: string) {}
  private records(): Record<string, string> {
    return fs.existsSync(this.file) ? (JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, string>) : {};
  }
  private write(records: Record<string, string>): void {
    fs.writeFileSync(`${this.file}.tmp`, JSON.stringify(records), { mode: 0o600 });
    fs.renameSync(`${this.file}.tmp`, this.file);
  }
  async available() {
    return true;
  }
  async load(account: string): Promise<MasterKey[] | null> {
    const record = this.records()[account];
    return record ? parseKeys(record) : null;
  }
  async save(account: string, keys: MasterKey[]) {
    this.write({ ...this.records(), [account]: serializeKeys(keys) });
  }
  async clear(account: string) {
    const records = this.records();
    delete records[account];
    this.write(records);
  }
}
