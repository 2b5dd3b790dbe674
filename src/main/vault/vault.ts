import type { VaultStatus } from '../../shared/schemas';
import { AppError } from '../errors';
import type { SecretRegistry } from '../log/redact';
import type { Logger } from '../log/logger';
import type { AppSettings } from '../store/app-settings';
import type { Db } from '../store/db';
import { decryptField, encryptField, newMasterKey, type FieldLocation, type MasterKey } from './crypto';
import type { KeyStore } from './keystore';
import { WrongPassphraseError, type PassphraseKeyFile } from './passphrase-keyfile';

type Backend = 'keychain' | 'passphrase';
type State = VaultStatus['state'];

const KEY_ID = 'vault.keyId';
const BACKEND = 'vault.backend';

const GUIDANCE: Record<Exclude<State, 'ready' | 'no-key-yet'>, string> = {
  'keystore-unavailable':
    'No OS keychain could be reached, so BrokerVault will not store credentials. Start or unlock your keychain ' +
    '(on Linux: GNOME Keyring or KWallet with the Secret Service) and restart, or protect the vault with a passphrase in Settings.',
  'key-missing':
    'The key that protects your saved credentials is no longer in the keychain (or the key file is gone). ' +
    'Restore your keychain (or vault.key) from a backup; otherwise delete the affected connections and add them again.',
  locked: 'The vault is protected by a passphrase. Enter it to unlock your saved credentials.',
};

/** Callback the vault uses during rotation to re-encrypt every stored secret inside its transaction. */
export type ReencryptAll = (reencrypt: (location: FieldLocation, stored: string) => string) => number;

export interface VaultDeps {
  db: Db;
  settings: AppSettings;
  keyStore: KeyStore;
  keyFile: PassphraseKeyFile;
  secrets: SecretRegistry;
  log: Logger;
  countSecrets: () => number;
  audit: (action: 'vault.keyCreated' | 'vault.keyRotated' | 'vault.passphraseSetup', detail: Record<string, string>) => void;
}

/**
 * Main-process owner of the master key. Holds the key in memory once loaded, encrypts and decrypts
 * individual fields, rotates the key, and reports its state in words the user can act on.
 * It never creates a key while encrypted rows exist under another one.
 */
export class Vault {
  private key: MasterKey | null = null;
  private state: State = 'no-key-yet';

  constructor(private readonly deps: VaultDeps) {}

  private get backend(): Backend {
    return this.deps.settings.get<Backend>(BACKEND) ?? 'keychain';
  }

  private get keyId(): string | null {
    return this.deps.settings.get<string>(KEY_ID);
  }

  /** Load the key from its backend and settle the state. Safe to call again (e.g. after a keychain comes back). */
  async init(): Promise<void> {
    this.key = null;
    const keyId = this.keyId;
    if (this.backend === 'passphrase') {
      this.state = this.deps.keyFile.exists() ? 'locked' : keyId ? 'key-missing' : 'no-key-yet';
      return;
    }
    if (!(await this.deps.keyStore.available())) {
      this.state = 'keystore-unavailable';
      return;
    }
    try {
      const keys = (await this.deps.keyStore.load()) ?? [];
      const match = keys.find((k) => k.id === keyId);
      if (match) {
        this.key = match;
        this.state = 'ready';
      } else {
        this.state = keyId ? 'key-missing' : 'no-key-yet';
      }
    } catch (error) {
      this.deps.log.warn('keychain could not be read', { error });
      this.state = 'keystore-unavailable';
    }
  }

  status(): VaultStatus {
    const state = this.state;
    return {
      backend: this.backend,
      state,
      keyId: this.keyId,
      secretCount: this.deps.countSecrets(),
      guidance: state === 'ready' || state === 'no-key-yet' ? null : GUIDANCE[state],
    };
  }

  private unavailable(): AppError {
    switch (this.state) {
      case 'keystore-unavailable':
        return new AppError('KEYSTORE_UNAVAILABLE', GUIDANCE['keystore-unavailable']);
      case 'key-missing':
        return new AppError('KEY_MISSING', GUIDANCE['key-missing']);
      case 'locked':
        return new AppError('VAULT_LOCKED', GUIDANCE.locked);
      default:
        return new AppError('INTERNAL', 'The vault has no key yet.');
    }
  }

  /** The key for reading secrets; fails with the named state when it is not loaded. */
  requireKey(): MasterKey {
    if (this.key) return this.key;
    throw this.unavailable();
  }

  /**
   * The key for writing secrets, created on first use. A new key is only ever made when no encrypted
   * row exists, so a missing key can never be papered over.
   */
  async keyForWriting(): Promise<MasterKey> {
    if (this.key) return this.key;
    // Two first saves at once must share one new key, or the second would overwrite the first.
    this.creating ??= this.createKey().finally(() => (this.creating = null));
    return this.creating;
  }

  private creating: Promise<MasterKey> | null = null;

