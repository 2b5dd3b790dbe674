import { useState, type FormEvent } from 'react';
import { ORDER_SIDES, needsLimitPrice, needsStopPrice, type OrderType } from '../../../shared/orders';
import type { ChannelOutput } from '../../../shared/contract';
import type { OrderView } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { useAction } from '../hooks/useAction';
import { useApp, upsertOrder } from '../store';
import { SYMBOL_PATTERN, SymbolField } from './SymbolField';
import { usePaperPriceSource } from './usePaperPriceSource';
import { INDIAN_PRODUCTS, describeTicket, paperProductsFor, ticketProblems, toTicket, type TicketForm } from './ticket';
import { BasketTicket } from './BasketTicket';
import { outcomeOf } from './outcome';

type PlaceResult = ChannelOutput<'orders:place'>;
type Stage = { kind: 'edit' } | { kind: 'review' } | { kind: 'confirm'; confirmationId: string; reasons: string[] };

/** The paper ticket's symbol hint, saying where this symbol's prices (and so its fills) come from once main has said. */
const PAPER_HINT = 'Paper mode: any symbol in EXCHANGE:SYMBOL form';
const PAPER_PRICES = {
  broker: `${PAPER_HINT}; prices come from your connected broker.`,
  simulated: `${PAPER_HINT}; prices are simulated.`,
  unknown: `${PAPER_HINT}.`,
} as const;

const BLANK: TicketForm = { symbol: '', side: 'BUY', quantity: '1', type: 'MARKET', limitPrice: '', stopPrice: '', product: '' };

/**
 * The order ticket. One ticketId per ticket, reused on every retry (main deduplicates on it); a new
 * one only after an order was placed. Live orders go through a review step first.
 */
