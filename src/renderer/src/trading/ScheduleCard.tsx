import { useId, useState } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorText } from '../components/ErrorText';
import { dateTime, duration, num } from '../format';
import { useAction } from '../hooks/useAction';
import { useApp, type ScheduleView } from '../store';
import { OUTCOME_CLASS, OUTCOME_WORDS, WEEKDAYS, dayNames, describeMarket, localToday } from './schedule';

/** The week with the schedule's days lit; a screen reader hears the days in words. */
function WeekStrip({ days }: { days: number[] }) {
  return (
    <span className="weekdays" data-testid="schedule-days">
      <span className="sr-only">Runs on {dayNames(days).join(', ')}</span>
      {WEEKDAYS.map(([day, name]) => (
        <span key={day} className={days.includes(day) ? 'weekday on' : 'weekday'} aria-hidden="true">
          {name}
        </span>
      ))}
    </span>
  );
}

function NextRun({ at, now, enabled }: { at: number | null; now: number; enabled: boolean }) {
  if (!enabled) return <span className="muted">Paused: nothing runs until you resume it, and runs due meanwhile are not made up.</span>;
  if (at === null) return <span className="warn-text">None in the next two weeks: the basket’s exchanges are closed on every selected day.</span>;
  return (
    <>
      {dateTime(at)} <span className="muted">{at > now ? `in ${duration(at - now)}` : 'due now'}</span>
    </>
  );
}

function LastRun({ run }: { run: ScheduleView['lastRun'] }) {
  if (!run) return <span className="muted">Not run yet</span>;
  return (
    <>
      <span className={`state ${OUTCOME_CLASS[run.outcome]}`} data-testid="schedule-outcome">
        {OUTCOME_WORDS[run.outcome]}
      </span>{' '}
      {dateTime(run.at)}
      {run.message && (
        <span className="block small" data-testid="schedule-message">
          {run.message}
        </span>
      )}
    </>
  );
}

/** One schedule: when it runs, its basket, the next and last run, and how each exchange's holidays are handled. */
export function ScheduleCard({ schedule: s, now, onDeleted }: { schedule: ScheduleView; now: number; onDeleted(name: string): void }) {
  const id = useId();
  const deleteSchedule = useApp((state) => state.deleteSchedule);
  const setEnabled = useApp((state) => state.setScheduleEnabled);
  const [deleting, setDeleting] = useState(false);
  const toggle = useAction();
  const today = localToday(now);

  return (
    <li className={`schedule schedule-${s.enabled ? (s.lastRun?.outcome ?? 'new') : 'paused'}`} data-testid="schedule" aria-labelledby={`${id}-name`}>
      <div className="schedule-head">
        <div className="schedule-title">
          <h3 id={`${id}-name`}>{s.name}</h3>
          <span className="schedule-time" data-testid="schedule-time">
            <strong className="mono">{s.time}</strong> <span className="muted">{s.timeZone}</span>
          </span>
          <WeekStrip days={s.days} />
          {!s.enabled && (
            <span className="tag tag-warn" data-testid="schedule-paused">
              Paused
            </span>
          )}
        </div>
        <span className="schedule-actions">
          <button
            type="button"
            className="small-button"
            disabled={toggle.busy}
            onClick={() => void toggle.run(() => setEnabled(s.id, !s.enabled))}
            aria-label={`${s.enabled ? 'Pause' : 'Resume'} schedule ${s.name}`}
          >
            {toggle.busy ? (s.enabled ? 'Pausing…' : 'Resuming…') : s.enabled ? 'Pause' : 'Resume'}
          </button>
          <button type="button" className="small-button danger" onClick={() => setDeleting(true)} aria-label={`Delete schedule ${s.name}`}>
            Delete
          </button>
        </span>
      </div>
      <ErrorText error={toggle.error} />
      <ul className="basket" aria-label={`Orders of ${s.name}`}>
        {s.orders.map((o, i) => (
          <li key={i} data-testid="schedule-order">
            <span className={o.side === 'BUY' ? 'buy-text' : 'sell-text'}>{o.side}</span> {num(o.quantity, 8)} <span className="mono">{o.symbol}</span> {o.type}
            {o.limitPrice !== undefined ? ` @ ${num(o.limitPrice, 8)}` : ''}
            {o.product ? ` · ${o.product}` : ''}
          </li>
        ))}
      </ul>
      <dl className="schedule-facts">
        <div>
          <dt>Next run</dt>
          <dd data-testid="schedule-next">
            <NextRun at={s.nextRunAt} now={now} enabled={s.enabled} />
          </dd>
        </div>
        <div>
          <dt>Last run</dt>
          <dd data-testid="schedule-last">
            <LastRun run={s.lastRun} />
          </dd>
        </div>
        <div>
          <dt>Holidays</dt>
          <dd>
            <ul className="schedule-markets" data-testid="schedule-markets">
              {s.markets.map((m) => {
                const { text, stale } = describeMarket(m, today);
                return (
                  <li key={m.market} className={stale ? 'warn-text' : undefined}>
                    {text}
                  </li>
                );
              })}
            </ul>
          </dd>
        </div>
      </dl>
      <ConfirmDialog
        open={deleting}
        onOpenChange={setDeleting}
        title={`Delete schedule “${s.name}”?`}
        body="It will not run again. Orders it has already placed stay in the order list and the audit log."
        confirmLabel="Delete schedule"
        busyLabel="Deleting…"
        onConfirm={async () => {
          await deleteSchedule(s.id);
          onDeleted(s.name);
        }}
      />
    </li>
  );
}
