import { useState, type FormEvent } from 'react';
import type { VaultStatus } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorText } from '../components/ErrorText';
import { TextField } from '../components/FieldInput';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';

const STATE_WORDS: Record<VaultStatus['state'], string> = {
  ready: 'Ready',
  'no-key-yet': 'Ready (a key is created with your first secret)',
  'keystore-unavailable': 'No keychain on this computer',
  'key-missing': 'Key missing',
  locked: 'Locked',
};

/** Where the encryption key lives, key rotation, and passphrase mode when there is no keychain. */
export function VaultSection() {
  const vault = useApp((s) => s.vault);
  const [rotating, setRotating] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const retry = useAction();
  if (!vault) return null;

  const locked = vault.state === 'locked';
  const offerPassphrase = locked || vault.state === 'keystore-unavailable' || (vault.backend === 'keychain' && vault.state !== 'key-missing');
  const mismatch = !locked && repeat !== '' && repeat !== passphrase;
  // A keychain that was unreachable, timed out, or had its key restored may answer now.
  const offerRetry = vault.backend === 'keychain' && (vault.state === 'keystore-unavailable' || vault.state === 'key-missing');
  const tryAgain = async () => {
    const status = await retry.run(() => unwrap(getApi().vault.retry()));
    if (status) useApp.setState({ vault: status });
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (passphrase.length < 12 || (!locked && passphrase !== repeat)) return;
    const ok = await run(() => unwrap(locked ? getApi().vault.unlock({ passphrase }) : getApi().vault.setupPassphrase({ passphrase })));
    if (ok) {
      useApp.setState({ vault: ok });
      setPassphrase('');
      setRepeat('');
      setDone(locked ? 'Vault unlocked.' : 'The vault is now protected by your passphrase. Keep it safe: it cannot be recovered.');
    }
  };

  return (
    <section className="panel" aria-labelledby="vault-h" data-testid="vault-panel">
      <h2 id="vault-h">Credential vault</h2>
      <dl className="fields">
        <div>
          <dt>Key kept in</dt>
          <dd>{vault.backend === 'keychain' ? 'the OS keychain' : 'a passphrase-protected key file'}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>
            {/* Words for the trader; the state's code only as data, for tests. */}
            <span data-testid="vault-state" data-state={vault.state}>
              {STATE_WORDS[vault.state] ?? 'Unknown'}
            </span>
          </dd>
        </div>
        <div>
          <dt>Encrypted secrets</dt>
          <dd>{vault.secretCount}</dd>
        </div>
      </dl>
      {vault.guidance && (
        <p className="note" role="note">
          {vault.guidance}
        </p>
      )}
      {offerRetry && (
        <div className="row">
          <button type="button" onClick={() => void tryAgain()} disabled={retry.busy}>
            Try again
          </button>
          {retry.busy && <Spinner label="Asking the keychain…" />}
          <ErrorText error={retry.error} />
        </div>
      )}
      {vault.state === 'ready' && (
        <button type="button" onClick={() => setRotating(true)}>
          Rotate encryption key…
        </button>
      )}
      {offerPassphrase && (
        <form onSubmit={(e) => void submit(e)} className="form passphrase-form" noValidate>
          <h3 className="subhead">
            {locked
              ? 'Unlock with your passphrase'
              : vault.state === 'keystore-unavailable'
                ? 'Protect the vault with a passphrase'
                : 'Use a passphrase instead of the keychain'}
          </h3>
          {vault.state === 'keystore-unavailable' && (
            <p className="muted small">
              This computer has no keychain BrokerVault can use, so your credentials need a passphrase. You type it once each time BrokerVault starts.
            </p>
          )}
          <TextField
            label="Passphrase"
            secret
            required
            value={passphrase}
            onChange={setPassphrase}
            help={locked ? undefined : 'At least 12 characters. It cannot be recovered: if you forget it, you must enter your broker credentials again.'}
            error={passphrase !== '' && passphrase.length < 12 ? 'Use at least 12 characters.' : null}
          />
          {!locked && (
            <TextField label="Repeat passphrase" secret required value={repeat} onChange={setRepeat} error={mismatch ? 'The two passphrases differ.' : null} />
          )}
          <div className="row">
            <button type="submit" className="primary" disabled={busy || passphrase.length < 12 || (!locked && passphrase !== repeat)}>
              {locked ? 'Unlock' : 'Use passphrase'}
            </button>
            {busy && <Spinner label={locked ? 'Unlocking…' : 'Re-encrypting…'} />}
          </div>
        </form>
      )}
      <ErrorText error={error} />
      {done && (
        <p className="ok-text" role="status">
          {done}
        </p>
      )}
      <ConfirmDialog
        open={rotating}
        onOpenChange={setRotating}
        danger={false}
        title="Rotate the encryption key?"
        body="Every saved secret is re-encrypted under a new key. The old key is kept, retired, so backups of your data made before today still open. Takes a moment; your connections keep working."
        confirmLabel="Rotate key"
        busyLabel="Re-encrypting…"
        onConfirm={async () => {
          useApp.setState({ vault: await unwrap(getApi().vault.rotateKey()) });
          setDone('Key rotated: every secret is now encrypted under a new key.');
        }}
      />
    </section>
  );
}
