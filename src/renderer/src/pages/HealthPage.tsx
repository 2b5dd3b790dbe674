import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { HealthCard } from '../health/HealthCard';
import { useAction } from '../hooks/useAction';
import { useNow } from '../hooks/useNow';
import { useApp } from '../store';

/** Every connection's health, updated live as main checks them. */
export function HealthPage() {
  const connections = useApp((s) => s.connections);
  const go = useApp((s) => s.go);
  const settings = useApp((s) => s.settings);
  const now = useNow(1000);
  const { busy, error, run } = useAction();

  if (connections.length === 0) {
    return (
      <div className="empty">
        <p>
          <strong>Nothing to check yet.</strong>
        </p>
        <p className="muted">Once you connect a broker, this panel shows whether it works, how fast it answers and when you must sign in again.</p>
        <button type="button" className="primary" onClick={() => go('connections')}>
          Connect a broker
        </button>
      </div>
    );
  }
  const counts = connections.reduce<Record<string, number>>(
    (acc, c) => ((acc[c.isActive ? c.status : 'inactive'] = (acc[c.isActive ? c.status : 'inactive'] ?? 0) + 1), acc),
    {},
  );
  return (
    <section>
      <div className="toolbar">
        <p className="muted grow" role="status" data-testid="health-summary">
          {counts.valid ?? 0} of {connections.length} connected
          {settings ? ` · checked every ${settings.checkIntervalSec} s` : ''}
        </p>
        {busy && <Spinner label="Checking every connection…" />}
        <button type="button" className="primary" disabled={busy} onClick={() => void run(() => unwrap(getApi().connections.validateAll()))}>
          Validate all
        </button>
      </div>
      <ErrorText error={error} />
      <ul className="cards" aria-label="Connection health">
        {connections.map((c) => (
          <HealthCard key={c.id} connection={c} now={now} checking={busy && c.isActive} />
        ))}
      </ul>
    </section>
  );
}
