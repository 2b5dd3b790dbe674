import type { VaultStatus } from '../../shared/schemas';
import { AppError } from '../errors';

export type VaultState = VaultStatus['state'];

/** What the trader can do about each state other than ready, in plain words. */
export const GUIDANCE: Record<Exclude<VaultState, 'ready' | 'no-key-yet'>, string> = {
  'keystore-unavailable':
    'No OS keychain could be reached (or it did not answer in time), so BrokerVault will not store credentials. Start or unlock your keychain ' +
    '(on Linux: GNOME Keyring or KWallet with the Secret Service) and choose Try again, or protect the vault with a passphrase in Settings.',
  'key-missing':
    'The key that protects your saved credentials is no longer in the keychain (or the key file is gone). ' +
    'Restore your keychain (or vault.key) from a backup; otherwise delete the affected connections and add them again.',
  locked: 'The vault is protected by a passphrase. Enter it to unlock your saved credentials.',
};

/** The error a call that needs the key gets in `state`. */
export function stateError(state: VaultState): AppError {
  switch (state) {
    case 'keystore-unavailable':
      return new AppError('KEYSTORE_UNAVAILABLE', GUIDANCE['keystore-unavailable']);
    case 'key-missing':
      return new AppError('KEY_MISSING', GUIDANCE['key-missing']);
    case 'locked':
      return new AppError('VAULT_LOCKED', GUIDANCE.locked);
    default:
      return new AppError('CONFLICT', 'The vault has no key yet: one is created with your first saved secret.');
  }
}
