import { useState, type FormEvent } from 'react';
import type { OrderView } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { Spinner } from '../components/Spinner';
import { useApp, upsertOrder } from '../store';
import { basketProblems, MAX_BASKET, rowTicket } from './basket';
import { BasketRowFields } from './BasketRowFields';
import { blankRow, type BasketRow } from './schedule';
import { describeTicket } from './ticket';
import { outcomeOf } from './outcome';

/** What became of one row the last time the basket was placed. */
type RowResult =
  | { kind: 'placed'; order: OrderView; note: string | null }
  | { kind: 'confirm'; confirmationId: string; reasons: string[] }
  | { kind: 'question'; order: OrderView }
  | { kind: 'error'; message: string }
  | { kind: 'not-sent'; message: string };

type Stage = 'edit' | 'review' | 'placed';

/** Where orders go now: paper, or one live connection. */
const venueOf = (mode: { mode: string; live: { connectionId: string } | null }) =>
  mode.mode === 'live' && mode.live ? `live:${mode.live.connectionId}` : 'paper';

/**
 * Several orders from the ticket at once. Each row is its own order through main's one order path, with its
 * own ticket id kept until the row changes, so pressing Place again after a failure sends only what was not
 * placed. Rows go one after another and each reports its own result. Live baskets are reviewed first, as a
 * single live order is.
 */
