import { useMemo, useState } from 'react';
import type { BrokerDescriptor } from '../../../shared/brokers';
import { BrokerBadge } from '../components/BrokerBadge';
import { useApp } from '../store';
import { CAPABILITY, REGION } from './draft';

/** Step 1: search and pick a broker. */
export function PickBrokerStep({ onPick }: { onPick(broker: BrokerDescriptor): void }) {
  const brokers = useApp((s) => s.brokers);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return brokers;
    return brokers.filter((b) =>
      [b.name, b.id, REGION[b.region], b.region, ...b.capabilities.map((c) => CAPABILITY[c] ?? c)].some((t) => t.toLowerCase().includes(q)),
    );
  }, [brokers, query]);

  return (
    <div className="wizard-step">
      <label className="search">
        <span className="sr-only">Search brokers</span>
        <input
          type="search"
          placeholder="Search by name, country or what you trade (e.g. options, crypto)…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          autoFocus
        />
      </label>
      <span className="sr-only" role="status">
        {shown.length} broker{shown.length === 1 ? '' : 's'} found
      </span>
      {shown.length === 0 ? (
        <p className="empty muted">
          No broker matches “{query}”. Try its name{brokers[0] ? ` (e.g. ${brokers[0].name})` : ''} or a country (India, United States).
        </p>
      ) : (
        <ul className="broker-list" aria-label="Brokers">
          {shown.map((b) => (
            <li key={b.id}>
              <button type="button" className="broker-option" onClick={() => onPick(b)} data-testid={`broker-${b.id}`}>
                <BrokerBadge broker={b} />
                <span className="broker-option-text">
                  <strong>{b.name}</strong>
                  <span className="muted">
                    {REGION[b.region]} · {b.environments.map((e) => e.id).join(' / ')}
                  </span>
                  <span className="chips">
                    {b.capabilities.map((c) => (
                      <span key={c} className="chip">
                        {CAPABILITY[c] ?? c}
                      </span>
                    ))}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
