import { useEffect, useState } from 'react';
import type { ExitView } from '../../../shared/exit-schemas';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { useAction } from '../hooks/useAction';

/** The plain label of every exit BrokerVault manages itself. */
export const MANAGED_LABEL = 'Managed by BrokerVault — works only while BrokerVault is running';
export const NATIVE_LABEL = 'Held by the broker — works even when BrokerVault is closed';

const WORKING: readonly ExitView['state'][] = ['placing', 'pending-entry', 'armed'];
const KIND_WORDS: Record<ExitView['kind'], string> = { bracket: 'Bracket', oco: 'Stop-loss with target', trailing: 'Trailing stop' };
const STATE_WORDS: Record<ExitView['state'], string> = {
  placing: 'sending',
  'pending-entry': 'waiting for entry',
  armed: 'armed',
  triggered: 'exiting',
  done: 'done',
  cancelled: 'cancelled',
  failed: 'failed',
};

function levels(e: ExitView): string {
  const parts: string[] = [];
  if (e.entry) parts.push(`entry ${e.entry.type === 'LIMIT' ? `@ ${e.entry.limitPrice}` : 'at market'}`);
  if (e.targetPrice !== null) parts.push(`target ${e.targetPrice}`);
  if (e.kind === 'trailing' && e.trail) {
    parts.push(`trail ${'amount' in e.trail ? e.trail.amount : `${e.trail.percent}%`}`);
    if (e.currentStop !== null) parts.push(`stop now ${e.currentStop}`);
  } else if (e.stopPrice !== null) parts.push(`stop ${e.stopPrice}`);
  return parts.join(' · ');
}

/** What the exit protects, as its row's heading says it: "Trailing stop · SELL 1 NSE:INFY". */
const title = (e: ExitView) => `${KIND_WORDS[e.kind]} · ${e.exitSide} ${e.quantity} ${e.symbol}`;

const upsert = (list: ExitView[], exit: ExitView) => [exit, ...list.filter((e) => e.id !== exit.id)].sort((a, b) => b.createdAt - a.createdAt);

/** Working protective exits (and the last finished ones), each with Cancel while it works, and who holds it. */
export function ExitsPanel() {
  const [exits, setExits] = useState<ExitView[]>([]);
  const { error, run } = useAction();
  useEffect(() => {
    let live = true;
    void unwrap(getApi().exits.list({})).then(
      (list) => live && setExits(list),
      () => undefined,
    );
    const off = getApi().on('exits:changed', ({ exit }) => setExits((list) => upsert(list, exit)));
    return () => {
      live = false;
      off();
    };
  }, []);
  const shown = exits
    .filter((e) => WORKING.includes(e.state) || e.state === 'triggered')
    .concat(exits.filter((e) => !WORKING.includes(e.state) && e.state !== 'triggered').slice(0, 5));

  return (
    <section className="panel" aria-label="Protective exits">
      <h2>Protective exits</h2>
      <ErrorText error={error} testId="exits-error" />
      {shown.length === 0 ? (
        <p className="muted small">No protective exits. Set one in the Exits section of the ticket.</p>
      ) : (
        <ul className="exit-list">
          {shown.map((e) => (
            <li key={e.id} data-testid="exit-row" data-state={e.state} data-handling={e.handling}>
              <div>
                <strong>{title(e)}</strong> <span className={`mode-chip ${e.mode === 'live' ? 'mode-live' : 'mode-paper'}`}>{e.mode.toUpperCase()}</span>{' '}
                <span data-testid="exit-state">{STATE_WORDS[e.state]}</span>
              </div>
              <div className="mono small">{levels(e)}</div>
              {/* Who holds it matters while it works; on a finished exit "works only while…" would read as a warning still standing. */}
              {(WORKING.includes(e.state) || e.state === 'triggered') && (
                <div className={e.handling === 'managed' ? 'warn-text small' : 'muted small'} data-testid="exit-handling">
                  {e.handling === 'managed' ? MANAGED_LABEL : NATIVE_LABEL}
                </div>
              )}
              {e.message && (
                <div className="muted small" data-testid="exit-message">
                  {e.message}
                </div>
              )}
              {WORKING.includes(e.state) && (
                <button
                  type="button"
                  className="small-button"
                  aria-label={`Cancel exit: ${title(e)}`}
                  onClick={() =>
                    void run(async () => {
                      const cancelled = await unwrap(getApi().exits.cancel({ exitId: e.id }));
                      setExits((list) => upsert(list, cancelled));
                    })
                  }
                >
                  Cancel exit
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
