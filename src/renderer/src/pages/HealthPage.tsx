import { useApp } from '../store';

const fmt = (at: number | null) => (at ? new Date(at).toLocaleString() : '—');

/** Status of every saved connection as main last recorded it. */
export function HealthPage() {
  const connections = useApp((s) => s.connections);
  if (connections.length === 0) {
    return <p className="empty muted">Connection health appears here once you add a broker connection.</p>;
  }
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Connection</th>
          <th scope="col">Status</th>
          <th scope="col">Last check</th>
          <th scope="col">Latency</th>
          <th scope="col">Token expires</th>
          <th scope="col">Account</th>
          <th scope="col">Buying power</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
      <tbody>
        {connections.map((c) => (
          <tr key={c.id}>
            <td>{c.label}</td>
            <td>
              <span className={`status status-${c.status}`}>{c.status}</span>
            </td>
            <td>{fmt(c.lastValidatedAt)}</td>
            <td>{c.latencyMs === null ? '—' : `${Math.round(c.latencyMs)} ms`}</td>
            <td>{fmt(c.tokenExpiresAt)}</td>
            <td>{c.accountMasked ?? '—'}</td>
            <td>{c.buyingPower === null ? '—' : `${c.buyingPower.toLocaleString()} ${c.currency ?? ''}`}</td>
            <td>{c.lastError ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