export function BasketTicket({ onSingle }: { onSingle(): void }) {
  const mode = useApp((s) => s.mode);
  const live = mode.mode === 'live' && mode.live !== null;
  const [rows, setRows] = useState<BasketRow[]>(() => [blankRow(), blankRow()]);
  const [ticketIds, setTicketIds] = useState<Record<string, string>>({});
  const [results, setResults] = useState<Record<string, RowResult>>({});
  const [stage, setStage] = useState<Stage>('edit');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const problems = basketProblems(rows);
  const invalid = problems.some((p) => Object.keys(p).length > 0);
  const idOf = (row: BasketRow) => ticketIds[row.key] ?? row.key;

  const edit = (key: string, patch: Partial<BasketRow>) => {
    setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    // A changed row is a new order: only an unchanged row is a retry of the same one.
    setTicketIds({ ...ticketIds, [key]: crypto.randomUUID() });
    setStage('edit');
  };

  const placeRow = async (row: BasketRow, confirmationId?: string): Promise<RowResult> => {
    try {
      const result = await unwrap(getApi().orders.place(rowTicket(row, idOf(row), confirmationId)));
      if (result.status === 'needs-confirmation') return { kind: 'confirm', confirmationId: result.confirmationId, reasons: result.reasons };
      useApp.setState((s) => ({ orders: upsertOrder(s.orders, result.order) }));
      if (result.status === 'needs-broker-answer') {
        useApp.setState({ brokerQuestion: { order: result.order, replyId: result.replyId, prompts: result.prompts, round: 1 }, answered: null });
        return { kind: 'question', order: result.order };
      }
      return { kind: 'placed', order: result.order, note: result.split?.stopped ?? null };
    } catch (error) {
      return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  };

  const placeAll = async () => {
    setBusy(true);
    const next: Record<string, RowResult> = {};
    let waiting = false;
    // Main places each row in the mode of the moment: a kill switch or Back to paper mid-basket must not send the
    // remaining rows somewhere else than the trader reviewed.
    const reviewedIn = venueOf(useApp.getState().mode);
    for (const row of rows) {
      const moved = venueOf(useApp.getState().mode) !== reviewedIn;
      // One broker question at a time: the rows after it wait for the trader's answer.
      next[row.key] = moved
        ? { kind: 'not-sent', message: 'Not sent: the trading mode changed while the basket was being placed (kill switch or a switch of mode).' }
        : waiting
          ? { kind: 'not-sent', message: 'Not sent yet: answer the broker’s question, then press Place again.' }
          : await placeRow(row);
      if (next[row.key]!.kind === 'question') waiting = true;
      setResults({ ...next });
    }
    setBusy(false);
    setStage('placed');
  };

  const confirmRow = async (row: BasketRow, confirmationId: string) => {
    setBusy(true);
    const result = await placeRow(row, confirmationId);
    setResults((r) => ({ ...r, [row.key]: result }));
    setBusy(false);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (invalid) return;
    if (stage === 'edit') setStage('review');
    else void placeAll();
  };

  const startOver = () => {
    setRows([blankRow(), blankRow()]);
    setTicketIds({});
    setResults({});
    setSubmitted(false);
    setStage('edit');
  };

  const count = `${rows.length} order${rows.length === 1 ? '' : 's'}`;
  return (
    <form className={`panel ticket basket-ticket${live ? ' ticket-live' : ''}`} onSubmit={submit} noValidate aria-label="Basket order">
      <h2>
        Basket <span className={`mode-chip ${live ? 'mode-live' : 'mode-paper'}`}>{live ? `LIVE · ${mode.live!.label}` : 'PAPER'}</span>{' '}
        <button type="button" className="ghost small-button" onClick={onSingle} disabled={busy}>
          Single order
        </button>
      </h2>
      <div className="basket-rows">
        {rows.map((row, index) => (
          <div key={row.key}>
            <BasketRowFields
              row={row}
              index={index}
              problems={submitted ? problems[index]! : {}}
              onChange={(patch) => edit(row.key, patch)}
              onRemove={rows.length > 1 && !busy ? () => setRows(rows.filter((r) => r.key !== row.key)) : undefined}
              connectionId={live ? mode.live!.connectionId : null}
              autoFocus={false}
            />
            <RowOutcome result={results[row.key]} busy={busy} onConfirm={(id) => void confirmRow(row, id)} />
          </div>
        ))}
      </div>
      {rows.length < MAX_BASKET && stage !== 'placed' && (
        <button type="button" className="small-button" onClick={() => setRows([...rows, blankRow()])} disabled={busy}>
          Add order
        </button>
      )}
      {stage === 'review' && (
        <div className={live ? 'review' : 'note'} role="group" aria-label="Review basket" data-testid="basket-review">
          <strong>{live ? `Review — these are ${count}, real orders` : `Review — ${count} in paper`}</strong>
          <ol className="mono">
            {rows.map((row) => (
              <li key={row.key}>{describeTicket(rowTicket(row, idOf(row)))}</li>
            ))}
          </ol>
          {live && (
            <p className="muted small">
              Each goes to {mode.live!.label} ({mode.live!.broker}, {mode.live!.environment}) {mode.live!.accountMasked ?? ''}, one after another.
            </p>
          )}
        </div>
      )}
      <div className="ticket-actions">
        {busy && <Spinner label="Sending orders…" />}
        {stage === 'edit' && (
          <button type="submit" disabled={busy}>
            Review {count}
          </button>
        )}
        {stage === 'review' && (
          <>
            <button type="button" onClick={() => setStage('edit')} disabled={busy}>
              Edit
            </button>
            <button type="submit" className={live ? 'danger-solid' : 'primary'} disabled={busy}>
              {live ? `Place ${count} live` : `Place ${count} (paper)`}
            </button>
          </>
        )}
        {stage === 'placed' && (
          <>
            <button type="button" onClick={startOver} disabled={busy}>
              New basket
            </button>
            <button type="submit" disabled={busy} title="Sends only the rows not placed yet: placed rows are never placed twice.">
              Place again
            </button>
          </>
        )}
      </div>
    </form>
  );
}

function RowOutcome({ result, busy, onConfirm }: { result: RowResult | undefined; busy: boolean; onConfirm(confirmationId: string): void }) {
  if (!result) return null;
  if (result.kind === 'placed') {
    const { tone, text } = outcomeOf(result.order);
    return (
      <p className={tone === 'warn' || result.note ? 'warn-text' : 'ok-text'} role="status" data-testid="basket-result">
        {text}
        {result.note ? ` ${result.note}` : ''}
      </p>
    );
  }
  if (result.kind === 'confirm') {
    return (
      <div className="note" role="alert" data-testid="basket-result">
        <strong>This order breaks your pre-trade limits:</strong> {result.reasons.join(' ')}{' '}
        <button type="button" className="danger-solid small-button" disabled={busy} onClick={() => onConfirm(result.confirmationId)}>
          Place anyway
        </button>
      </div>
    );
  }
  const text =
    result.kind === 'question'
      ? `${result.order.side} ${result.order.quantity} ${result.order.symbol} is waiting for your answer to the broker’s question.`
      : result.kind === 'error'
        ? `Not placed: ${result.message}`
        : result.message;
  return (
    <p className="warn-text" role="status" data-testid="basket-result">
      {text}
    </p>
  );
}
