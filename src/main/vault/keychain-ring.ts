import type { Logger } from '../log/types';
import type { MasterKey } from './crypto';
import { KeyStoreUnavailableError, mergeKeys, type KeyStore } from './keystore';

/** The one global record versions before per-profile records used; it may belong to any profile. */
export const LEGACY_ACCOUNT = 'master-key';

/** The keychain account of one profile: each profile (database) has its own record. */
export function profileAccount(profileId: string): string {
  return `master-key:${profileId}`;
}

/**
 * One profile's keychain record, add-only. Every key this profile ever used stays in it under its
 * key id, so a restored database backup, or one a crash left on an older key, always finds its key.
 */
export class KeychainRing {
  readonly account: string;

  constructor(
    private readonly store: KeyStore,
    profileId: string,
    private readonly log: Logger,
  ) {
    this.account = profileAccount(profileId);
  }

  available(): Promise<boolean> {
    return this.store.available();
  }

  /**
   * The profile's keys. When the record lacks `wanted` (the key id the database uses) and the legacy
   * global record holds it, the key is adopted: copied into this profile's record.
   * SECURITY: the legacy record is left in place, since another profile may still use it.
   */
  async load(wanted: string | null): Promise<MasterKey[]> {
    const own = (await this.store.load(this.account)) ?? [];
    if (!wanted || own.some((k) => k.id === wanted)) return own;
    const legacy = ((await this.store.load(LEGACY_ACCOUNT)) ?? []).find((k) => k.id === wanted);
    if (!legacy) return own;
    this.log.info('vault key adopted from the legacy keychain record', { keyId: wanted });
    return this.add([legacy]);
  }

  /**
   * Store `keys` beside the keys already in the record and read it back; resolves with everything stored.
   * SECURITY: a stored key is never replaced or dropped (mergeKeys), and a write the read-back does not
   * show counts as a keychain failure rather than a stored key.
   */
  async add(keys: MasterKey[]): Promise<MasterKey[]> {
    const stored = (await this.store.load(this.account)) ?? [];
    const merged = mergeKeys(stored, keys);
    if (merged.length > stored.length) await this.store.save(this.account, merged);
    const after = (await this.store.load(this.account)) ?? [];
    if (!keys.every((k) => after.some((a) => a.id === k.id && a.key.equals(k.key)))) {
      throw new KeyStoreUnavailableError(new Error('the keychain did not keep the key'));
    }
    return after;
  }

  /** Drop keys that now live elsewhere (moved into the passphrase key file); other keys stay. */
  async remove(keyIds: readonly string[]): Promise<void> {
    const stored = (await this.store.load(this.account)) ?? [];
    const kept = stored.filter((k) => !keyIds.includes(k.id));
    if (kept.length === stored.length) return;
    if (kept.length === 0) await this.store.clear(this.account);
    else await this.store.save(this.account, kept);
  }
}
