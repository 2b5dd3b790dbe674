import { useState } from 'react';
import type { ConnectionView } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { AddConnectionDialog } from '../components/AddConnectionDialog';
import { useApp } from '../store';

export function ConnectionsPage() {
  const { connections, brokers } = useApp();
  const [error, setError] = useState<string | null>(null);
  const nameOf = (id: string) => brokers.find((b) => b.id === id)?.name ?? id;

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const api = getApi();
  const remove = (c: ConnectionView) => {
    if (window.confirm(`Delete "${c.label}"? Its saved credentials are erased from this computer.`)) {
      void act(() => unwrap(api.connections.delete({ id: c.id })));
    }
  };

  return (
    <section>
      <div className="toolbar">
        <AddConnectionDialog />
      </div>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      {connections.length === 0 ? (
        <div className="empty">
          <p>
            <strong>No broker connected yet.</strong>
          </p>
          <p className="muted">You can practise in paper mode without any credentials. When you are ready, add your broker account here.</p>
        </div>
      ) : (
        <ul className="cards" aria-label="Connections">
          {connections.map((c) => (
            <li key={c.id} className="card" data-testid="connection-card">
              <div className="card-head">
                <strong>{c.label}</strong>
                <span className={`env env-${c.environment}`}>{c.environment.toUpperCase()}</span>
                {c.isDefault && <span className="tag">Default</span>}
                {!c.isActive && <span className="tag tag-muted">Inactive</span>}
              </div>
              <div className="muted">
                {nameOf(c.broker)} · status: {c.status}
                {c.apiHost && <> · host {c.apiHost}</>}
              </div>
              <dl className="fields">
                {c.fields.map((f) => (
                  <div key={f.name}>
                    <dt>{f.name}</dt>
                    <dd>{f.preview}</dd>
                  </div>
                ))}
              </dl>
              <div className="card-actions">
                {c.isActive && !c.isDefault && (
                  <button type="button" onClick={() => void act(() => unwrap(api.connections.setDefault({ id: c.id })))}>
                    Make default
                  </button>
                )}
                <button
                  type="button"
                  onClick={() => void act(() => unwrap(c.isActive ? api.connections.deactivate({ id: c.id }) : api.connections.activate({ id: c.id })))}
                >
                  {c.isActive ? 'Deactivate' : 'Activate'}
                </button>
                <button type="button" className="danger" onClick={() => remove(c)}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
