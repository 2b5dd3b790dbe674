import { useEffect, useRef, useState } from 'react';
import type { ConnectionView } from '../../../shared/schemas';
import { CallError, describeError, getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { draftInput, type Draft } from './draft';

type Phase = { kind: 'saving' } | { kind: 'starting' } | { kind: 'waiting'; loginHost: string } | { kind: 'failed'; error: string } | { kind: 'cancelled' };

/** Step 3 for browser-login brokers: save, open the broker's sign-in page, wait for the redirect. */
export function SignInStep({
  draft,
  savedId,
  onSavedId,
  onBack,
  onDone,
  onClose,
}: {
  draft: Draft;
  savedId: string | null;
  onSavedId(id: string): void;
  onBack(): void;
  onDone(connection: ConnectionView): void;
  onClose(): void;
}) {
  const [phase, setPhase] = useState<Phase>({ kind: savedId ? 'starting' : 'saving' });
  const idRef = useRef<string | null>(savedId);
  const started = useRef(false);

  useEffect(() => {
    const api = getApi();
    return api.on('login:finished', (event) => {
      if (event.connectionId !== idRef.current) return;
      if (event.ok && event.connection) onDone(event.connection);
      else
        setPhase({
          kind: 'failed',
          error: event.error ? describeError(new CallError(event.error.code, event.error.message)) : 'The sign-in did not complete. Try again.',
        });
    });
  }, [onDone]);

  const start = async () => {
    const api = getApi();
    try {
      if (!idRef.current) {
        setPhase({ kind: 'saving' });
        const saved = await unwrap(api.connections.connect(draftInput(draft)));
        idRef.current = saved.id;
        onSavedId(saved.id);
      }
      setPhase({ kind: 'starting' });
      const result = await unwrap(api.connections.login({ id: idRef.current }));
      if (result.status === 'logged-in') onDone(result.connection);
      else setPhase((p) => (p.kind === 'starting' ? { kind: 'waiting', loginHost: result.loginHost } : p));
    } catch (e) {
      setPhase({ kind: 'failed', error: describeError(e) });
    }
  };

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void start();
  }, []);

  const cancel = async () => {
    if (idRef.current) await getApi().connections.cancelLogin({ id: idRef.current });
    setPhase({ kind: 'cancelled' });
  };

  return (
    <div className="wizard-step">
      <h3>Sign in at {draft.broker.name}</h3>
      <div className="check-box" aria-live="polite" data-testid="signin-state">
        {phase.kind === 'saving' && <Spinner label="Saving your credentials (encrypted on this computer)…" />}
        {phase.kind === 'starting' && <Spinner label={`Opening ${draft.broker.name}’s sign-in page in your browser…`} />}
        {phase.kind === 'waiting' && (
          <>
            <Spinner label={`Waiting for you to sign in at ${phase.loginHost}…`} />
            <p className="help">
              Your browser opened {draft.broker.name}’s own page. Sign in there; BrokerVault continues by itself when {draft.broker.name} sends you back. You
              have 5 minutes.
            </p>
          </>
        )}
        {phase.kind === 'failed' && (
          <>
            <ErrorText error={phase.error} testId="signin-error" />
            <p className="help">
              {idRef.current
                ? 'Your credentials are saved. Check the redirect URL registered with the broker, then try again — or finish later with Re-login in the Health panel.'
                : 'Nothing was saved. Go back to correct the details.'}
            </p>
          </>
        )}
        {phase.kind === 'cancelled' && <p role="status">Sign-in cancelled. The connection is saved; sign in any time with Re-login in the Health panel.</p>}
      </div>
      <div className="dialog-actions">
        {phase.kind === 'waiting' || phase.kind === 'starting' ? (
          <button type="button" onClick={() => void cancel()}>
            Cancel sign-in
          </button>
        ) : phase.kind === 'failed' || phase.kind === 'cancelled' ? (
          <>
            {!idRef.current && (
              <button type="button" onClick={onBack}>
                Back
              </button>
            )}
            {idRef.current && (
              <button type="button" onClick={onClose}>
                Finish later
              </button>
            )}
            <button type="button" className="primary" onClick={() => void start()}>
              Try again
            </button>
          </>
        ) : null}
      </div>
    </div>
  );
}
