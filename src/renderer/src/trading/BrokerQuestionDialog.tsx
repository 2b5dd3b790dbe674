import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Modal } from '../components/Modal';
import { Spinner } from '../components/Spinner';
import { brokerLines, num } from '../format';
import { useAction } from '../hooks/useAction';
import { upsertOrder, useApp } from '../store';

/**
 * The broker's own question about an order (e.g. "exceeds the Total Value Limit…", "outside regular
 * trading hours…"). Shown as the broker's words, not BrokerVault's; only the trader answers it, with
 * Confirm or Decline (orders:answerPrompt). A new question after an answer replaces the text (round 2, …).
 * It cannot be dismissed with Escape: the order waits at the broker until it is answered.
 */
export function BrokerQuestionDialog() {
  const question = useApp((s) => s.brokerQuestion);
  const brokers = useApp((s) => s.brokers);
  const mode = useApp((s) => s.mode);
  const { busy, error, setError, run } = useAction();
  if (!question) return null;
  const { order } = question;
  const brokerName = brokers.find((b) => b.id === order.broker)?.name ?? order.broker;
  const account =
    mode.live && mode.live.connectionId === order.connectionId ? `${mode.live.label}${mode.live.accountMasked ? ` ${mode.live.accountMasked}` : ''}` : null;
  const price =
    order.type === 'MARKET'
      ? 'at market'
      : order.limitPrice !== null
        ? `limit ${num(order.limitPrice)}`
        : order.stopPrice !== null
          ? `stop ${num(order.stopPrice)}`
          : '';

  const answer = async (confirm: boolean) => {
    const result = await run(() => unwrap(getApi().orders.answerPrompt({ orderId: order.id, replyId: question.replyId, confirm })));
    if (!result) return;
    if (result.status === 'needs-broker-answer') {
      useApp.setState((s) => ({
        orders: upsertOrder(s.orders, result.order),
        brokerQuestion: { order: result.order, replyId: result.replyId, prompts: result.prompts, round: question.round + 1 },
      }));
    } else if (result.status === 'placed') {
      useApp.setState((s) => ({ orders: upsertOrder(s.orders, result.order), brokerQuestion: null, answered: result.order }));
    } else {
      // orders:answerPrompt never asks for a limit confirmation; close rather than leave a dead dialog.
      useApp.setState({ brokerQuestion: null });
    }
  };
  const close = () => {
    setError(null);
    useApp.setState({ brokerQuestion: null });
    void useApp.getState().loadOrders();
  };

  return (
    <Modal
      open
      onOpenChange={() => undefined}
      dismissable={false}
      tone="live"
      testId="broker-question"
      title={`${brokerName} asks about your order`}
      description={`This question comes from ${brokerName}, not from BrokerVault. The order is not placed until you answer; BrokerVault never answers for you.`}
    >
      <p className="question-order mono" data-testid="broker-question-order">
        {order.side} {num(order.quantity)} {order.symbol} {price}
        {order.product ? ` (${order.product})` : ''}
        <span className={`mode-chip mode-${order.mode}`}>{order.mode === 'live' ? `LIVE${account ? ` · ${account}` : ''}` : 'PAPER'}</span>
      </p>
      <figure className="broker-says">
        <figcaption>
          <span className="tag tag-accent">From {brokerName}</span>
          {question.round > 1 && (
            <span className="muted small">
              {' '}
              Question {question.round}: {brokerName} asked again after your last answer.
            </span>
          )}
        </figcaption>
        {/* The broker's own words (tags stripped), in a quote so they read as the broker's, not ours. */}
        <blockquote data-testid="broker-prompt" aria-live="polite">
          {question.prompts.map((prompt, i) => (
            <div key={`${question.replyId}-${i}`} className="broker-prompt">
              {brokerLines(prompt).map((line, j) => (
                <p key={j}>{line}</p>
              ))}
            </div>
          ))}
        </blockquote>
      </figure>
      <p className="muted small">
        <strong>Confirm</strong> tells {brokerName} to go ahead with the order. <strong>Decline</strong> tells it not to: nothing is placed and the order is
        shown as cancelled.
      </p>
      <ErrorText error={error} testId="broker-question-error" />
      <div className="dialog-actions">
        {busy && <Spinner label={`Sending your answer to ${brokerName}…`} />}
        {error && (
          <button type="button" onClick={close} disabled={busy}>
            Close and check the order list
          </button>
        )}
        <button type="button" onClick={() => void answer(false)} disabled={busy}>
          Decline
        </button>
        <button type="button" className="danger-solid" onClick={() => void answer(true)} disabled={busy}>
          Confirm
        </button>
      </div>
    </Modal>
  );
}
