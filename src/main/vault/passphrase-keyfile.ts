import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeFileDurably } from '../durable-file';
import type { MasterKey } from './crypto';
import { parseKeys, serializeKeys } from './keystore';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's recommended minimum for scrypt is N=2^17, r=8, p=1 (about 128 MiB and a few hundred ms). */
export const STRONG_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

interface KeyFileContents {
  v: 1;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  nonce: string;
  tag: string;
  wrapped: string;
}

export class WrongPassphraseError extends Error {
  constructor() {
    super('wrong passphrase');
    this.name = 'WrongPassphraseError';
  }
}

/**
 * The master key wrapped under a key derived from the user's passphrase (scrypt), for machines with no
 * OS keychain. The file is 0600 and replaced atomically (write to a temporary file, then rename).
 */
export class PassphraseKeyFile {
  readonly file: string;
  constructor(
    dataDir: string,
    private readonly params: ScryptParams = STRONG_SCRYPT,
  ) {
    this.file = path.join(dataDir, 'vault.key');
  }

  exists(): boolean {
    return fs.existsSync(this.file);
  }

  private async derive(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
    return scrypt(passphrase.normalize('NFKC'), salt, 32, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 });
  }

  async write(passphrase: string, keys: MasterKey[]): Promise<void> {
    const salt = randomBytes(16);
    const nonce = randomBytes(12);
    const kek = await this.derive(passphrase, salt, this.params);
    const cipher = createCipheriv('aes-256-gcm', kek, nonce);
    cipher.setAAD(Buffer.from('brokervault-keyfile-v1'));
    const wrapped = Buffer.concat([cipher.update(serializeKeys(keys), 'utf8'), cipher.final()]);
    const contents: KeyFileContents = {
      v: 1,
      kdf: 'scrypt',
      ...this.params,
      salt: salt.toString('base64'),
      nonce: nonce.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      wrapped: wrapped.toString('base64'),
    };
    // Durable before the database may name a key in it (the database commits with synchronous=FULL).
    writeFileDurably(this.file, JSON.stringify(contents));
  }

  /**
   * Keys an existing vault.key holds that must survive a new passphrase setup: those it holds when
   * `passphrase` opens it. A file this passphrase does not open is moved aside (never deleted), so a
   * restored database that needs one of its keys can still be opened with the old passphrase.
   */
  async keysToKeep(passphrase: string): Promise<MasterKey[]> {
    if (!this.exists()) return [];
    try {
      return await this.read(passphrase);
    } catch {
      // SECURITY: never overwrite a key file whose keys this profile cannot read.
      fs.renameSync(this.file, `${this.file}.${Date.now()}.old`);
      return [];
    }
  }

  /** Throws WrongPassphraseError when the passphrase does not open the file. */
  async read(passphrase: string): Promise<MasterKey[]> {
    const contents = JSON.parse(fs.readFileSync(this.file, 'utf8')) as KeyFileContents;
    if (contents.v !== 1 || contents.kdf !== 'scrypt') throw new Error('unrecognised key file');
    const kek = await this.derive(passphrase, Buffer.from(contents.salt, 'base64'), contents);
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(contents.nonce, 'base64'));
      decipher.setAAD(Buffer.from('brokervault-keyfile-v1'));
      decipher.setAuthTag(Buffer.from(contents.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(contents.wrapped, 'base64')), decipher.final()]);
      return parseKeys(plain.toString('utf8'));
    } catch {
      throw new WrongPassphraseError();
    }
  }
}
