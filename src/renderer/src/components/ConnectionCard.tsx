import { useState } from 'react';
import type { ConnectionView } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { useAction } from '../hooks/useAction';
import { useNow } from '../hooks/useNow';
import { useBroker } from '../store';
import { BrokerBadge } from './BrokerBadge';
import { ConfirmDialog } from './ConfirmDialog';
import { EditConnectionDialog } from './EditConnectionDialog';
import { ErrorText } from './ErrorText';
import { sessionLine } from './session-line';
import { Spinner } from './Spinner';
import { StatusPill } from './StatusPill';

/** One saved connection with its management actions. */
export function ConnectionCard({ connection: c }: { connection: ConnectionView }) {
  const broker = useBroker(c.broker);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const { busy, error, run } = useAction();
  const api = getApi();
  // Only the fields the trader entered come from main; a session a login obtained is this one line.
  const now = useNow(30_000);
  const session = sessionLine(c.signedIn, c.tokenExpiresAt, now);

  return (
    <li className={`card${c.isActive ? '' : ' card-inactive'}`} data-testid="connection-card" aria-label={c.label}>
      <div className="card-head">
        <BrokerBadge broker={broker} />
        <div className="card-title">
          <strong>{c.label}</strong>
          <span className="muted">{broker?.name ?? c.broker}</span>
        </div>
        <span className={`env env-${c.environment}`}>{c.environment.toUpperCase()}</span>
      </div>
      <div className="card-tags">
        <StatusPill status={c.status} inactive={!c.isActive} />
        {c.isDefault && <span className="tag tag-accent">Default</span>}
      </div>
      <dl className="fields">
        {c.fields.map((f) => (
          <div key={f.name}>
            <dt>{broker?.fields.find((bf) => bf.name === f.name)?.label ?? f.name}</dt>
            <dd>{f.preview}</dd>
          </div>
        ))}
        {c.apiHost && (
          <div>
            <dt>API host</dt>
            <dd data-testid="api-host">{c.apiHost}</dd>
          </div>
        )}
      </dl>
      {session && (
        <p className="muted small" data-testid="connection-session">
          {session}
        </p>
      )}
      <ErrorText error={error} />
      <div className="card-actions">
        {busy && <Spinner label="Working…" />}
        <button type="button" onClick={() => setEditing(true)} aria-label={`Edit ${c.label}`}>
          Edit
        </button>
        {c.isActive && !c.isDefault && (
          <button type="button" disabled={busy} onClick={() => void run(() => unwrap(api.connections.setDefault({ id: c.id })))}>
            Make default
          </button>
        )}
        <button
          type="button"
          disabled={busy}
          onClick={() => void run(() => unwrap(c.isActive ? api.connections.deactivate({ id: c.id }) : api.connections.activate({ id: c.id })))}
        >
          {c.isActive ? 'Deactivate' : 'Activate'}
        </button>
        <button type="button" className="danger" onClick={() => setDeleting(true)} aria-label={`Delete ${c.label}`}>
          Delete
        </button>
      </div>
      {editing && <EditConnectionDialog connection={c} open={editing} onOpenChange={setEditing} />}
      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title={`Delete “${c.label}”?`}
        body={`Its saved ${broker?.name ?? c.broker} credentials are erased from this computer. Orders and audit entries stay. This cannot be undone.`}
        confirmLabel="Delete connection"
        busyLabel="Deleting…"
        onConfirm={() => unwrap(api.connections.delete({ id: c.id }))}
      />
    </li>
  );
}
