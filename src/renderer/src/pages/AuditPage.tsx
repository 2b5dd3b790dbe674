import { useCallback, useEffect, useState } from 'react';
import { AUDIT_ACTIONS, type AuditEntry } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { useApp } from '../store';

type Verify = { ok: boolean; checked: number; brokenAt: number | null; reason: string | null };

export function AuditPage() {
  const connections = useApp((s) => s.connections);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [action, setAction] = useState('');
  const [connectionId, setConnectionId] = useState('');
  const [verify, setVerify] = useState<Verify | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (before?: number) => {
      setBusy(true);
      setError(null);
      try {
        const page = await unwrap(
          getApi().audit.list({
            limit: 50,
            ...(before ? { before } : {}),
            ...(action ? { action: action as AuditEntry['action'] } : {}),
            ...(connectionId ? { connectionId } : {}),
          }),
        );
        setEntries((prev) => (before ? [...prev, ...page.entries] : page.entries));
        setNextBefore(page.nextBefore);
      } catch (e) {
        setError((e as Error).message);
      } finally {
        setBusy(false);
      }
    },
    [action, connectionId],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const check = async () => {
    setVerify(null);
    try {
      setVerify(await unwrap(getApi().audit.verify()));
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section>
      <div className="toolbar">
        <label>
          Action{' '}
          <select value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">All</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Connection{' '}
          <select value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
            <option value="">All</option>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void check()}>
          Verify chain
        </button>
        {verify && (
          <span role="status" className={verify.ok ? 'ok-text' : 'error-text'} data-testid="audit-verify">
            {verify.ok
              ? `Chain intact: ${verify.checked} entries checked.`
              : `Chain broken at entry ${verify.brokenAt}: ${verify.reason}. The audit file was changed outside BrokerVault.`}
          </span>
        )}
      </div>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      {entries.length === 0 && !busy ? (
        <p className="empty muted">Nothing recorded yet. Every credential change, mode switch and order will be listed here.</p>
      ) : (
        <table className="table" aria-label="Audit log">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Time</th>
              <th scope="col">Action</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.seq}>
                <td>{e.seq}</td>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>{e.action}</td>
                <td className="mono">
                  {Object.entries(e.detail)
                    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
                    .join(' · ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {busy && <p role="status">Loading…</p>}
      {nextBefore !== null && !busy && (
        <button type="button" onClick={() => void load(nextBefore)}>
          Load older entries
        </button>
      )}
    </section>
  );
}
