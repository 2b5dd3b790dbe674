import * as Dialog from '@radix-ui/react-dialog';
import { useState, type FormEvent } from 'react';
import type { BrokerDescriptor } from '../../../shared/brokers';
import { getApi, unwrap } from '../api';
import { useApp } from '../store';

/**
 * Save a broker's credentials. The full step-by-step wizard (login flows, connection test) builds on
 * this; here the trader picks a broker and environment and fills exactly the broker's fields.
 */
export function AddConnectionDialog() {
  const brokers = useApp((s) => s.brokers);
  const [open, setOpen] = useState(false);
  const [broker, setBroker] = useState<BrokerDescriptor | null>(null);
  const [label, setLabel] = useState('');
  const [environment, setEnvironment] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const reset = () => {
    setBroker(null);
    setLabel('');
    setEnvironment('');
    setFields({});
    setError(null);
  };

  const pick = (id: string) => {
    const found = brokers.find((b) => b.id === id) ?? null;
    setBroker(found);
    setEnvironment(found?.environments[0]?.id ?? '');
    setFields({});
    setError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!broker) return;
    setSaving(true);
    setError(null);
    try {
      await unwrap(
        getApi().connections.create({
          broker: broker.id,
          label,
          environment: environment as BrokerDescriptor['environments'][number]['id'],
          fields,
        }),
      );
      setOpen(false);
      reset();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) reset();
      }}
    >
      <Dialog.Trigger asChild>
        <button type="button" className="primary">
          Add connection
        </button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog" aria-describedby="add-connection-desc">
          <Dialog.Title>Add a broker connection</Dialog.Title>
          <Dialog.Description id="add-connection-desc" className="muted">
            Your credentials are encrypted on this computer and never leave it except to your broker.
          </Dialog.Description>
          <form onSubmit={submit} className="form">
            <label>
              Broker
              <select value={broker?.id ?? ''} onChange={(e) => pick(e.target.value)} required>
                <option value="" disabled>
                  Choose a broker…
                </option>
                {brokers.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name} ({b.region})
                  </option>
                ))}
              </select>
            </label>
            {broker && (
              <>
                <label>
                  Name for this account
                  <input value={label} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. Main account" required maxLength={64} />
                </label>
                <label>
                  Environment
                  <select value={environment} onChange={(e) => setEnvironment(e.target.value)}>
                    {broker.environments.map((env) => (
                      <option key={env.id} value={env.id}>
                        {env.label}
                      </option>
                    ))}
                  </select>
                </label>
                {broker.fields.map((field) => (
                  <label key={field.name}>
                    {field.label}
                    {!field.required && <span className="muted"> (optional)</span>}
                    <input
                      name={field.name}
                      type={field.secret ? 'password' : 'text'}
                      autoComplete="off"
                      spellCheck={false}
                      required={field.required}
                      placeholder={field.placeholder}
                      value={fields[field.name] ?? ''}
                      onChange={(e) => setFields({ ...fields, [field.name]: e.target.value })}
                    />
                    <span className="help">{field.help}</span>
                  </label>
                ))}
                {broker.staticIp && <p className="note">{broker.staticIp}</p>}
              </>
            )}
            {error && (
              <p className="error-box" role="alert">
                {error}
              </p>
            )}
            <div className="dialog-actions">
              <Dialog.Close asChild>
                <button type="button">Cancel</button>
              </Dialog.Close>
              <button type="submit" className="primary" disabled={!broker || saving}>
                {saving ? 'Saving…' : 'Save connection'}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
