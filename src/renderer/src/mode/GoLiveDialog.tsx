import { useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import type { ConnectionView } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Modal } from '../components/Modal';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';

type Request = ChannelOutput<'mode:requestLive'>;

/** Going live: pick the account, see exactly which one, type the phrase. */
export function GoLiveDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const connections = useApp((s) => s.connections);
  const brokers = useApp((s) => s.brokers);
  const candidates = connections.filter((c) => c.isActive);
  const preferred = candidates.find((c) => c.isDefault) ?? candidates[0];
  const [connectionId, setConnectionId] = useState<string>(preferred?.id ?? '');
  const [request, setRequest] = useState<Request | null>(null);
  const [typed, setTyped] = useState('');
  const { busy, error, setError, run } = useAction();

  const close = (next: boolean) => {
    onOpenChange(next);
    if (!next) {
      setRequest(null);
      setTyped('');
      setError(null);
    }
  };
  const ask = () =>
    run(async () => {
      setRequest(await unwrap(getApi().mode.requestLive({ connectionId: connectionId || preferred!.id })));
    });
  const confirm = async () => {
    const ok = await run(() => unwrap(getApi().mode.confirmLive({ confirmationId: request!.confirmationId, typed })));
    if (ok) {
      useApp.setState({ mode: ok });
      close(false);
    }
  };
  const nameOf = (id: string) => brokers.find((b) => b.id === id)?.name ?? id;
  const label = (c: ConnectionView) => `${c.label} — ${nameOf(c.broker)} (${c.environment})${c.status !== 'valid' ? ` · ${c.status}` : ''}`;

  return (
    <Modal
      open={open}
      onOpenChange={close}
      title="Switch to live trading"
      description="In live mode, orders you place go to your real broker account with real money."
      tone="live"
    >
      {candidates.length === 0 ? (
        <p className="note">Connect a broker account first (Connections → Connect a broker). Until then you can trade in paper mode.</p>
      ) : !request ? (
        <div className="form">
          <label className="field">
            Account to trade
            <select value={connectionId || preferred?.id} onChange={(e) => setConnectionId(e.target.value)}>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {label(c)}
                </option>
              ))}
            </select>
          </label>
          <ErrorText error={error ? `Live trading is not allowed: ${error}` : null} testId="live-error" />
          <div className="dialog-actions">
            {busy && <Spinner label="Checking the account…" />}
            <button type="button" onClick={() => close(false)}>
              Stay in paper
            </button>
            <button type="button" className="primary" disabled={busy} onClick={() => void ask()}>
              Continue
            </button>
          </div>
        </div>
      ) : (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <div className="live-target" data-testid="live-target">
            <div>
              <span className="muted">Account</span> <strong>{request.connection.label}</strong>
            </div>
            <div>
              <span className="muted">Broker</span> {nameOf(request.connection.broker)}
            </div>
            <div>
              <span className="muted">Environment</span>{' '}
              <span className={`env env-${request.connection.environment}`}>{request.connection.environment.toUpperCase()}</span>
            </div>
            <div>
              <span className="muted">Account number</span> <span className="mono">{request.connection.accountMasked ?? '—'}</span>
            </div>
          </div>
          <label className="field">
            <span>
              Type <strong className="mono phrase">{request.phrase}</strong> to confirm
            </span>
            <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} autoFocus aria-label="Confirmation phrase" />
          </label>
          <ErrorText error={error} testId="live-error" />
          <div className="dialog-actions">
            {busy && <Spinner label="Switching to live…" />}
            <button type="button" onClick={() => close(false)}>
              Stay in paper
            </button>
            <button type="submit" className="danger-solid" disabled={busy || typed.trim() !== request.phrase}>
              Go live
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}