export function OrderTicket({ symbol, onSymbol, onChart }: { symbol: string; onSymbol(symbol: string): void; onChart?(symbol: string): void }) {
  const mode = useApp((s) => s.mode);
  const brokers = useApp((s) => s.brokers);
  const live = mode.mode === 'live' && mode.live !== null;
  const liveBroker = live ? brokers.find((b) => b.id === mode.live!.broker) : undefined;
  const needsProduct = liveBroker?.region === 'IN';
  const [form, setForm] = useState<TicketForm>({ ...BLANK, symbol });
  // Paper mode: an optional product for the symbol's market (a stale one from another market is dropped).
  const paperProducts = live ? [] : paperProductsFor(form.symbol);
  const products = needsProduct ? INDIAN_PRODUCTS : paperProducts;
  const chosenProduct = products.some(([v]) => v === form.product) ? form.product : '';
  const sendsProduct = needsProduct || chosenProduct !== '';
  const [ticketId, setTicketId] = useState(() => crypto.randomUUID());
  const [stage, setStage] = useState<Stage>({ kind: 'edit' });
  const [submitted, setSubmitted] = useState(false);
  const [placed, setPlaced] = useState<OrderView | null>(null);
  /** Set when the placed order was split at the exchange's freeze quantity. */
  const [split, setSplit] = useState<Extract<PlaceResult, { status: 'placed' }>['split'] | null>(null);
  const [basket, setBasket] = useState(false);
  const question = useApp((s) => s.brokerQuestion);
  const answered = useApp((s) => s.answered);
  // After the trader answered the broker's question(s), the ticket reports how the order ended up.
  const reported = placed ?? answered;
  // The ticket follows the journal (orders:changed), so an unknown outcome turns into the broker's answer here too.
  const shown = useApp((s) => (reported ? (s.orders.find((o) => o.id === reported.id) ?? reported) : null));
  const { busy, error, setError, run } = useAction();
  const priceSource = usePaperPriceSource(form.symbol, !live);

  const problems = ticketProblems(form, needsProduct);
  const set = (patch: Partial<TicketForm>) => {
    setForm({ ...form, ...patch });
    // A changed ticket is a new order: only an unchanged ticket is a retry of the same one.
    setTicketId(crypto.randomUUID());
    if (patch.symbol !== undefined) onSymbol(patch.symbol);
    setStage({ kind: 'edit' });
    setPlaced(null);
    setSplit(null);
    if (useApp.getState().answered) useApp.setState({ answered: null });
  };

  const place = async (confirmationId?: string) => {
    const result = await run(() => unwrap(getApi().orders.place(toTicket({ ...form, product: chosenProduct }, ticketId, sendsProduct, confirmationId))));
    if (!result) return;
    if (result.status === 'needs-confirmation') {
      setStage({ kind: 'confirm', confirmationId: result.confirmationId, reasons: result.reasons });
      return;
    }
    useApp.setState((s) => ({ orders: upsertOrder(s.orders, result.order) }));
    if (result.status === 'needs-broker-answer') {
      // The order is journaled and waits at the broker: the trader answers in the broker's dialog.
      useApp.setState({ brokerQuestion: { order: result.order, replyId: result.replyId, prompts: result.prompts, round: 1 }, answered: null });
      setPlaced(null);
      setStage({ kind: 'edit' });
      setSubmitted(false);
      setTicketId(crypto.randomUUID());
      return;
    }
    setPlaced(result.order);
    setSplit(result.split ?? null);
    setStage({ kind: 'edit' });
    setSubmitted(false);
    setTicketId(crypto.randomUUID());
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setError(null);
    if (Object.keys(problems).length) return;
    if (live && stage.kind === 'edit') setStage({ kind: 'review' });
    else void place();
  };
  const show = (k: keyof TicketForm) => (submitted ? (problems[k] ?? null) : null);
  const ticket = toTicket({ ...form, product: chosenProduct }, ticketId, sendsProduct);

  if (basket) return <BasketTicket onSingle={() => setBasket(false)} />;
  return (
    <form className={`panel ticket${live ? ' ticket-live' : ''}`} onSubmit={submit} noValidate aria-label="Order ticket">
      <h2>
        New order <span className={`mode-chip ${live ? 'mode-live' : 'mode-paper'}`}>{live ? `LIVE · ${mode.live!.label}` : 'PAPER'}</span>{' '}
        <button type="button" className="ghost small-button" onClick={() => setBasket(true)} disabled={busy}>
          Basket
        </button>
      </h2>
      <SymbolField
        value={form.symbol}
        onChange={(s) => set({ symbol: s })}
        connectionId={live ? mode.live!.connectionId : null}
        error={show('symbol')}
        help={PAPER_PRICES[priceSource ?? 'unknown']}
      />
      {onChart && (
        <button type="button" className="link chart-open" disabled={!SYMBOL_PATTERN.test(form.symbol)} onClick={() => onChart(form.symbol)}>
          Open chart
        </button>
      )}
      <fieldset className="side-toggle">
        <legend className="sr-only">Side</legend>
        {ORDER_SIDES.map((side) => (
          <label key={side} className={`side side-${side.toLowerCase()}${form.side === side ? ' selected' : ''}`}>
            <input type="radio" name="side" value={side} checked={form.side === side} onChange={() => set({ side })} />
            {side === 'BUY' ? 'Buy' : 'Sell'}
          </label>
        ))}
      </fieldset>
      <div className="grid-2">
        <label className="field">
          Quantity
          <input
            inputMode="decimal"
            value={form.quantity}
            onChange={(e) => set({ quantity: e.target.value })}
            aria-invalid={show('quantity') ? true : undefined}
          />
          {show('quantity') && <span className="field-error">{show('quantity')}</span>}
        </label>
        <label className="field">
          Order type
          <select value={form.type} onChange={(e) => set({ type: e.target.value as OrderType })}>
            <option value="MARKET">Market</option>
            <option value="LIMIT">Limit</option>
            <option value="STOP">Stop</option>
            <option value="STOP_LIMIT">Stop limit</option>
          </select>
        </label>
        {needsLimitPrice(form.type) && (
          <label className="field">
            Limit price
            <input
              inputMode="decimal"
              value={form.limitPrice}
              onChange={(e) => set({ limitPrice: e.target.value })}
              aria-invalid={show('limitPrice') ? true : undefined}
            />
            {show('limitPrice') && <span className="field-error">{show('limitPrice')}</span>}
          </label>
        )}
        {needsStopPrice(form.type) && (
          <label className="field">
            Stop price
            <input
              inputMode="decimal"
              value={form.stopPrice}
              onChange={(e) => set({ stopPrice: e.target.value })}
              aria-invalid={show('stopPrice') ? true : undefined}
            />
            {show('stopPrice') && <span className="field-error">{show('stopPrice')}</span>}
          </label>
        )}
        {products.length > 0 && (
          <label className="field">
            Product
            <select value={chosenProduct} onChange={(e) => set({ product: e.target.value })} aria-invalid={show('product') ? true : undefined}>
              <option value="">{needsProduct ? 'Choose…' : 'None — long only'}</option>
              {products.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
            {show('product') && <span className="field-error">{show('product')}</span>}
          </label>
        )}
      </div>

      {stage.kind === 'review' && (
        <div className="review" role="group" aria-label="Review live order" data-testid="order-review">
          <strong>Review — this is a real order</strong>
          <p className="mono">{describeTicket(ticket)}</p>
          <p className="muted small">
            Goes to {mode.live!.label} ({liveBroker?.name ?? mode.live!.broker}, {mode.live!.environment}) {mode.live!.accountMasked ?? ''}.
          </p>
        </div>
      )}
      {stage.kind === 'confirm' && (
        <div className="note" role="alert" data-testid="order-confirm">
          <strong>This order breaks your pre-trade limits:</strong>
          <ul>
            {stage.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <p className="small">Place it anyway, or change the ticket.</p>
        </div>
      )}
      <ErrorText
        error={error ? `${error} Your ticket is kept: fix it or press the button again to retry safely (it will not be placed twice).` : null}
        testId="order-error"
      />
      {question && (
        <p className="warn-text" role="status" data-testid="order-question">
          {question.order.side} {question.order.quantity} {question.order.symbol} is waiting for your answer to the broker’s question.
        </p>
      )}
      {!question && shown && (
        <p className={outcomeOf(shown).tone === 'warn' ? 'warn-text' : 'ok-text'} role="status" data-testid="order-placed">
          {outcomeOf(shown).text}
        </p>
      )}
      {!question && split && (
        <p className={split.stopped ? 'warn-text' : 'muted small'} role="status" data-testid="order-split">
          Above the exchange&apos;s freeze quantity: sent as {split.orders.length} of {split.slices} slices, each a separate order.
          {split.stopped ? ` ${split.stopped}` : ''}
        </p>
      )}
      <div className="ticket-actions">
        {busy && <Spinner label="Sending order…" />}
        {stage.kind === 'confirm' ? (
          <>
            <button type="button" onClick={() => setStage({ kind: 'edit' })} disabled={busy}>
              Change ticket
            </button>
            <button type="button" className="danger-solid" disabled={busy} onClick={() => void place(stage.confirmationId)}>
              Place anyway
            </button>
          </>
        ) : stage.kind === 'review' ? (
          <>
            <button type="button" onClick={() => setStage({ kind: 'edit' })} disabled={busy}>
              Edit
            </button>
            <button type="submit" className="danger-solid" disabled={busy || question !== null}>
              Place live order
            </button>
          </>
        ) : (
          <button type="submit" className={form.side === 'BUY' ? 'buy-button' : 'sell-button'} disabled={busy || question !== null}>
            {live ? 'Review order' : `${form.side === 'BUY' ? 'Buy' : 'Sell'} (paper)`}
          </button>
        )}
      </div>
    </form>
  );
}
