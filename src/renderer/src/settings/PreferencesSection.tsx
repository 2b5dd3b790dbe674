import { useState } from 'react';
import type { Settings } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';

const THEME_WORDS: [Settings['theme'], string][] = [
  ['system', 'Match system'],
  ['light', 'Light'],
  ['dark', 'Dark'],
];

/** Theme, health-check interval, auto re-login and notifications; each change is saved at once. */
export function PreferencesSection() {
  const settings = useApp((s) => s.settings);
  const [interval, setIntervalText] = useState(String(settings?.checkIntervalSec ?? 300));
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  if (!settings) return null;

  // The control shows the change at once; main's answer then stands (what it saved, or what it holds after a refusal).
  const save = async (patch: Partial<Settings>) => {
    setSaved(false);
    const before = useApp.getState().settings;
    if (before) useApp.setState({ settings: { ...before, ...patch } });
    const next = await run(() => unwrap(getApi().settings.set(patch)));
    if (next) {
      useApp.setState({ settings: next });
      setSaved(true);
    } else if (before) {
      useApp.setState({ settings: before });
    }
  };
  const n = Number(interval);
  const intervalProblem = Number.isInteger(n) && n >= 30 && n <= 3600 ? null : 'Enter whole seconds between 30 and 3600.';

  return (
    <section className="panel" aria-labelledby="prefs-h">
      <h2 id="prefs-h">Preferences</h2>
      <div className="form">
        <fieldset className="segmented-field">
          <legend>Theme</legend>
          <div className="segmented">
            {THEME_WORDS.map(([t, label]) => (
              <label key={t} className={settings.theme === t ? 'selected' : ''}>
                <input type="radio" name="theme" value={t} checked={settings.theme === t} onChange={() => void save({ theme: t })} />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field">
          Check connections every (seconds)
          <div className="row">
            <input
              inputMode="numeric"
              value={interval}
              onChange={(e) => setIntervalText(e.target.value)}
              aria-invalid={intervalProblem ? true : undefined}
              className="narrow"
            />
            <button
              type="button"
              disabled={busy || intervalProblem !== null || n === settings.checkIntervalSec}
              onClick={() => void save({ checkIntervalSec: n })}
            >
              Apply
            </button>
          </div>
          {intervalProblem ? (
            <span className="field-error">{intervalProblem}</span>
          ) : (
            <span className="help">How often the Health panel re-checks each active connection.</span>
          )}
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={settings.autoRelogin} onChange={(e) => void save({ autoRelogin: e.target.checked })} />
          <span>
            Sign in again automatically when a session expires
            <span className="help block">For brokers that allow it without a browser (TOTP, app key, refresh token). Browser sign-ins always need you.</span>
          </span>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={settings.paperChargesEstimate} onChange={(e) => void save({ paperChargesEstimate: e.target.checked })} />
          <span>
            Estimate charges on paper fills
            <span className="help block">
              Deducts BrokerVault&apos;s estimate of brokerage, STT, exchange charges, GST and stamp duty (India) or SEC and FINRA fees on sells (US) from paper
              cash and realised P&amp;L. An estimate at stated rates, not any broker&apos;s bill.
            </span>
          </span>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={settings.notificationsEnabled} onChange={(e) => void save({ notificationsEnabled: e.target.checked })} />
          <span>
            Desktop notifications
            <span className="help block">Token expiry, failed checks, mode changes and fills.</span>
          </span>
        </label>
      </div>
      <div className="row" aria-live="polite">
        {busy && <Spinner label="Saving…" />}
        {saved && !busy && <span className="ok-text small">Saved.</span>}
      </div>
      <ErrorText error={error} />
    </section>
  );
}
