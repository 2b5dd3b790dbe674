import { useState } from 'react';
import type { ModeStatus } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';
import { GoLiveDialog } from './GoLiveDialog';
import { KillSwitchDialog } from './KillSwitchDialog';
import { liveTargetText } from './live-target';

/** The trading mode, on every screen; in live mode the kill switch is always one click away. */
export function ModeBar() {
  const mode = useApp((s) => s.mode);
  const tradingError = useApp((s) => s.tradingError);
  const brokers = useApp((s) => s.brokers);
  const [goLive, setGoLive] = useState(false);
  const [kill, setKill] = useState(false);
  const { busy, error, run } = useAction();
  const live = mode.mode === 'live';
  /** The switch back to paper the trader has already read (by its time), so the reason is shown once. */
  const [seenChangeAt, setSeenChangeAt] = useState<number | null>(null);
  const change = mode.lastChange;
  // Say why live ended when BrokerVault did it (not when the trader chose paper): notifications may be off.
  const showReason = !live && change !== null && change.to === 'paper' && change.by === 'app' && change.at !== seenChangeAt;

  const set = (fn: () => Promise<ModeStatus>) =>
    run(async () => {
      useApp.setState({ mode: await fn() });
    });

  return (
    <div className="modebar" role="region" aria-label="Trading mode">
      {live && mode.live ? (
        <span className="mode-badge mode-live" data-testid="mode-badge" title={`Orders go to ${mode.live.label}`}>
          LIVE
          <span className="mode-target">
            {liveTargetText(mode.live.label, brokers.find((b) => b.id === mode.live!.broker)?.name ?? mode.live.broker, mode.live.accountMasked)}
          </span>
          {/* A sandbox or broker-paper account must never read as real money. */}
          {mode.live.environment !== 'live' && (
            <span className="mode-env" data-testid="mode-environment">
              {mode.live.environment === 'sandbox' ? 'SANDBOX' : 'BROKER PAPER'}
            </span>
          )}
        </span>
      ) : (
        <span className="mode-badge mode-paper" data-testid="mode-badge" title="Orders are simulated; no real money moves.">
          PAPER
        </span>
      )}
      {showReason && (
        <span className="mode-reason" role="status" data-testid="mode-reason">
          Back to paper: {change.reason}
          <button type="button" className="link" aria-label="Dismiss" onClick={() => setSeenChangeAt(change.at)}>
            ×
          </button>
        </span>
      )}
      {busy && <Spinner label="Switching…" />}
      {error && (
        <span className="error-text small" role="alert">
          {error}
        </span>
      )}
      {live ? (
        <>
          <button type="button" onClick={() => void set(() => unwrap(getApi().mode.goPaper()))} disabled={busy}>
            Back to paper
          </button>
          <button type="button" className="kill-button" onClick={() => setKill(true)} data-testid="kill-switch">
            ■ Kill switch
          </button>
        </>
      ) : mode.locked ? (
        <>
          <span className="tag tag-warn" title="The kill switch locked live trading.">
            Live locked
          </span>
          <button type="button" onClick={() => void set(() => unwrap(getApi().mode.unlock()))} disabled={busy}>
            Unlock live
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setGoLive(true)} disabled={tradingError !== null} title={tradingError ?? undefined}>
          Go live…
        </button>
      )}
      {goLive && <GoLiveDialog open={goLive} onOpenChange={setGoLive} />}
      <KillSwitchDialog open={kill} onOpenChange={setKill} />
    </div>
  );
}
