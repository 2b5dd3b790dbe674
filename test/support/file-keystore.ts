import fs from 'node:fs';
import type { MasterKey } from '../../src/main/vault/crypto';
import { parseKeys, serializeKeys, type KeyStore } from '../../src/main/vault/keystore';

/** A key store in a plain file, for tests that need the key to outlive a process (crash tests). Never used by the app. */
export class FileKeyStore implements KeyStore {
  readonly name = 'File (testing only)';
  constructor(private readonly file: string) {}
  async available() {
    return true;
  }
  async load(): Promise<MasterKey[] | null> {
    return fs.existsSync(this.file) ? parseKeys(fs.readFileSync(this.file, 'utf8')) : null;
  }
  async save(keys: MasterKey[]) {
    fs.writeFileSync(`${this.file}.tmp`, serializeKeys(keys), { mode: 0o600 });
    fs.renameSync(`${this.file}.tmp`, this.file);
  }
  async clear() {
    fs.rmSync(this.file, { force: true });
  }
}
