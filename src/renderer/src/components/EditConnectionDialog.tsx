import { useState, type FormEvent } from 'react';
import type { BrokerField } from '../../../shared/brokers';
import type { ConnectionView, UpdateConnectionInput } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { useAction } from '../hooks/useAction';
import { useBroker } from '../store';
import { ErrorText } from './ErrorText';
import { BrokerFieldInput, TextField, apiHostProblem, fieldProblem } from './FieldInput';
import { Modal } from './Modal';
import { Spinner } from './Spinner';

/**
 * Rename a connection, rotate its credentials (blank fields keep their saved value) or change its host.
 * Saved values are never shown: secrets only as their masked preview.
 */
export function EditConnectionDialog({ connection, open, onOpenChange }: { connection: ConnectionView; open: boolean; onOpenChange(open: boolean): void }) {
  const broker = useBroker(connection.broker);
  const [label, setLabel] = useState(connection.label);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [apiHost, setApiHost] = useState(connection.apiHost ?? '');
  const [submitted, setSubmitted] = useState(false);
  const { busy, error, run } = useAction();

  const previews = new Map(connection.fields.map((f) => [f.name, f.preview]));
  const labelProblem = label.trim() === '' ? 'Give this connection a name.' : null;
  const hostProblem = apiHostProblem(apiHost);
  const host = apiHost.trim() === '' ? null : apiHost.trim();
  // Main never sends saved credentials to a new address: a new host needs every saved secret typed again.
  const hostChanged = host !== connection.apiHost;
  const reenter = (f: BrokerField) => hostChanged && f.secret && (previews.has(f.name) || f.required);
  const missing = (broker?.fields ?? []).filter((f) => reenter(f) && (fields[f.name] ?? '').trim() === '');
  const problems = [
    labelProblem,
    hostProblem,
    ...(broker?.fields ?? []).map((f) => fieldProblem(f, fields[f.name], { optionalBlank: !reenter(f) })),
    missing.length ? 'missing' : null,
  ].filter(Boolean);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (problems.length) return;
    const patch: UpdateConnectionInput = { id: connection.id };
    if (label.trim() !== connection.label) patch.label = label.trim();
    const changed = Object.fromEntries(
      Object.entries(fields)
        .filter(([, v]) => v.trim() !== '')
        .map(([k, v]) => [k, v.trim()]),
    );
    if (Object.keys(changed).length) patch.fields = changed;
    if (hostChanged) patch.apiHost = host;
    const done = await run(() => unwrap(getApi().connections.update(patch)));
    if (done) {
      setFields({});
      onOpenChange(false);
    }
  };

  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title={`Edit “${connection.label}”`}
      description="Leave a credential blank to keep the saved one. New credentials are checked at the next connection test."
    >
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <TextField label="Name" required value={label} onChange={setLabel} error={submitted ? labelProblem : null} />
        <h3 className="subhead">Credentials</h3>
        {(broker?.fields ?? []).map((field) => (
          <BrokerFieldInput
            key={field.name}
            field={field}
            value={fields[field.name] ?? ''}
            onChange={(v) => setFields({ ...fields, [field.name]: v })}
            onBlur={() => undefined}
            showError={submitted}
            keepPreview={reenter(field) ? undefined : (previews.get(field.name) ?? '')}
          />
        ))}
        {hostChanged && (
          <p className="note" data-testid="host-needs-secrets" role={submitted && missing.length ? 'alert' : undefined}>
            {missing.length
              ? `A new API host needs this connection’s credentials again: enter ${missing.map((f) => f.label).join(', ')}. Saved credentials are never sent to a new address.`
              : 'A new API host needs this connection’s credentials again: saved credentials are never sent to a new address.'}
          </p>
        )}
        <details className="advanced" open={apiHost !== '' || undefined}>
          <summary>Advanced</summary>
          <TextField
            label="API host override"
            value={apiHost}
            onChange={setApiHost}
            error={submitted ? hostProblem : null}
            inputMode="url"
            help="Leave empty to use the broker’s own address."
          />
        </details>
        <ErrorText error={error} />
        <div className="dialog-actions">
          {busy && <Spinner label="Saving…" />}
          <button type="button" onClick={() => onOpenChange(false)} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Save changes
          </button>
        </div>
      </form>
    </Modal>
  );
}
