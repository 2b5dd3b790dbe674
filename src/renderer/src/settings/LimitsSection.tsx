import { useEffect, useState, type FormEvent } from 'react';
import type { Limits } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { TextField } from '../components/FieldInput';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';

type Draft = Record<keyof Limits, string>;
const toDraft = (l: Limits): Draft => ({
  maxQuantity: l.maxQuantity === null ? '' : String(l.maxQuantity),
  maxOrderValue: l.maxOrderValue === null ? '' : String(l.maxOrderValue),
  maxOrdersPerMinute: l.maxOrdersPerMinute === null ? '' : String(l.maxOrdersPerMinute),
});

function problem(value: string, integer: boolean): string | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) return 'Enter a number above zero, or leave empty for no limit.';
  if (integer && (!Number.isInteger(n) || n > 1000)) return 'Enter a whole number from 1 to 1000.';
  return null;
}

/** Pre-trade limits: orders above them need an explicit confirmation. */
export function LimitsSection() {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const load = useAction();
  const save = useAction();

  useEffect(() => {
    void load.run(async () => setDraft(toDraft(await unwrap(getApi().limits.get()))));
  }, [load.run]);

  if (!draft) {
    return (
      <section className="panel" aria-labelledby="limits-h">
        <h2 id="limits-h">Pre-trade limits</h2>
        {load.busy && <Spinner label="Loading limits…" />}
        <ErrorText error={load.error ? `Limits could not be loaded: ${load.error}` : null} />
      </section>
    );
  }
  const problems = {
    maxQuantity: problem(draft.maxQuantity, false),
    maxOrderValue: problem(draft.maxOrderValue, false),
    maxOrdersPerMinute: problem(draft.maxOrdersPerMinute, true),
  };
  const value = (s: string) => (s.trim() === '' ? null : Number(s));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    if (Object.values(problems).some(Boolean)) return;
    const next = await save.run(() =>
      unwrap(
        getApi().limits.set({
          maxQuantity: value(draft.maxQuantity),
          maxOrderValue: value(draft.maxOrderValue),
          maxOrdersPerMinute: value(draft.maxOrdersPerMinute),
        }),
      ),
    );
    if (next) {
      setDraft(toDraft(next));
      setSaved(true);
    }
  };
  const set = (k: keyof Limits) => (v: string) => setDraft({ ...draft, [k]: v });

  return (
    <section className="panel" aria-labelledby="limits-h">
      <h2 id="limits-h">Pre-trade limits</h2>
      <p className="muted small">An order above a limit is not sent until you confirm it on the ticket. Leave a box empty for no limit.</p>
      <form className="form grid-3" onSubmit={(e) => void submit(e)} noValidate>
        <TextField label="Max quantity per order" value={draft.maxQuantity} onChange={set('maxQuantity')} error={problems.maxQuantity} inputMode="numeric" />
        <TextField
          label="Max order value"
          value={draft.maxOrderValue}
          onChange={set('maxOrderValue')}
          error={problems.maxOrderValue}
          inputMode="numeric"
          help="In the account’s currency."
        />
        <TextField
          label="Max orders per minute"
          value={draft.maxOrdersPerMinute}
          onChange={set('maxOrdersPerMinute')}
          error={problems.maxOrdersPerMinute}
          inputMode="numeric"
        />
        <div className="row span-all">
          <button type="submit" className="primary" disabled={save.busy}>
            Save limits
          </button>
          {save.busy && <Spinner label="Saving…" />}
          {saved && (
            <span className="ok-text small" role="status">
              Limits saved.
            </span>
          )}
        </div>
      </form>
      <ErrorText error={save.error} />
    </section>
  );
}
