import { useEffect, useState, type FormEvent } from 'react';
import { getApi, unwrap, describeError } from '../api';
import { BrokerBadge } from '../components/BrokerBadge';
import { CopyButton } from '../components/CopyButton';
import { BrokerFieldInput, TextField, apiHostProblem, fieldProblem } from '../components/FieldInput';
import { BrokerFacts } from './BrokerFacts';
import { AUTH_TEXT, REGION, isBrowserLogin, type Draft } from './draft';

/** Step 2: environment, a name, exactly the broker's fields, and the advanced host override. */
export function DetailsStep({ draft, onChange, onBack, onNext }: { draft: Draft; onChange(draft: Draft): void; onBack(): void; onNext(): void }) {
  const { broker } = draft;
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [submitted, setSubmitted] = useState(false);
  const [redirect, setRedirect] = useState<{ uri?: string; error?: string }>({});
  const browser = isBrowserLogin(broker);

  useEffect(() => {
    if (!browser) return;
    let live = true;
    unwrap(getApi().brokers.redirectUri({ broker: broker.id })).then(
      ({ redirectUri }) => live && setRedirect({ uri: redirectUri }),
      (e: unknown) => live && setRedirect({ error: describeError(e) }),
    );
    return () => {
      live = false;
    };
  }, [broker.id, browser]);

  const set = (patch: Partial<Draft>) => onChange({ ...draft, ...patch });
  const labelProblem =
    draft.label.trim() === '' ? 'Give this connection a name, e.g. “Main account”.' : draft.label.trim().length > 64 ? 'Use at most 64 characters.' : null;
  const hostProblem = apiHostProblem(draft.apiHost);
  const problems = [labelProblem, ...broker.fields.map((f) => fieldProblem(f, draft.fields[f.name])), hostProblem].filter(Boolean);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (problems.length > 0) {
      const form = event.currentTarget as HTMLFormElement;
      // The invalid markers render after this state update: focus the first on the next frame.
      requestAnimationFrame(() => form.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    onNext();
  };
  const show = (name: string) => submitted || touched[name] === true;
  const touch = (name: string) => setTouched((t) => ({ ...t, [name]: true }));

  return (
    <form className="wizard-step form" onSubmit={submit} noValidate aria-label={`${broker.name} details`}>
      <div className="picked">
        <BrokerBadge broker={broker} size={40} />
        <div>
          <strong>{broker.name}</strong>
          <div className="muted">
            {REGION[broker.region]} · {AUTH_TEXT[broker.auth]}
          </div>
        </div>
      </div>

      <BrokerFacts broker={broker} />

      <fieldset className="env-picker">
        <legend>Environment</legend>
        {broker.environments.map((env) => (
          <label key={env.id} className={`env-option${draft.environment === env.id ? ' selected' : ''}`}>
            <input type="radio" name="environment" value={env.id} checked={draft.environment === env.id} onChange={() => set({ environment: env.id })} />
            <span className={`env env-${env.id}`}>{env.id.toUpperCase()}</span> {env.label}
          </label>
        ))}
        {broker.environments.length === 1 && <span className="help">{broker.name} offers only this environment.</span>}
        {draft.environment === 'live' && (
          <span className="help">Live connects to your real account. Orders only go live after you switch BrokerVault to live mode and confirm.</span>
        )}
      </fieldset>

      <TextField
        label="Name for this connection"
        required
        value={draft.label}
        onChange={(label) => set({ label })}
        onBlur={() => touch('__label')}
        error={show('__label') ? labelProblem : null}
        help="Only you see this name; it tells your accounts apart."
      />

      {broker.fields.map((field, i) => (
        <BrokerFieldInput
          key={field.name}
          field={field}
          value={draft.fields[field.name] ?? ''}
          onChange={(value) => set({ fields: { ...draft.fields, [field.name]: value } })}
          onBlur={() => touch(field.name)}
          showError={show(field.name)}
          autoFocus={i === 0 && draft.label !== ''}
        />
      ))}

      {broker.auth === 'totp-login' && (
        <p className="info" role="note">
          <strong>No codes to type.</strong> BrokerVault generates the 6-digit login code from your TOTP secret each time it signs in, exactly as your
          authenticator app would.
        </p>
      )}

      {browser && (
        <div className="info" role="note" data-testid="redirect-box">
          <strong>Register this redirect URL</strong> with your {broker.name} app before signing in (it must match exactly):
          {redirect.uri ? (
            <div className="copy-row">
              <code id="redirect-uri" data-testid="redirect-uri">
                {redirect.uri}
              </code>
              <CopyButton value={redirect.uri} targetId="redirect-uri" />
            </div>
          ) : redirect.error ? (
            <p className="error-text">{redirect.error}</p>
          ) : (
            <p className="muted">Loading…</p>
          )}
        </div>
      )}

      {broker.staticIp && (
        <details className="note">
          <summary>
            <strong>Static IP needed for orders</strong>
          </summary>
          <p>{broker.staticIp}</p>
        </details>
      )}

      <details className="advanced" open={draft.apiHost !== '' || undefined}>
        <summary>Advanced</summary>
        <TextField
          label="API host override"
          value={draft.apiHost}
          onChange={(apiHost) => set({ apiHost })}
          onBlur={() => touch('__host')}
          error={show('__host') ? hostProblem : null}
          inputMode="url"
          placeholder={broker.environments.find((e) => e.id === draft.environment)?.baseUrl}
          help="Leave empty to use the broker’s own address. Set it only to reach a proxy or a test server; it is shown on the connection afterwards."
        />
      </details>

      {submitted && problems.length > 0 && (
        <p className="error-box" role="alert" data-testid="wizard-problems">
          {problems.length === 1 ? 'One field needs attention' : `${problems.length} fields need attention`}: {problems[0]}
        </p>
      )}
      {/* One guard for both buttons: a mouse down here keeps the focus in the field, whose blur check (a message
          shown above) would otherwise move the pressed button before the click lands. Keyboard use is unaffected. */}
      <div className="dialog-actions" onMouseDown={(e) => e.preventDefault()}>
        <button type="button" onClick={onBack}>
          Back
        </button>
        <button type="submit" className="primary">
          {browser ? 'Save and sign in' : 'Continue to test'}
        </button>
      </div>
    </form>
  );
}
