import { useId, useRef, useState, type FormEvent } from 'react';
import { ErrorText } from '../components/ErrorText';
import { TextField } from '../components/FieldInput';
import { Modal } from '../components/Modal';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';
import { useApp, type ScheduleView } from '../store';
import { BasketRowFields } from './BasketRowFields';
import {
  COMMON_ZONES,
  MAX_BASKET,
  MONDAY_TO_FRIDAY,
  WEEKDAYS,
  blankRow,
  localZone,
  problemList,
  scheduleProblems,
  toScheduleInput,
  zoneForSymbol,
  type BasketRow,
  type ScheduleForm,
} from './schedule';

/** The time zone: typed, with common zones suggested; it follows the first order's exchange until the trader changes it. */
function ZoneField({ value, following, onChange, error }: { value: string; following: boolean; onChange(zone: string): void; error: string | undefined }) {
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>Time zone</label>
      <input
        id={id}
        list={`${id}-zones`}
        value={value}
        autoComplete="off"
        spellCheck={false}
        aria-required
        aria-invalid={error ? true : undefined}
        aria-describedby={`${error ? `${id}-err ` : ''}${id}-help`}
        onChange={(e) => onChange(e.target.value)}
      />
      <datalist id={`${id}-zones`}>
        {COMMON_ZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
      {error && (
        <span id={`${id}-err`} className="field-error">
          {error}
        </span>
      )}
      <span id={`${id}-help`} className="help">
        {following ? 'Follows the first order’s exchange until you change it.' : 'An IANA zone name, e.g. Asia/Kolkata.'}
      </span>
    </div>
  );
}

function DayPicker({ days, onChange, error }: { days: number[]; onChange(days: number[]): void; error: string | undefined }) {
  const id = useId();
  const toggle = (day: number) => onChange(days.includes(day) ? days.filter((d) => d !== day) : [...days, day]);
  return (
    <fieldset className="day-picker" aria-describedby={error ? `${id}-err` : undefined}>
      <legend>Days</legend>
      <div className="day-options">
        {WEEKDAYS.map(([day, name]) => (
          <label key={day} className={`day-option${days.includes(day) ? ' selected' : ''}`}>
            <input type="checkbox" checked={days.includes(day)} onChange={() => toggle(day)} aria-invalid={error ? true : undefined} />
            {name}
          </label>
        ))}
      </div>
      {error && (
        <span id={`${id}-err`} className="field-error">
          {error}
        </span>
      )}
    </fieldset>
  );
}

/** "New schedule": name, time and zone, days, and a basket of 1–20 orders; checked here first, then by main. */
export function ScheduleDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  onCreated(schedule: ScheduleView): void;
}) {
  const mode = useApp((s) => s.mode);
  const createSchedule = useApp((s) => s.createSchedule);
  const [name, setName] = useState('');
  const [time, setTime] = useState('');
  /** Null while the zone follows the first order's exchange. */
  const [zone, setZone] = useState<string | null>(null);
  const [days, setDays] = useState<number[]>(MONDAY_TO_FRIDAY);
  const [rows, setRows] = useState<BasketRow[]>(() => [blankRow()]);
  /** The row just added, which takes the focus. */
  const [addedKey, setAddedKey] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  const { busy, error, run } = useAction();

  const liveConnection = mode.mode === 'live' && mode.live ? mode.live : null;
  const form: ScheduleForm = { name, time, timeZone: zone ?? zoneForSymbol(rows[0]!.symbol) ?? localZone(), days, rows };
  const problems = scheduleProblems(form);
  const list = problemList(problems);
  const show = <T,>(problem: T) => (submitted ? problem : undefined);

  const change = (key: string, patch: Partial<BasketRow>) => setRows((all) => all.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const add = () => {
    const row = blankRow();
    setRows((all) => [...all, row]);
    setAddedKey(row.key);
  };
  const remove = (key: string) => {
    setRows((all) => all.filter((r) => r.key !== key));
    // The Remove button goes away with its row: keep the focus in the basket.
    addButton.current?.focus();
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSubmitted(true);
    if (list.length > 0) {
      const formElement = event.currentTarget;
      // The invalid markers render after this state update: focus the first on the next frame.
      requestAnimationFrame(() => formElement.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    const created = await run(() => createSchedule(toScheduleInput(form)));
    if (created) {
      onCreated(created);
      onOpenChange(false);
    }
  };

  return (
    <Modal
      open={open}
      onOpenChange={(next) => !busy && onOpenChange(next)}
      title="New schedule"
      description="A basket of orders BrokerVault places for you at a set time on the days you choose."
      className="dialog-schedule"
      testId="schedule-dialog"
    >
      <form className="form" onSubmit={(e) => void submit(e)} noValidate aria-label="New schedule">
        <div className="schedule-when-fields">
          <TextField label="Name" required value={name} onChange={setName} error={show(problems.name)} placeholder="e.g. Close buy" autoFocus />
          <TextField label="Time (24-hour)" required value={time} onChange={setTime} error={show(problems.time)} placeholder="15:10" inputMode="numeric" />
          <ZoneField value={form.timeZone} following={zone === null} onChange={setZone} error={show(problems.timeZone)} />
        </div>
        <DayPicker days={days} onChange={setDays} error={show(problems.days)} />

        <div className="basket-head">
          <h3 className="subhead">Orders</h3>
          <span className="help">
            {rows.length} of at most {MAX_BASKET}. {liveConnection ? 'Search your broker’s instruments, or type' : 'Type'} each symbol as EXCHANGE:SYMBOL, e.g.
            NSE:INFY, US:AAPL or CRYPTO:BTCUSDT.
          </span>
        </div>
        <ol className="basket-rows">
          {rows.map((row, index) => (
            <li key={row.key}>
              <BasketRowFields
                row={row}
                index={index}
                problems={submitted ? (problems.rows[index] ?? {}) : {}}
                onChange={(patch) => change(row.key, patch)}
                onRemove={rows.length > 1 ? () => remove(row.key) : undefined}
                connectionId={liveConnection?.connectionId ?? null}
                autoFocus={row.key === addedKey}
              />
            </li>
          ))}
        </ol>
        <div className="row">
          <button type="button" ref={addButton} onClick={add} disabled={rows.length >= MAX_BASKET}>
            + Add order
          </button>
          {rows.length >= MAX_BASKET && <span className="help">A schedule holds at most {MAX_BASKET} orders.</span>}
        </div>

        <p className={liveConnection ? 'note small' : 'info small'} data-testid="schedule-mode-note">
          {liveConnection ? (
            <>
              <strong>BrokerVault is live:</strong> runs place real orders with {liveConnection.label} for as long as it stays live.
            </>
          ) : (
            'Runs place orders in the mode BrokerVault is in at that moment (now paper).'
          )}{' '}
          Each order goes through the same checks as the ticket, pre-trade limits included. BrokerVault must be open at that time: a run missed while it is
          closed is reported, never placed late.
        </p>

        {submitted && list.length > 0 && (
          <p className="error-box" role="alert" data-testid="schedule-problems">
            {list.length === 1 ? 'One field needs attention' : `${list.length} fields need attention`}: {list[0]}
          </p>
        )}
        <ErrorText error={error ? `The schedule was not saved: ${error}` : null} testId="schedule-error" />
        <div className="dialog-actions">
          {busy && <Spinner label="Saving schedule…" />}
          <button type="button" onClick={() => onOpenChange(false)} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Save schedule
          </button>
        </div>
      </form>
    </Modal>
  );
}
