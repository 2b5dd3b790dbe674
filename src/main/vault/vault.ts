import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { VaultStatus } from '../../shared/schemas';
import { AppError } from '../errors';
import { Emitter } from '../events';
import type { SecretRegistry } from '../log/redact';
import type { Logger } from '../log/types';
import type { AppSettings } from '../store/app-settings';
import type { Db } from '../store/db';
import { decryptField, encryptField, keyIdOf, newMasterKey, type FieldLocation, type MasterKey } from './crypto';
import { KeychainRing, profileAccount } from './keychain-ring';
import { mergeKeys, type KeyStore } from './keystore';
import { WrongPassphraseError, type PassphraseKeyFile } from './passphrase-keyfile';
import { SerialQueue } from './serial-queue';
import { GUIDANCE, stateError, type VaultState } from './vault-guidance';

const BackendSchema = z.enum(['keychain', 'passphrase']);
type Backend = z.infer<typeof BackendSchema>;

const KEY_ID = 'vault.keyId';
const BACKEND = 'vault.backend';
/** Names this database's keychain record; kept in the database so a restored backup finds its own record. */
const PROFILE_ID = 'vault.profileId';

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
 * Main-process owner of the master keys. Loads them from the profile's keychain record or the passphrase
 * key file, encrypts and decrypts fields, rotates, and reports its state in words the user can act on.
 *
 * SECURITY: every key change, and every write that encrypts under the key, runs in one queue. Each change
 * stores its new key before the database names it, and no key is ever dropped by a change: the key id the
 * database records always names a stored key, whatever step a crash interrupts.
 */
export class Vault {
  private current: MasterKey | null = null;
  /** Every key the backend holds for this profile, retired ones included (rows under them still decrypt). */
  private readonly known = new Map<string, MasterKey>();
  private state: VaultState = 'no-key-yet';
  // The passphrase stays in memory only while the vault is unlocked, so rotation can re-wrap the key file.
  private passphrase: string | null = null;
  private readonly queue = new SerialQueue();
  private ringCache: KeychainRing | null = null;
  private readonly didChange = new Emitter<VaultStatus>();
  /** Fires with the new status after a key change, passphrase set-up, unlock or retry succeeds. */
  readonly onDidChange = this.didChange.event;

  constructor(private readonly deps: VaultDeps) {}

  /**
   * Resolves once every key change and encrypting write queued before this call has finished, so the database
   * can be closed under the vault (Settings → Restore) without cutting one off halfway.
   */
  settled(): Promise<void> {
    return this.queue.run(() => undefined);
  }

  /** Announce the status once the queued change has finished (a failed change announces nothing). */
  private async announced(change: Promise<VaultStatus>): Promise<VaultStatus> {
    const status = await change;
    this.didChange.fire(this.status());
    return status;
  }

  private get backend(): Backend {
    return this.deps.settings.get(BACKEND, BackendSchema) ?? 'keychain';
  }

  private get keyId(): string | null {
    return this.deps.settings.get(KEY_ID, z.string());
  }

  /** The profile's keychain record; the profile id is made on first need (the first start with per-profile records). */
  private ring(): KeychainRing {
    let profileId = this.deps.settings.get(PROFILE_ID, z.string());
    if (!profileId) {
      profileId = randomBytes(16).toString('hex');
      this.deps.settings.set(PROFILE_ID, profileId);
    }
    if (this.ringCache?.account !== profileAccount(profileId)) this.ringCache = new KeychainRing(this.deps.keyStore, profileId, this.deps.log);
    return this.ringCache;
  }

  /** This profile's keychain record (tests and support look at it; it holds no secret). */
  get keychainAccount(): string {
    return this.ring().account;
  }

  /** Load the keys from their backend and settle the state. Safe to call again (e.g. after a keychain comes back). */
  init(): Promise<void> {
    return this.queue.run(() => this.load());
  }

  /**
   * Load again (the keychain may have come back, or its key been restored) and report the state: the "Try
   * again" of keystore-unavailable. A ready vault stays as it is, so an unlocked passphrase vault is not locked.
   */
  retry(): Promise<VaultStatus> {
    return this.announced(
      this.queue.run(async () => {
        if (this.state !== 'ready') await this.load();
        return this.status();
      }),
    );
  }

  private async load(): Promise<void> {
    this.current = null;
    this.known.clear();
    this.passphrase = null;
    if (this.backend === 'passphrase') {
      this.state = this.deps.keyFile.exists() ? 'locked' : this.keyId ? 'key-missing' : 'no-key-yet';
      return;
    }
    try {
      if (!(await this.ring().available())) {
        this.state = 'keystore-unavailable';
        return;
      }
      this.remember(await this.ring().load(this.keyId));
    } catch (error) {
      this.deps.log.warn('keychain could not be read', { error });
      this.state = 'keystore-unavailable';
      return;
    }
    this.settle();
  }

  private remember(keys: readonly MasterKey[]): void {
    for (const key of keys) this.known.set(key.id, key);
  }

