import { useCallback, useEffect, useState } from 'react';
import { getApi, unwrap } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { dateTime } from '../format';
import { useAction } from '../hooks/useAction';
import { backupKind, fileSize, useStoreGate, type BackupView } from '../recovery/gate';

/**
 * Backups of the database: taken daily and before every update, or now by hand; restore one after a
 * confirmation. The current database is renamed aside (kept), never deleted.
 */
export function BackupsSection() {
  const { reopened, check } = useStoreGate();
  const [backups, setBackups] = useState<BackupView[] | null>(null);
  const [restoring, setRestoring] = useState<BackupView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const refresh = useCallback(() => run(async () => setBackups(await unwrap(getApi().backups.list()))), [run]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const backUpNow = async () => {
    const made = await run(() => unwrap(getApi().backups.create()));
    if (made) {
      setDone(`Backup taken: ${dateTime(made.createdAt)}.`);
      setBackups(await unwrap(getApi().backups.list()));
    }
  };

  return (
    <section className="panel" aria-labelledby="backups-h" data-testid="backups-panel">
      <h2 id="backups-h">Backups</h2>
      <p className="muted small">
        BrokerVault backs up its database every day and before every update, in the backups folder of its data folder. It keeps 7 daily backups, the last 3
        taken before an update and the last 5 taken by hand.
      </p>
      {backups === null ? (
        <Spinner label="Loading backups…" />
      ) : backups.length === 0 ? (
        <p className="muted">No backup yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="backups-table">
            <thead>
              <tr>
                <th>Taken</th>
                <th>Why</th>
                <th className="num">Size</th>
                <th className="num">Schema</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {backups.map((b) => (
                <tr key={b.id} data-testid="backup-row">
                  <td>{dateTime(b.createdAt)}</td>
                  <td>{backupKind(b.kind)}</td>
                  <td className="num">{fileSize(b.sizeBytes)}</td>
                  <td className="num">{b.schemaVersion}</td>
                  <td>
                    <button type="button" className="small-button" disabled={busy} onClick={() => setRestoring(b)}>
                      Restore…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row">
        <button type="button" disabled={busy} onClick={() => void backUpNow()}>
          Back up now
        </button>
        {busy && <Spinner label="Working…" />}
      </div>
      <ErrorText error={error} />
      {done && (
        <p className="ok-text" role="status">
          {done}
        </p>
      )}
      <ConfirmDialog
        open={restoring !== null}
        onOpenChange={(open) => !open && setRestoring(null)}
        title="Restore this backup?"
        body={`BrokerVault reopens on the backup from ${restoring ? dateTime(restoring.createdAt) : ''}. Anything saved after it (connections, orders, settings in the database) is not in it. The current database is renamed aside in the data folder, not deleted.`}
        confirmLabel="Restore backup"
        busyLabel="Restoring…"
        onConfirm={async () => {
          if (!restoring) return;
          await unwrap(getApi().backups.restore({ id: restoring.id }));
          // The services reopened on another database: the app loads everything afresh (or, should the restored
          // copy not open, the recovery screen shows why).
          await check();
          reopened();
        }}
      />
    </section>
  );
}
