import { useState } from 'react';
import { getApi, unwrap } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { dateTime } from '../format';
import { useAction } from '../hooks/useAction';
import { backupKind, fileSize, useStoreGate, type StoreStatus } from './gate';

type Damaged = Extract<StoreStatus, { state: 'damaged' }>;

const TITLES: Record<Damaged['problem'], string> = {
  'damaged-file': 'The database file is damaged',
  'newer-version': 'The database is from a newer BrokerVault',
  'migration-failed': 'The database could not be updated',
};

/**
 * Shown instead of the app when main could not open the database. Every choice keeps the damaged file:
 * it is renamed aside, never deleted. Quit leaves everything as it is.
 */
export function RecoveryScreen({ status }: { status: Damaged }) {
  const opened = useStoreGate((s) => s.opened);
  const [choice, setChoice] = useState<{ kind: 'fresh' } | { kind: 'restore'; id: string } | null>(null);
  const [selected, setSelected] = useState<string | null>(status.backups[0]?.id ?? null);
  const { busy, error, run } = useAction();
  const quit = () => void run(() => unwrap(getApi().store.quit()));
  const chosen = status.backups.find((b) => b.id === (choice?.kind === 'restore' ? choice.id : null));

  return (
    <div className="recovery" data-testid="recovery-screen">
      <section className="panel recovery-panel" aria-labelledby="recovery-h">
        <h1 id="recovery-h">{TITLES[status.problem]}</h1>
        <p>{status.message}</p>
        <dl className="fields">
          <div>
            <dt>Database file</dt>
            <dd className="mono" data-testid="recovery-file">
              {status.file}
            </dd>
          </div>
          <div>
            <dt>Log</dt>
            <dd className="mono">{status.logFile ?? 'No log file could be written.'}</dd>
          </div>
        </dl>

        <h2 className="subhead">Restore a backup</h2>
        {status.backups.length === 0 ? (
          <p className="muted">There is no backup in the data folder’s backups folder.</p>
        ) : (
          <fieldset className="backup-choices" disabled={busy}>
            <legend className="sr-only">Backups</legend>
            {status.backups.map((b) => (
              <label key={b.id} className="checkbox">
                <input type="radio" name="backup" value={b.id} checked={selected === b.id} onChange={() => setSelected(b.id)} />
                <span>
                  {dateTime(b.createdAt)} — {backupKind(b.kind)}, {fileSize(b.sizeBytes)}, schema {b.schemaVersion}
                </span>
              </label>
            ))}
          </fieldset>
        )}

        <div className="row recovery-actions">
          <button type="button" className="primary" disabled={busy || !selected} onClick={() => selected && setChoice({ kind: 'restore', id: selected })}>
            Restore this backup…
          </button>
          <button type="button" disabled={busy} onClick={() => setChoice({ kind: 'fresh' })}>
            Move the damaged file aside and start fresh…
          </button>
          <button type="button" disabled={busy} onClick={quit}>
            Quit
          </button>
          {busy && <Spinner label="Quitting…" />}
        </div>
        <ErrorText error={error} />
      </section>

      <ConfirmDialog
        open={choice !== null}
        onOpenChange={(open) => !open && setChoice(null)}
        danger={false}
        title={choice?.kind === 'restore' ? 'Restore this backup?' : 'Start with an empty database?'}
        body={
          choice?.kind === 'restore'
            ? `The damaged file is renamed aside (kept, not deleted) and the backup from ${chosen ? dateTime(chosen.createdAt) : ''} is put in its place. Anything saved after that backup is not in it.`
            : 'The damaged file is renamed aside (kept, not deleted, next to where it was) and BrokerVault starts with no connections. You will need to add your connections again.'
        }
        confirmLabel={choice?.kind === 'restore' ? 'Restore backup' : 'Move aside and start fresh'}
        busyLabel="Opening BrokerVault…"
        onConfirm={async () => {
          const result = await unwrap(choice?.kind === 'restore' ? getApi().store.restore({ id: choice.id }) : getApi().store.moveAside());
          opened(result.status);
        }}
      />
    </div>
  );
}