  /** The current key is the one the database names; without it the state says why. */
  private settle(): void {
    const keyId = this.keyId;
    this.current = keyId ? (this.known.get(keyId) ?? null) : null;
    this.state = this.current ? 'ready' : keyId ? 'key-missing' : 'no-key-yet';
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

  /** The key for reading secrets; fails with the named state when it is not loaded. */
  requireKey(): MasterKey {
    if (this.current) return this.current;
    throw stateError(this.state);
  }

  /**
   * Run `write` (a synchronous database transaction) with the key to encrypt under, created on first use.
   * SECURITY: queued with key changes, so the key `write` encrypts under is the one committed when it runs.
   * A new key is only ever made when no encrypted row exists, so a missing key can never be papered over.
   */
  withWriteKey<T>(write: (key: MasterKey) => T): Promise<T> {
    return this.queue.run(async () => write(this.current ?? (await this.createKey())));
  }

  private async createKey(): Promise<MasterKey> {
    const mayCreate = this.state === 'no-key-yet' || (this.state === 'key-missing' && this.deps.countSecrets() === 0);
    if (!mayCreate || this.backend !== 'keychain') throw stateError(this.state);
    const key = newMasterKey();
    try {
      this.remember(await this.ring().add([key]));
    } catch (error) {
      this.deps.log.warn('keychain refused the new key', { error });
      this.state = 'keystore-unavailable';
      throw stateError(this.state);
    }
    // SECURITY: the database names the key only once the keychain holds it.
    this.commit(() => {
      this.deps.settings.set(KEY_ID, key.id);
      this.deps.audit('vault.keyCreated', { keyId: key.id, backend: 'keychain' });
    });
    this.settle();
    return key;
  }

  encrypt(key: MasterKey, location: FieldLocation, plaintext: string): string {
    // SECURITY: the registry learns each secret under its connection, so that connection's messages are scrubbed of it.
    this.deps.secrets.add(plaintext, location.recordId);
    return encryptField(key, location, plaintext);
  }

  decrypt(location: FieldLocation, stored: string): string {
    const plaintext = decryptField(this.keyFor(stored), location, stored);
    this.deps.secrets.add(plaintext, location.recordId);
    return plaintext;
  }

  /** The key a stored value names, when this profile holds it; else the current key (which then fails loudly). */
  private keyFor(stored: string): MasterKey {
    const current = this.requireKey();
    return this.known.get(keyIdOf(stored) ?? '') ?? current;
  }

  /**
   * Re-encrypt every secret under a fresh key in one transaction. The new key is stored beside the old
   * one first; the old one stays stored (retired) after the commit, so a crash at any step, and any
   * backup of the database taken before, still finds the key its rows name.
   */
  rotate(reencryptAll: ReencryptAll): Promise<VaultStatus> {
    return this.announced(
      this.queue.run(async () => {
        const old = this.requireKey();
        const next = newMasterKey();
        await this.storeKeys([next]);
        this.commit(() => {
          const count = reencryptAll((location, stored) => encryptField(next, location, decryptField(this.keyFor(stored), location, stored)));
          this.deps.settings.set(KEY_ID, next.id);
          this.deps.audit('vault.keyRotated', { from: old.id, to: next.id, secrets: String(count) });
        });
        this.settle();
        return this.status();
      }),
    );
  }

  /** Add keys to the backend (durably) before the database may name them. */
  private async storeKeys(keys: MasterKey[]): Promise<void> {
    if (this.backend === 'passphrase') {
      if (!this.passphrase) throw stateError(this.state);
      const all = mergeKeys([...this.known.values()], keys);
      await this.deps.keyFile.write(this.passphrase, all);
      this.remember(all);
      return;
    }
    try {
      this.remember(await this.ring().add(keys));
    } catch (error) {
      this.deps.log.warn('keychain refused a new key', { error });
      throw new AppError('KEYSTORE_UNAVAILABLE', GUIDANCE['keystore-unavailable']);
    }
  }

  private commit(change: () => void): void {
    this.deps.db.transaction(change)();
  }

  /**
   * Protect the vault with a passphrase instead of the keychain: every key of this profile (the keychain's,
   * or a new one when nothing is encrypted yet) is wrapped in vault.key, beside the keys of any existing
   * vault.key this passphrase opens. Only once the database names the passphrase backend are the moved
   * keys taken out of the keychain, which would otherwise still open the secrets without the passphrase.
   */
  setupPassphrase(passphrase: string): Promise<VaultStatus> {
    return this.announced(
      this.queue.run(async () => {
        if (this.backend === 'passphrase') throw new AppError('CONFLICT', 'The vault is already protected by a passphrase.');
        let key = this.current;
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
        const fromKeychain = [...this.known.values()];
        const all = mergeKeys(mergeKeys(await this.deps.keyFile.keysToKeep(passphrase), fromKeychain), [key]);
        await this.deps.keyFile.write(passphrase, all);
        const keyId = key.id;
        this.commit(() => {
          this.deps.settings.set(BACKEND, 'passphrase');
          this.deps.settings.set(KEY_ID, keyId);
          this.deps.audit('vault.passphraseSetup', { keyId });
        });
        this.remember(all);
        this.passphrase = passphrase;
        this.settle();
        if (fromKeychain.length > 0) {
          await this.ring()
            .remove(fromKeychain.map((k) => k.id))
            .catch((error: unknown) => this.deps.log.warn('keychain copy of the key kept', { error }));
        }
        return this.status();
      }),
    );
  }

  unlock(passphrase: string): Promise<VaultStatus> {
    return this.announced(
      this.queue.run(async () => {
        if (this.backend !== 'passphrase') throw new AppError('CONFLICT', 'The vault uses the OS keychain; there is no passphrase to enter.');
        if (this.state === 'ready') return this.status();
        if (!this.deps.keyFile.exists()) throw stateError(this.state);
        let keys: MasterKey[];
        try {
          keys = await this.deps.keyFile.read(passphrase);
        } catch (error) {
          if (error instanceof WrongPassphraseError) {
            throw new AppError('WRONG_PASSPHRASE', 'That passphrase does not unlock the vault. Check it and try again.');
          }
          throw error;
        }
        this.remember(keys);
        this.settle();
        if (!this.current) throw stateError(this.state);
        this.passphrase = passphrase;
        return this.status();
      }),
    );
  }
}