  private async createKey(): Promise<MasterKey> {
    const mayCreate = this.state === 'no-key-yet' || (this.state === 'key-missing' && this.deps.countSecrets() === 0);
    if (!mayCreate || this.backend !== 'keychain') throw this.unavailable();
    const key = newMasterKey();
    try {
      await this.deps.keyStore.save([key]);
    } catch (error) {
      this.deps.log.warn('keychain refused the new key', { error });
      this.state = 'keystore-unavailable';
      throw this.unavailable();
    }
    this.deps.settings.set(KEY_ID, key.id);
    this.deps.audit('vault.keyCreated', { keyId: key.id, backend: 'keychain' });
    this.key = key;
    this.state = 'ready';
    return key;
  }

  encrypt(key: MasterKey, location: FieldLocation, plaintext: string): string {
    // SECURITY: the registry learns each secret under its connection, so that connection's messages are scrubbed of it.
    this.deps.secrets.add(plaintext, location.recordId);
    return encryptField(key, location, plaintext);
  }

  decrypt(location: FieldLocation, stored: string): string {
    const plaintext = decryptField(this.requireKey(), location, stored);
    this.deps.secrets.add(plaintext, location.recordId);
    return plaintext;
  }

  /**
   * Re-encrypt every secret under a fresh key in one transaction. The keychain holds both keys until
   * the transaction commits, so a failure or crash at any point leaves a key that opens every row.
   */
  async rotate(reencryptAll: ReencryptAll): Promise<VaultStatus> {
    const old = this.requireKey();
    const next = newMasterKey();
    await this.saveKeys([old, next]);
    try {
      this.deps.db.transaction(() => {
        const count = reencryptAll((location, stored) => encryptField(next, location, decryptField(old, location, stored)));
        this.deps.settings.set(KEY_ID, next.id);
        this.deps.audit('vault.keyRotated', { from: old.id, to: next.id, secrets: String(count) });
      })();
    } catch (error) {
      await this.saveKeys([old]).catch(() => undefined);
      throw error;
    }
    this.key = next;
    await this.saveKeys([next]).catch((error: unknown) => this.deps.log.warn('old key kept in the keychain after rotation', { error }));
    return this.status();
  }

  private async saveKeys(keys: MasterKey[], passphrase?: string): Promise<void> {
    if (this.backend === 'passphrase') {
      if (!this.passphrase && !passphrase) throw this.unavailable();
      await this.deps.keyFile.write((passphrase ?? this.passphrase)!, keys);
    } else {
      try {
        await this.deps.keyStore.save(keys);
      } catch {
        throw new AppError('KEYSTORE_UNAVAILABLE', GUIDANCE['keystore-unavailable']);
      }
    }
  }

  // The passphrase stays in memory only while the vault is unlocked, so rotation can re-wrap the key file.
  private passphrase: string | null = null;

  /**
   * Protect the vault with a passphrase instead of the keychain: the key (the existing one when the
   * keychain still holds it, else a new one when nothing is encrypted yet) is wrapped in vault.key.
   */
  async setupPassphrase(passphrase: string): Promise<VaultStatus> {
    if (this.backend === 'passphrase') {
      throw new AppError('CONFLICT', 'The vault is already protected by a passphrase.');
    }
    let key = this.key;
    if (!key) {
      if (this.keyId && this.deps.countSecrets() > 0) {
        throw new AppError(
          this.state === 'keystore-unavailable' ? 'KEYSTORE_UNAVAILABLE' : 'KEY_MISSING',
          'Your saved credentials are locked under a keychain key that cannot be reached, so a passphrase cannot be set up now. ' +
            'Make the keychain available, or delete those connections first.',
        );
      }
      key = newMasterKey();
    }
    await this.deps.keyFile.write(passphrase, [key]);
    this.deps.db.transaction(() => {
      this.deps.settings.set(BACKEND, 'passphrase');
      this.deps.settings.set(KEY_ID, key.id);
      this.deps.audit('vault.passphraseSetup', { keyId: key.id });
    })();
    if (this.state === 'ready') await this.deps.keyStore.clear().catch(() => undefined);
    this.key = key;
    this.passphrase = passphrase;
    this.state = 'ready';
    return this.status();
  }

  async unlock(passphrase: string): Promise<VaultStatus> {
    if (this.backend !== 'passphrase') throw new AppError('CONFLICT', 'The vault uses the OS keychain; there is no passphrase to enter.');
    if (this.state === 'ready') return this.status();
    if (!this.deps.keyFile.exists()) throw this.unavailable();
    let keys: MasterKey[];
    try {
      keys = await this.deps.keyFile.read(passphrase);
    } catch (error) {
      if (error instanceof WrongPassphraseError) {
        throw new AppError('WRONG_PASSPHRASE', 'That passphrase does not unlock the vault. Check it and try again.');
      }
      throw error;
    }
    const match = keys.find((k) => k.id === this.keyId);
    if (!match) {
      this.state = 'key-missing';
      throw this.unavailable();
    }
    this.key = match;
    this.passphrase = passphrase;
    this.state = 'ready';
    return this.status();
  }
}
