import { Fragment, useEffect, useState } from 'react';
import { isWorkingOrderState, type OrderState } from '../../../shared/orders';
import type { OrderView } from '../../../shared/schemas';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { brokerLines, num } from '../format';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';
import { describeSplit, groupOrders } from './order-groups';
import { ModifyOrderDialog } from './ModifyOrderDialog';

const STATE_CLASS: Partial<Record<OrderState, string>> = { FILLED: 'ok', CANCELLED: 'muted', REJECTED: 'bad', EXPIRED: 'muted', UNKNOWN: 'warn' };

function CancelButton({ order }: { order: OrderView }) {
  const { busy, error, run } = useAction();
  return (
    <>
      <button
        type="button"
        className="small-button"
        disabled={busy}
        onClick={() => void run(() => unwrap(getApi().orders.cancel({ orderId: order.id })))}
        aria-label={`Cancel order ${order.symbol} ${order.side} ${order.quantity}`}
      >
        {busy ? 'Cancelling…' : 'Cancel'}
      </button>
      {error && (
        <span className="error-text small" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/** One journal order; `slice` ("2/3") when it is one slice of a split order. */
function OrderRow({ order: o, slice }: { order: OrderView; slice?: string }) {
  return (
    <tr data-testid="order-row" className={slice ? 'slice-row' : undefined}>
      <td className="nowrap">{new Date(o.createdAt).toLocaleTimeString()}</td>
      <td>
        <span className={`mode-chip mode-${o.mode}`}>{o.mode.toUpperCase()}</span>
      </td>
      <td className="mono">
        {slice && <span className="muted small">↳ slice {slice} </span>}
        {o.symbol}
      </td>
      <td className={o.side === 'BUY' ? 'buy-text' : 'sell-text'}>{o.side}</td>
      <td className="num">
        {o.filledQuantity > 0 && o.filledQuantity < o.quantity ? `${num(o.filledQuantity)}/` : ''}
        {num(o.quantity)}
      </td>
      <td>
        {o.type}
        {o.limitPrice !== null ? ` @ ${num(o.limitPrice)}` : ''}
        {o.stopPrice !== null ? ` stop ${num(o.stopPrice)}` : ''}
        {o.product ? ` · ${o.product}` : ''}
      </td>
      <td>
        <span className={`state state-${STATE_CLASS[o.state] ?? 'open'}`} data-testid="order-state">
          {o.state.replace('_', ' ')}
        </span>
        {o.message && (
          <div className="small muted" data-testid="order-message">
            {brokerLines(o.message).join(' ')}
          </div>
        )}
      </td>
      <td className="num">{num(o.averagePrice)}</td>
      <td>
        {isWorkingOrderState(o.state) && (
          <>
            <ModifyButton order={o} />
            <CancelButton order={o} />
          </>
        )}
      </td>
    </tr>
  );
}

function ModifyButton({ order }: { order: OrderView }) {
  const [open, setOpen] = useState(false);
  // A broker that cannot change an order says so in the dialog, in BrokerVault's words.
  if (!order.brokerOrderId) return null;
  return (
    <>
      <button type="button" className="small-button" onClick={() => setOpen(true)} aria-label={`Modify order ${order.symbol} ${order.side} ${order.quantity}`}>
        Modify
      </button>
      {open && <ModifyOrderDialog order={order} onClose={() => setOpen(false)} />}
    </>
  );
}

/** Orders, newest first, updated live from main. */
export function OrdersTable() {
  const orders = useApp((s) => s.orders);
  const loadOrders = useApp((s) => s.loadOrders);
  const [filter, setFilter] = useState<'all' | 'open'>('all');
  const { busy, error, run } = useAction();

  useEffect(() => {
    void run(loadOrders);
  }, [run, loadOrders]);

  const shown = filter === 'open' ? orders.filter((o) => isWorkingOrderState(o.state)) : orders;
  return (
    <section className="panel" aria-labelledby="orders-h">
      <div className="panel-head">
        <h2 id="orders-h">Orders</h2>
        <div className="segmented" role="group" aria-label="Show">
          <button type="button" aria-pressed={filter === 'all'} onClick={() => setFilter('all')}>
            All
          </button>
          <button type="button" aria-pressed={filter === 'open'} onClick={() => setFilter('open')}>
            Open
          </button>
        </div>
        <button
          type="button"
          className="small-button"
          disabled={busy}
          onClick={() => void run(() => unwrap(getApi().orders.refresh()).then((o) => useApp.setState({ orders: o })))}
        >
          Refresh
        </button>
        {busy && <Spinner label="Loading orders…" />}
      </div>
      <ErrorText error={error} />
      {shown.length === 0 ? (
        <p className="muted empty-inline">
          {filter === 'open' ? 'No open orders.' : 'No orders yet. Use the ticket to place your first one — in paper mode nothing real happens.'}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Orders">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Mode</th>
                <th scope="col">Symbol</th>
                <th scope="col">Side</th>
                <th scope="col" className="num">
                  Qty
                </th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Avg price
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody aria-live="polite">
              {groupOrders(shown).map((g) =>
                g.kind === 'order' ? (
                  <OrderRow key={g.order.id} order={g.order} />
                ) : (
                  <Fragment key={g.parentId}>
                    <tr className="split-head" data-testid="split-row">
                      <td colSpan={9}>
                        <strong>Split at the exchange&apos;s freeze quantity:</strong> {describeSplit(g.slices)}
                      </td>
                    </tr>
                    {g.slices.map((o, i) => (
                      <OrderRow key={o.id} order={o} slice={`${i + 1}/${g.slices.length}`} />
                    ))}
                  </Fragment>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
