import { useEffect, useRef, useState } from 'react';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { dateTime } from '../format';
import { useAction } from '../hooks/useAction';
import { useNow } from '../hooks/useNow';
import { useApp, type ScheduleView } from '../store';
import { ScheduleCard } from './ScheduleCard';
import { ScheduleDialog } from './ScheduleDialog';

/** How often the "in 5 h 40 min" countdowns move on; the schedules themselves arrive with schedules:changed. */
const COUNTDOWN_MS = 30_000;

function EmptySchedules({ onCreate }: { onCreate(): void }) {
  return (
    <div className="schedules-empty" data-testid="schedules-empty">
      <p>
        <strong>No schedules yet.</strong> A schedule places a basket of orders for you at a set time on the days you choose — for example, buy at 15:10 every
        weekday.
      </p>
      <ul>
        <li>Each order goes through the same order path and pre-trade checks as the ticket, in the mode BrokerVault is in at that moment (paper or live).</li>
        <li>BrokerVault must be open at that time. A run missed while it is closed is reported here, never placed late.</li>
        <li>Known exchange holidays (NSE/BSE, NYSE/Nasdaq) are skipped; each schedule says how far its holiday list reaches.</li>
      </ul>
      <button type="button" className="primary" onClick={onCreate}>
        Create a schedule
      </button>
    </div>
  );
}

/** Scheduled order baskets: what runs when, what happened last time, and how exchange holidays are handled. */
export function SchedulesPanel() {
  const schedules = useApp((s) => s.schedules);
  const loadSchedules = useApp((s) => s.loadSchedules);
  const live = useApp((s) => (s.mode.mode === 'live' ? s.mode.live : null));
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);
  const now = useNow(COUNTDOWN_MS);
  const { busy, error, run } = useAction();

  useEffect(() => {
    void run(loadSchedules);
  }, [run, loadSchedules]);

  const openDialog = () => {
    setNotice(null);
    setCreating(true);
  };
  // The button that opened the dialog (the empty state's) or deleted the card may be gone: give the focus a place to land.
  const refocus = () => requestAnimationFrame(() => newButton.current?.focus());
  const created = (s: ScheduleView) => {
    setNotice(`Saved “${s.name}”.${s.nextRunAt ? ` Next run ${dateTime(s.nextRunAt)}.` : ''}`);
    refocus();
  };
  const deleted = (name: string) => {
    setNotice(`Deleted “${name}”.`);
    refocus();
  };

  return (
    <section className="panel" aria-labelledby="schedules-h" data-testid="schedules-panel">
      <div className="panel-head">
        <h2 id="schedules-h">Schedules</h2>
        {busy && <Spinner label="Loading schedules…" />}
        <button type="button" ref={newButton} className="small-button" onClick={openDialog}>
          New schedule
        </button>
      </div>
      <ErrorText error={error ? `Schedules could not be loaded: ${error}` : null} />
      {notice && (
        <p className="ok-text small" role="status" data-testid="schedules-notice">
          {notice}
        </p>
      )}
      {schedules && schedules.length === 0 && <EmptySchedules onCreate={openDialog} />}
      {schedules && schedules.length > 0 && (
        <>
          {live ? (
            <p className="note small" data-testid="schedules-live">
              <strong>BrokerVault is live:</strong> runs place real orders with {live.label} until you go back to paper.
            </p>
          ) : (
            <p className="help">Runs place paper orders while BrokerVault is in paper mode, and real ones if it is live at that time.</p>
          )}
          <ul className="schedules" aria-label="Schedules">
            {schedules.map((s) => (
              <ScheduleCard key={s.id} schedule={s} now={now} onDeleted={deleted} />
            ))}
          </ul>
        </>
      )}
      {creating && <ScheduleDialog open={creating} onOpenChange={setCreating} onCreated={created} />}
    </section>
  );
}
