import { useState, type FormEvent } from 'react';
import { THEMES, type Settings } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { useApp } from '../store';

export function SettingsPage() {
  const { vault, settings } = useApp();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const api = getApi();

  const run = async (fn: () => Promise<unknown>, success: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await fn();
      setMessage({ ok: true, text: success });
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const save = (patch: Partial<Settings>) => void run(() => unwrap(api.settings.set(patch)), 'Settings saved.');
  const submitPassphrase = (event: FormEvent) => {
    event.preventDefault();
    const locked = vault?.state === 'locked';
    void run(
      () => unwrap(locked ? api.vault.unlock({ passphrase }) : api.vault.setupPassphrase({ passphrase })),
      locked ? 'Vault unlocked.' : 'The vault is now protected by your passphrase. Keep it safe: it cannot be recovered.',
    ).then(() => setPassphrase(''));
  };

  const offerPassphrase = vault && (vault.state === 'locked' || (vault.backend === 'keychain' && vault.state !== 'key-missing'));

  return (
    <section className="settings">
      <h2>Credential vault</h2>
      {vault && (
        <div className="panel" data-testid="vault-panel">
          <p>
            Key kept in: <strong>{vault.backend === 'keychain' ? 'the OS keychain' : 'a passphrase-protected key file'}</strong>. State:{' '}
            <strong data-testid="vault-state">{vault.state}</strong>. Encrypted secrets: {vault.secretCount}.
          </p>
          {vault.guidance && (
            <p className="note" role="note">
              {vault.guidance}
            </p>
          )}
          {vault.state === 'ready' && (
            <button type="button" disabled={busy} onClick={() => void run(() => unwrap(api.vault.rotateKey()), 'Key rotated: every secret is now encrypted under a new key.')}>
              {busy ? 'Working…' : 'Rotate encryption key'}
            </button>
          )}
          {offerPassphrase && (
            <form onSubmit={submitPassphrase} className="form inline">
              <label>
                {vault.state === 'locked' ? 'Passphrase' : 'Protect with a passphrase instead of the keychain'}
                <input type="password" autoComplete="new-password" value={passphrase} minLength={12} onChange={(e) => setPassphrase(e.target.value)} />
              </label>
              <button type="submit" disabled={busy || passphrase.length < 12}>
                {vault.state === 'locked' ? 'Unlock' : 'Use passphrase'}
              </button>
            </form>
          )}
        </div>
      )}
      {settings && (
        <>
          <h2>Preferences</h2>
          <div className="panel form">
            <label>
              Theme
              <select value={settings.theme} onChange={(e) => save({ theme: e.target.value as Settings['theme'] })}>
                {THEMES.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
            <label>
              Connection check interval (seconds)
              <input
                type="number"
                min={30}
                max={3600}
                defaultValue={settings.checkIntervalSec}
                onBlur={(e) => {
                  const value = Number(e.target.value);
                  if (value !== settings.checkIntervalSec) save({ checkIntervalSec: value });
                }}
              />
            </label>
            <label className="checkbox">
              <input type="checkbox" checked={settings.notificationsEnabled} onChange={(e) => save({ notificationsEnabled: e.target.checked })} />
              Desktop notifications (token expiry, mode changes)
            </label>
          </div>
        </>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok-text' : 'error-box'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
