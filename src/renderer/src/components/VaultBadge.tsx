import { useApp } from '../store';

const TEXT = {
  ready: 'Vault ready',
  'no-key-yet': 'Vault ready',
  'keystore-unavailable': 'No keychain',
  'key-missing': 'Vault key missing',
  locked: 'Vault locked',
} as const;

/** Always-visible vault state; anything but ready links to Settings, where the fix is. */
export function VaultBadge() {
  const { vault, go } = useApp();
  if (!vault) return null;
  const ok = vault.state === 'ready' || vault.state === 'no-key-yet';
  return (
    <button
      type="button"
      className={ok ? 'badge badge-ok' : 'badge badge-warn'}
      data-testid="vault-badge"
      title={
        vault.guidance ?? `Secrets are encrypted with a key kept in the ${vault.backend === 'keychain' ? 'OS keychain' : 'passphrase-protected key file'}.`
      }
      onClick={() => go('settings')}
    >
      {TEXT[vault.state]}
    </button>
  );
}
