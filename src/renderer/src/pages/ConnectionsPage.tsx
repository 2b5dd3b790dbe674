import { useState } from 'react';
import { ConnectionCard } from '../components/ConnectionCard';
import { useApp } from '../store';
import { ConnectWizard } from '../wizard/ConnectWizard';

export function ConnectionsPage() {
  const connections = useApp((s) => s.connections);
  const [wizard, setWizard] = useState(false);

  return (
    <section>
      <div className="toolbar">
        <p className="muted grow">Your broker accounts. Credentials are encrypted on this computer; secrets are never shown again after you save them.</p>
        <button type="button" className="primary" onClick={() => setWizard(true)}>
          Connect a broker
        </button>
      </div>
      {connections.length === 0 ? (
        <div className="empty">
          <p>
            <strong>No broker connected yet.</strong>
          </p>
          <p className="muted">
            You can practise in paper mode without any credentials (open Trading). When you are ready, connect your broker account: BrokerVault walks you
            through finding each key on your broker’s site, tests it, and keeps it encrypted here.
          </p>
          <button type="button" className="primary" onClick={() => setWizard(true)}>
            Connect your first broker
          </button>
        </div>
      ) : (
        <ul className="cards" aria-label="Connections">
          {connections.map((c) => (
            <ConnectionCard key={c.id} connection={c} />
          ))}
        </ul>
      )}
      <ConnectWizard open={wizard} onOpenChange={setWizard} />
    </section>
  );
}
