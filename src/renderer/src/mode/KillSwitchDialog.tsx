import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Modal } from '../components/Modal';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';

type Report = ChannelOutput<'killswitch:engage'>;

/** Stop everything: cancel open orders (and optionally close positions), back to paper, live locked. */
const actions = (n: number) => (n === 1 ? '1 action' : `${n} actions`);

export function KillSwitchDialog({ open, onOpenChange }: { open: boolean; onOpenChange(open: boolean): void }) {
  const [closePositions, setClosePositions] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const { busy, error, setError, run } = useAction();
  // Main says where it is ("Cancelling 3 of 5…", or waiting for a broker's rate limit) while the kill switch runs.
  const [progress, setProgress] = useState<string | null>(null);
  useEffect(() => {
    if (!busy) return undefined;
    const off = getApi().on('killswitch:progress', ({ message }) => setProgress(message));
    return () => {
      off();
      setProgress(null);
    };
  }, [busy]);

  const engage = async () => {
    const result = await run(() => unwrap(getApi().killswitch.engage({ closePositions })));
    if (result) {
      useApp.setState({ mode: result.mode });
      setReport(result);
    }
  };
  const close = (next: boolean) => {
    onOpenChange(next);
    if (!next) {
      setReport(null);
      setError(null);
      setClosePositions(false);
    }
  };
  const failed = report?.results.filter((r) => r.outcome === 'failed').length ?? 0;

  return (
    <Modal
      open={open}
      onOpenChange={close}
      title="Kill switch"
      description="Cancels every open order, switches BrokerVault to paper mode and locks live trading until you unlock it."
      tone="danger"
    >
      {!report ? (
        <>
          <label className="checkbox">
            <input type="checkbox" checked={closePositions} onChange={(e) => setClosePositions(e.target.checked)} />
            Also close all open positions at market
          </label>
          <ErrorText error={error} />
          <div className="dialog-actions">
            {busy && <Spinner label={progress ?? 'Cancelling orders…'} />}
            <button type="button" onClick={() => close(false)} disabled={busy}>
              Cancel
            </button>
            <button type="button" className="danger-solid" onClick={() => void engage()} disabled={busy} autoFocus>
              Engage kill switch
            </button>
          </div>
        </>
      ) : (
        <>
          <p role="status" className={failed ? 'error-text' : 'ok-text'} data-testid="kill-summary">
            {report.results.length === 0
              ? 'Nothing was open. BrokerVault is now in paper mode; live is locked.'
              : failed
                ? `${failed} of ${actions(report.results.length)} failed — check them with your broker now.`
                : `${report.results.length === 1 ? 'The one action is' : `All ${report.results.length} actions are`} done. BrokerVault is now in paper mode; live is locked.`}
          </p>
          {report.results.length > 0 && (
            <table className="table" aria-label="Kill switch report">
              <thead>
                <tr>
                  <th scope="col">What</th>
                  <th scope="col">Action</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {report.results.map((r, i) => (
                  <tr key={i}>
                    <td className="mono">
                      {r.target} <span className="muted">({r.mode})</span>
                    </td>
                    <td>{r.action === 'cancel' ? 'Cancel order' : 'Close position'}</td>
                    <td className={r.outcome === 'done' ? 'ok-text' : 'error-text'}>
                      {r.outcome === 'done' ? 'Done' : 'Failed'}
                      {r.message ? ` — ${r.message}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="dialog-actions">
            <button type="button" className="primary" onClick={() => close(false)} autoFocus>
              Close
            </button>
          </div>
        </>
      )}
    </Modal>
  );
}
