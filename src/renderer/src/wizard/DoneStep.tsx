import type { ConnectionView } from '../../../shared/schemas';
import { StatusPill } from '../components/StatusPill';
import { useApp } from '../store';
import { AccountSummary } from './AccountSummary';

/** Step 4: what was saved and what to do next. */
export function DoneStep({ connection, onAnother, onClose }: { connection: ConnectionView; onAnother(): void; onClose(): void }) {
  const go = useApp((s) => s.go);
  const current = useApp((s) => s.connections.find((c) => c.id === connection.id)) ?? connection;
  return (
    <div className="wizard-step" data-testid="wizard-done">
      <div className="ok-box" role="status">
        <strong>✓ “{current.label}” is connected.</strong> <StatusPill status={current.status} />
        <AccountSummary account={current} />
      </div>
      <p className="muted">
        Credentials are encrypted on this computer. BrokerVault checks the connection regularly; you will see its state in the Health panel. Trading stays in
        paper mode until you choose to go live.
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={onAnother}>
          Add another broker
        </button>
        <button
          type="button"
          onClick={() => {
            onClose();
            go('health');
          }}
        >
          Open Health panel
        </button>
        <button type="button" className="primary" onClick={onClose} autoFocus>
          Done
        </button>
      </div>
    </div>
  );
}
