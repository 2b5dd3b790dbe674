import { useState, type FormEvent } from 'react';
import type { ChannelInput, ChannelOutput } from '../../../shared/contract';
import type { ExitKind } from '../../../shared/exits';
import type { OrderSide } from '../../../shared/orders';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';

type ExitRequest = ChannelInput<'exits:place'>;

const KINDS: [ExitKind, string][] = [
  ['bracket', 'Bracket (entry + exits)'],
  ['oco', 'Stop-loss with target'],
  ['trailing', 'Trailing stop'],
];

interface Form {
  kind: ExitKind;
  /** The position's side: long exits by selling, short by buying. */
  position: 'long' | 'short';
  quantity: string;
  entryType: 'MARKET' | 'LIMIT';
  entryLimit: string;
  target: string;
  stop: string;
  trailBy: 'amount' | 'percent';
  trail: string;
}

const BLANK: Form = {
  kind: 'bracket',
  position: 'long',
  quantity: '1',
  entryType: 'MARKET',
  entryLimit: '',
  target: '',
  stop: '',
  trailBy: 'percent',
  trail: '',
};

const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** The request main checks (its schema says what is wrong, in BrokerVault's words). */
function toRequest(form: Form, symbol: string, requestId: string, confirmationId?: string): ExitRequest {
  const exitSide: OrderSide = form.position === 'long' ? 'SELL' : 'BUY';
  const base = { requestId, kind: form.kind, symbol, exitSide, quantity: Number(form.quantity), ...(confirmationId ? { confirmationId } : {}) };
  if (form.kind === 'trailing') {
    const value = Number(form.trail);
    return { ...base, trail: form.trailBy === 'amount' ? { amount: value } : { percent: value } };
  }
  return {
    ...base,
    ...(form.kind === 'bracket' ? { entry: { type: form.entryType, ...(form.entryType === 'LIMIT' ? { limitPrice: num(form.entryLimit) } : {}) } } : {}),
    targetPrice: num(form.target),
    stopPrice: num(form.stop),
  };
}

/**
 * The order ticket's Exits section: a bracket, a stop-loss with target on a held position, or a trailing stop, for the
 * ticket's symbol. Main decides whether the broker holds it or BrokerVault manages it; the list below says which.
 */
export function ExitTicket({ symbol }: { symbol: string }) {
  const mode = useApp((s) => s.mode);
  const live = mode.mode === 'live' && mode.live !== null;
  const [form, setForm] = useState<Form>(BLANK);
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const [confirm, setConfirm] = useState<{ confirmationId: string; reasons: string[] } | null>(null);
  const [review, setReview] = useState(false);
  /** The broker asked a question about a native exit: the trader answers it here. */
  const [question, setQuestion] = useState<{ exitId: string; replyId: string; prompts: string[] } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, setError, run } = useAction();

  const set = (patch: Partial<Form>) => {
    setForm({ ...form, ...patch });
    // A changed exit is a new request; only an unchanged one is a retry.
    setRequestId(crypto.randomUUID());
    setConfirm(null);
    setReview(false);
    setDone(null);
    setQuestion(null);
  };

  const settle = (result: ChannelOutput<'exits:place'> | undefined) => {
    if (!result) return;
    if (result.status === 'needs-confirmation') {
      setConfirm({ confirmationId: result.confirmationId, reasons: result.reasons });
      return;
    }
    setConfirm(null);
    if (result.status === 'needs-broker-answer') {
      setQuestion({ exitId: result.exit.id, replyId: result.replyId, prompts: result.prompts });
      return;
    }
    setQuestion(null);
    setReview(false);
    setDone(
      result.exit.state === 'cancelled'
        ? 'Not placed: you declined the broker’s question.'
        : result.exit.handling === 'native'
          ? 'Placed: held by the broker.'
          : 'Set: managed by BrokerVault while it runs.',
    );
    setRequestId(crypto.randomUUID());
  };

  const send = async (confirmationId?: string) => {
    settle(await run(() => unwrap(getApi().exits.place(toRequest(form, symbol, requestId, confirmationId)))));
  };

  const answer = async (yes: boolean) => {
    if (!question) return;
    settle(await run(() => unwrap(getApi().exits.answerPrompt({ exitId: question.exitId, replyId: question.replyId, confirm: yes }))));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!symbol) {
      setError('Enter a symbol in the order ticket first.');
      return;
    }
    if (live && !review) setReview(true);
    else void send();
  };

  return (
    <form className="panel exit-ticket" onSubmit={submit} noValidate aria-label="Protective exit">
      <h2>Exits {symbol && <span className="muted small">{symbol}</span>}</h2>
      <div className="grid-2">
        <label className="field">
          Exit
          <select value={form.kind} onChange={(e) => set({ kind: e.target.value as ExitKind })}>
            {KINDS.map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Position
          <select value={form.position} onChange={(e) => set({ position: e.target.value as Form['position'] })}>
            <option value="long">Long (sell to exit)</option>
            <option value="short">Short (buy to exit)</option>
          </select>
        </label>
        <label className="field">
          Exit quantity
          <input inputMode="decimal" value={form.quantity} onChange={(e) => set({ quantity: e.target.value })} />
        </label>
        {form.kind === 'bracket' && (
          <label className="field">
            Entry
            <select value={form.entryType} onChange={(e) => set({ entryType: e.target.value as Form['entryType'] })}>
              <option value="MARKET">Market</option>
              <option value="LIMIT">Limit</option>
            </select>
          </label>
        )}
        {form.kind === 'bracket' && form.entryType === 'LIMIT' && (
          <label className="field">
            Entry limit price
            <input inputMode="decimal" value={form.entryLimit} onChange={(e) => set({ entryLimit: e.target.value })} />
          </label>
        )}
        {form.kind !== 'trailing' ? (
          <>
            <label className="field">
              Target price
              <input inputMode="decimal" value={form.target} onChange={(e) => set({ target: e.target.value })} />
            </label>
            <label className="field">
              Stop price
              <input inputMode="decimal" value={form.stop} onChange={(e) => set({ stop: e.target.value })} />
            </label>
          </>
        ) : (
          <>
            <label className="field">
              Trail by
              <select value={form.trailBy} onChange={(e) => set({ trailBy: e.target.value as Form['trailBy'] })}>
                <option value="percent">Percent</option>
                <option value="amount">Amount</option>
              </select>
            </label>
            <label className="field">
              Trail
              <input inputMode="decimal" value={form.trail} onChange={(e) => set({ trail: e.target.value })} />
            </label>
          </>
        )}
      </div>
      {review && (
        <div className="review" role="group" aria-label="Review live exit" data-testid="exit-review">
          <strong>Review — this is a real {form.kind === 'bracket' ? 'order with its exits' : 'exit'}</strong>
          <p className="small">
            At {mode.live!.label}. Where the broker holds this kind of exit it is placed there; otherwise BrokerVault manages it, and it works only while
            BrokerVault is running.
          </p>
        </div>
      )}
      {confirm && (
        <div className="note" role="alert" data-testid="exit-confirm">
          <strong>This exit breaks your pre-trade limits:</strong>
          <ul>
            {confirm.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      {question && (
        <div className="note" role="alert" data-testid="exit-broker-question">
          <strong>The broker asks before it takes this exit:</strong>
          <ul>
            {question.prompts.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
          <div className="ticket-actions">
            <button type="button" className="danger-solid" disabled={busy} onClick={() => void answer(true)}>
              Yes, place it
            </button>
            <button type="button" disabled={busy} onClick={() => void answer(false)}>
              No
            </button>
          </div>
        </div>
      )}
      <ErrorText error={error} testId="exit-error" />
      {done && (
        <p className="ok-text" role="status" data-testid="exit-placed">
          {done}
        </p>
      )}
      <div className="ticket-actions">
        {busy && <Spinner label="Setting the exit…" />}
        {confirm ? (
          <button type="button" className="danger-solid" disabled={busy} onClick={() => void send(confirm.confirmationId)}>
            Set anyway
          </button>
        ) : question ? null : (
          <button type="submit" disabled={busy}>
            {live ? (review ? 'Place live exit' : 'Review exit') : 'Set exit (paper)'}
          </button>
        )}
      </div>
    </form>
  );
}
