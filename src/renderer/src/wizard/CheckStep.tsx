import { useEffect, useRef, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import type { ConnectionView } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';
import { AccountSummary } from './AccountSummary';
import { draftInput, type Draft } from './draft';

type Checked = ChannelOutput<'connections:test'>;

/** Step 3 for brokers checked without a browser: try the credentials (nothing saved), then save. */
export function CheckStep({ draft, onBack, onSaved }: { draft: Draft; onBack(): void; onSaved(connection: ConnectionView): void }) {
  const test = useAction();
  const save = useAction();
  const [checked, setChecked] = useState<Checked | null>(null);
  const started = useRef(false);

  const runTest = async () => {
    setChecked(null);
    const { label: _label, ...input } = draftInput(draft);
    const result = await test.run(() => unwrap(getApi().connections.test(input)));
    if (result) setChecked(result);
  };

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void runTest();
    // Run once when the step opens; "Test again" reruns it.
  }, []);

  const saveNow = async () => {
    const connection = await save.run(() => unwrap(getApi().connections.connect(draftInput(draft))));
    if (connection) onSaved(connection);
  };

  const busy = test.busy || save.busy;
  return (
    <div className="wizard-step">
      <h3>Test the connection</h3>
      <p className="muted">BrokerVault signs in to {draft.broker.name} with what you entered and reads your account. Nothing is saved until you choose Save.</p>
      <div className="check-box" aria-live="polite">
        {test.busy && <Spinner label={`Contacting ${draft.broker.name}…`} />}
        {checked && (
          <div className="ok-box" role="status" data-testid="test-ok">
            <strong>✓ {draft.broker.name} accepted these credentials.</strong>
            <AccountSummary account={checked} />
          </div>
        )}
        {test.error && (
          <div data-testid="test-error">
            <ErrorText error={test.error} />
            <p className="help">Go back to correct the fields, or test again if the problem was temporary.</p>
          </div>
        )}
      </div>
      <ErrorText error={save.error} testId="save-error" />
      <div className="dialog-actions">
        {save.busy && <Spinner label="Saving and signing in…" />}
        <button type="button" onClick={onBack} disabled={busy}>
          Back
        </button>
        <button type="button" onClick={() => void runTest()} disabled={busy}>
          Test again
        </button>
        <button type="button" className="primary" onClick={() => void saveNow()} disabled={busy || !checked}>
          Save connection
        </button>
      </div>
    </div>
  );
}
