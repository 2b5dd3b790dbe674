import { useState } from 'react';
import { ORDER_TYPES, needsLimitPrice, needsStopPrice, type OrderType } from '../../../shared/orders';
import type { OrderChangeInput, OrderView } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Modal } from '../components/Modal';
import { Spinner } from '../components/Spinner';
import { num } from '../format';
import { useAction } from '../hooks/useAction';
import { upsertOrder, useApp } from '../store';

interface Fields {
  quantity: string;
  type: OrderType;
  limitPrice: string;
  stopPrice: string;
}

const fieldsOf = (o: OrderView): Fields => ({
  quantity: String(o.quantity),
  type: o.type,
  limitPrice: o.limitPrice === null ? '' : String(o.limitPrice),
  stopPrice: o.stopPrice === null ? '' : String(o.stopPrice),
});

/** Only what differs from the order: main applies the change to the order's own terms. */
function changeOf(order: OrderView, f: Fields): OrderChangeInput | string {
  const change: OrderChangeInput = {};
  const quantity = Number(f.quantity);
  if (!(quantity > 0)) return 'Quantity must be a positive number.';
  if (quantity !== order.quantity) change.quantity = quantity;
  if (f.type !== order.type) change.type = f.type;
  if (needsLimitPrice(f.type)) {
    const limit = Number(f.limitPrice);
    if (!(limit > 0)) return 'A limit price is needed for this type.';
    if (limit !== order.limitPrice) change.limitPrice = limit;
  }
  if (needsStopPrice(f.type)) {
    const stop = Number(f.stopPrice);
    if (!(stop > 0)) return 'A stop price is needed for this type.';
    if (stop !== order.stopPrice) change.stopPrice = stop;
  }
  return Object.keys(change).length === 0 ? 'Change the quantity, type or a price first.' : change;
}

type Stage = { kind: 'edit' } | { kind: 'confirm'; confirmationId: string; reasons: string[] };

/**
 * Modify a working order: quantity, type, limit and stop. One request id per dialog, reused on every retry (main
 * changes the order once). Main answers a live order, or a change above a limit, with the reasons to confirm; the
 * change goes out only after the trader confirms it here, as a live order is only placed after its review.
 */
export function ModifyOrderDialog({
  order,
  prefill,
  onClose,
}: {
  order: OrderView;
  /** A new price already chosen (by dragging the order's line on the chart); reviewed here like any change. */
  prefill?: Partial<Pick<Fields, 'limitPrice' | 'stopPrice'>>;
  onClose(): void;
}) {
  const [fields, setFields] = useState<Fields>(() => ({ ...fieldsOf(order), ...prefill }));
  const [stage, setStage] = useState<Stage>({ kind: 'edit' });
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const { busy, error, setError, run } = useAction();
  const live = order.mode === 'live';

  const edit = (patch: Partial<Fields>) => {
    setFields((f) => ({ ...f, ...patch }));
    // A different change is a different request: a fresh id, and any confirmation is void.
    setRequestId(crypto.randomUUID());
    setStage({ kind: 'edit' });
    setError(null);
  };

  const send = async (confirmationId?: string) => {
    const change = changeOf(order, fields);
    if (typeof change === 'string') {
      setError(change);
      return;
    }
    const result = await run(() => unwrap(getApi().orders.modify({ orderId: order.id, requestId, change, confirmationId })));
    if (!result) return;
    if (result.status === 'needs-confirmation') {
      setStage({ kind: 'confirm', confirmationId: result.confirmationId, reasons: result.reasons });
      return;
    }
    useApp.setState((s) => ({ orders: upsertOrder(s.orders, result.order) }));
    onClose();
  };

  const label = `${order.side} ${num(order.quantity)} ${order.symbol}`;
  return (
    <Modal
      open
      onOpenChange={(open) => !open && !busy && onClose()}
      tone={live ? 'live' : undefined}
      testId="modify-order"
      title={`Modify ${label}`}
      description={
        live
          ? 'This is a real order at your broker. The change goes out only after you confirm it.'
          : 'A paper order: the change applies at once, and nothing real happens.'
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <div className="ticket-grid">
          <label className="field">
            Quantity
            <input inputMode="decimal" value={fields.quantity} onChange={(e) => edit({ quantity: e.target.value })} disabled={busy} />
          </label>
          <label className="field">
            Type
            <select value={fields.type} onChange={(e) => edit({ type: e.target.value as OrderType })} disabled={busy}>
              {ORDER_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t.replace('_', ' ')}
                </option>
              ))}
            </select>
          </label>
          {needsLimitPrice(fields.type) && (
            <label className="field">
              Limit price
              <input inputMode="decimal" value={fields.limitPrice} onChange={(e) => edit({ limitPrice: e.target.value })} disabled={busy} />
            </label>
          )}
          {needsStopPrice(fields.type) && (
            <label className="field">
              Stop price
              <input inputMode="decimal" value={fields.stopPrice} onChange={(e) => edit({ stopPrice: e.target.value })} disabled={busy} />
            </label>
          )}
        </div>
        {order.filledQuantity > 0 && <p className="muted small">{num(order.filledQuantity)} already filled; the new quantity must be more than that.</p>}
        {stage.kind === 'confirm' && (
          <div className={live ? 'review' : 'note'} role="alert" data-testid="modify-confirm">
            <strong>{live ? 'Confirm — this changes a real order' : 'This change breaks your pre-trade limits:'}</strong>
            <ul>
              {stage.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
        )}
        <ErrorText error={error} testId="modify-error" />
        <div className="dialog-actions">
          {busy && <Spinner label="Sending the change…" />}
          <button type="button" onClick={onClose} disabled={busy}>
            Keep order as it is
          </button>
          {stage.kind === 'confirm' ? (
            <button type="button" className="danger-solid" disabled={busy} onClick={() => void send(stage.confirmationId)}>
              {live ? 'Confirm change' : 'Change anyway'}
            </button>
          ) : (
            <button type="submit" className={live ? 'danger-solid' : undefined} disabled={busy}>
              {live ? 'Review change' : 'Modify (paper)'}
            </button>
          )}
        </div>
      </form>
    </Modal>
  );
}
