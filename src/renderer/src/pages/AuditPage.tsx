import { useCallback, useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import type { AuditAction, AuditEntry } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';

type Verify = ChannelOutput<'audit:verify'>;

/** Every audit action in words; a full Record, so a new action in the contract fails the type check until named here. */
const WORDS: Record<AuditAction, string> = {
  'connection.create': 'Connection added',
  'connection.update': 'Connection edited',
  'connection.delete': 'Connection deleted',
  'connection.activate': 'Connection activated',
  'connection.deactivate': 'Connection deactivated',
  'connection.setDefault': 'Default changed',
  'connection.validate': 'Connection checked',
  'connection.login': 'Signed in',
  'connection.disconnect': 'Signed out',
  'vault.keyCreated': 'Vault key created',
  'vault.keyRotated': 'Vault key rotated',
  'vault.passphraseSetup': 'Passphrase set up',
  'mode.switch': 'Mode switched',
  'order.submit': 'Order sent',
  'order.update': 'Order updated',
  'order.cancel': 'Order cancelled',
  'order.modify': 'Order modified',
  'killswitch.engage': 'Kill switch engaged',
  'schedule.create': 'Schedule added',
  'schedule.update': 'Schedule paused or resumed',
  'schedule.delete': 'Schedule deleted',
  'schedule.run': 'Scheduled run',
  'exit.arm': 'Protective exit armed',
  'exit.trigger': 'Protective exit triggered',
  'exit.cancel': 'Protective exit cancelled',
  'exit.update': 'Protective exit updated',
  'api.settings': 'Local API settings',
  'api.keyCreate': 'API key created',
  'api.keyUpdate': 'API key changed',
  'api.keyRevoke': 'API key revoked',
  'api.call': 'Local API call',
  'api.resume': 'API trading resumed',
};
const words = (a: AuditAction) => WORDS[a] ?? a;
// Imported as a type only: a runtime import of shared/schemas would pull zod into the renderer bundle.
const AUDIT_ACTIONS = Object.keys(WORDS) as AuditAction[];

/** The tamper-evident log of everything that changed credentials, mode or orders. */
export function AuditPage() {
  const connections = useApp((s) => s.connections);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [action, setAction] = useState('');
  const [connectionId, setConnectionId] = useState('');
  const [verify, setVerify] = useState<Verify | null>(null);
  const list = useAction();
  const check = useAction();

  const load = useCallback(
    (before?: number) =>
      list.run(async () => {
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
      }),
    [action, connectionId, list.run],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const labelOf = (id: string | null) => (id ? (connections.find((c) => c.id === id)?.label ?? 'deleted connection') : '—');

  return (
    <section>
      <div className="toolbar">
        <label className="inline-label">
          Action
          <select value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {words(a)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-label">
          Connection
          <select value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
            <option value="">All connections</option>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <span className="grow" />
        {check.busy && <Spinner label="Verifying…" />}
        <button type="button" disabled={check.busy} onClick={() => void check.run(async () => setVerify(await unwrap(getApi().audit.verify())))}>
          Verify chain
        </button>
      </div>
      {verify && (
        <p role="status" className={verify.ok ? 'ok-box' : 'error-box'} data-testid="audit-verify">
          {verify.ok
            ? `Chain intact: ${verify.checked} entries checked, ${verify.sealed} of them under the seal only BrokerVault's key can make.`
            : `Chain broken${verify.brokenAt !== null ? ` at entry ${verify.brokenAt}` : ''}: ${verify.reason}. The audit file was changed outside BrokerVault — keep a copy and restore your data folder from a backup.`}
          {verify.note && <span className="muted"> {verify.note}</span>}
        </p>
      )}
      <ErrorText error={list.error ?? check.error} />
      {entries.length === 0 && !list.busy ? (
        <div className="empty">
          <p>
            <strong>Nothing recorded yet{action || connectionId ? ' for this filter' : ''}.</strong>
          </p>
          <p className="muted">
            Every credential change, sign-in, mode switch and order is recorded here in a tamper-evident chain. Secrets are never written to it.
          </p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Audit log">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Time</th>
                <th scope="col">What</th>
                <th scope="col">Connection</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq}>
                  <td className="num muted">{e.seq}</td>
                  <td className="nowrap">{new Date(e.at).toLocaleString()}</td>
                  <td>
                    <span className={`audit-action audit-${e.action.split('.')[0]}`}>{words(e.action)}</span>
                  </td>
                  <td>{labelOf(e.connectionId)}</td>
                  <td className="mono small">
                    {Object.entries(e.detail)
                      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
                      .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row">
        {list.busy && <Spinner label="Loading entries…" />}
        {nextBefore !== null && !list.busy && (
          <button type="button" onClick={() => void load(nextBefore)}>
            Load older entries
          </button>
        )}
      </div>
    </section>
  );
}
