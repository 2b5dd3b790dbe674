import { useCallback, useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { getApi, unwrap } from '../api';
import { CopyButton } from '../components/CopyButton';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { dateTime } from '../format';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';

type Status = ChannelOutput<'localApi:status'>;
type Key = Status['keys'][number];
type Listener = Status['rest'];

function ListenerLine({ name, listener, scheme }: { name: string; listener: Listener; scheme: string }) {
  if (listener.state === 'listening') {
    return (
      <li data-testid={`local-api-${scheme}`}>
        {name}: listening on <code>{`${scheme}://127.0.0.1:${listener.port}`}</code>
      </li>
    );
  }
  if (listener.state === 'off') return <li>{name}: off</li>;
  return (
    <li className="error-text" role="alert" data-testid={`local-api-${scheme}-problem`}>
      {listener.message}
    </li>
  );
}

/** Which accounts a key may use, in words. */
function bindingWords(key: Key, labelOf: (id: string) => string): string {
  return [...(key.paper ? ['Paper account'] : []), ...key.connectionIds.map(labelOf)].join(', ');
}

/**
 * Settings → Local API: OpenAlgo-compatible REST and WebSocket on this computer for the trader's own scripts. Off by
 * default. Keys are created here and shown once; each is bound to accounts and a permission, and can be revoked.
 */
export function LocalApiSection() {
  const connections = useApp((s) => s.connections);
  const [status, setStatus] = useState<Status | null>(null);
  const [restPort, setRestPort] = useState('');
  const [wsPort, setWsPort] = useState('');
  const [label, setLabel] = useState('');
  const [permission, setPermission] = useState<'read' | 'trade'>('read');
  const [paper, setPaper] = useState(true);
  const [bound, setBound] = useState<string[]>([]);
  const [shown, setShown] = useState<{ label: string; secret: string } | null>(null);
  /** The toggle follows the click at once; main's answer (or a refusal) then sets it to what holds. */
  const [enabled, setEnabled] = useState(false);
  const { busy, error, run } = useAction();

  const take = useCallback((next: Status) => {
    setStatus(next);
    setEnabled(next.config.enabled);
    setRestPort(String(next.config.restPort));
    setWsPort(String(next.config.wsPort));
  }, []);

  useEffect(() => {
    void run(async () => take(await unwrap(getApi().localApi.status())));
    return getApi().on('localApi:changed', (next) => setStatus(next));
  }, [run, take]);

  if (status === null) {
    return (
      <section className="panel" aria-labelledby="local-api-h">
        <h2 id="local-api-h">Local API</h2>
        <Spinner label="Loading…" />
      </section>
    );
  }

  const labelOf = (id: string) => connections.find((c) => c.id === id)?.label ?? 'deleted connection';
  const configure = async (on: boolean, rest = Number(restPort), ws = Number(wsPort)) => {
    setEnabled(on);
    const done = await run(async () => take(await unwrap(getApi().localApi.configure({ enabled: on, restPort: rest, wsPort: ws }))));
    if (done === undefined) setEnabled(status.config.enabled);
  };
  const create = () =>
    run(async () => {
      const created = await unwrap(getApi().localApi.createKey({ label, permission, paper, connectionIds: bound }));
      setShown({ label: created.key.label, secret: created.secret });
      setLabel('');
      take(await unwrap(getApi().localApi.status()));
    });

  return (
    <section className="panel" aria-labelledby="local-api-h" data-testid="local-api-panel">
      <h2 id="local-api-h">Local API</h2>
      <p className="muted small">
        Lets your own scripts (Python, Amibroker, Excel) use BrokerVault through OpenAlgo&apos;s API, on this computer only (127.0.0.1). Every order goes
        through BrokerVault&apos;s mode, limits and kill switch. The API can never switch to live.
      </p>
      <label className="row">
        <input type="checkbox" checked={enabled} disabled={busy} onChange={(e) => void configure(e.target.checked)} />
        Enable the local API
      </label>
      <div className="row">
        <label>
          REST port <input inputMode="numeric" size={6} value={restPort} onChange={(e) => setRestPort(e.target.value)} aria-label="REST port" />
        </label>
        <label>
          WebSocket port <input inputMode="numeric" size={6} value={wsPort} onChange={(e) => setWsPort(e.target.value)} aria-label="WebSocket port" />
        </label>
        <button type="button" disabled={busy} onClick={() => void configure(status.config.enabled)}>
          Save ports
        </button>
      </div>
      <ul className="plain-list">
        <ListenerLine name="REST" listener={status.rest} scheme="http" />
        <ListenerLine name="WebSocket" listener={status.ws} scheme="ws" />
      </ul>
      {[status.rest, status.ws].some((l) => l.state === 'port-taken' && l.suggestedPort !== null) && (
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void configure(
              true,
              status.rest.state === 'port-taken' ? (status.rest.suggestedPort ?? status.rest.port) : status.rest.port,
              status.ws.state === 'port-taken' ? (status.ws.suggestedPort ?? status.ws.port) : status.ws.port,
            )
          }
        >
          Use the free port
        </button>
      )}
      {status.tradingHalted && (
        <div className="row" role="alert" data-testid="local-api-halted">
          <span className="error-text">The kill switch stopped API trading. Scripts can still read; orders are refused.</span>
          <button type="button" disabled={busy} onClick={() => void run(async () => take(await unwrap(getApi().localApi.resumeTrading())))}>
            Resume API trading
          </button>
        </div>
      )}

      <h3>API keys</h3>
      {shown && (
        <div className="callout" role="status" data-testid="local-api-secret">
          <p>The key “{shown.label}”. Copy it now: BrokerVault keeps only a fingerprint and cannot show it again.</p>
          <code id="local-api-secret-value">{shown.secret}</code> <CopyButton value={shown.secret} targetId="local-api-secret-value" />
          <button type="button" onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      )}
      {status.keys.length === 0 ? (
        <p className="muted">No key yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="local-api-keys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Fingerprint</th>
                <th>Permission</th>
                <th>Accounts</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {status.keys.map((k) => (
                <tr key={k.id} data-testid="local-api-key-row">
                  <td>{k.label}</td>
                  <td>
                    <code>{k.prefix}</code>
                  </td>
                  <td>{k.permission === 'trade' ? 'Trade' : 'Read only'}</td>
                  <td>{bindingWords(k, labelOf)}</td>
                  <td>{k.lastUsedAt ? dateTime(k.lastUsedAt) : '—'}</td>
                  <td>
                    {k.revokedAt ? (
                      <span className="muted">Revoked</span>
                    ) : (
                      <span className="row">
                        <button
                          type="button"
                          className="small-button"
                          disabled={busy}
                          onClick={() =>
                            void run(async () => {
                              await unwrap(
                                getApi().localApi.updateKey({
                                  id: k.id,
                                  permission: k.permission === 'trade' ? 'read' : 'trade',
                                  paper: k.paper,
                                  connectionIds: k.connectionIds,
                                }),
                              );
                              take(await unwrap(getApi().localApi.status()));
                            })
                          }
                        >
                          {k.permission === 'trade' ? 'Make read only' : 'Allow trading'}
                        </button>
                        <button
                          type="button"
                          className="small-button"
                          disabled={busy}
                          aria-label={`Revoke ${k.label}`}
                          onClick={() =>
                            void run(async () => {
                              await unwrap(getApi().localApi.revokeKey({ id: k.id }));
                              take(await unwrap(getApi().localApi.status()));
                            })
                          }
                        >
                          Revoke
                        </button>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <fieldset className="stack" data-testid="local-api-new-key">
        <legend>New key</legend>
        <label>
          Name <input value={label} maxLength={60} onChange={(e) => setLabel(e.target.value)} aria-label="Key name" />
        </label>
        <label>
          Permission{' '}
          <select value={permission} onChange={(e) => setPermission(e.target.value === 'trade' ? 'trade' : 'read')} aria-label="Permission">
            <option value="read">Read only</option>
            <option value="trade">Trade</option>
          </select>
        </label>
        <label className="row">
          <input type="checkbox" checked={paper} onChange={(e) => setPaper(e.target.checked)} /> Paper account
        </label>
        <p className="muted small">
          In paper mode (OpenAlgo&apos;s analyzer) a key works only if it may use the paper account; when live, only on the live connection it is bound to.
        </p>
        {connections.map((c) => (
          <label className="row" key={c.id}>
            <input
              type="checkbox"
              checked={bound.includes(c.id)}
              onChange={(e) => setBound(e.target.checked ? [...bound, c.id] : bound.filter((id) => id !== c.id))}
            />{' '}
            {c.label}
          </label>
        ))}
        <button type="button" disabled={busy || label.trim() === ''} onClick={() => void create()}>
          Create key
        </button>
      </fieldset>
      <ErrorText error={error} />
    </section>
  );
}
