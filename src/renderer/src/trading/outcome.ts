import type { OrderView } from '../../../shared/schemas';

/** What the ticket says about the order it sent, in the journal's current state. */
export function outcomeOf(order: OrderView): { tone: 'ok' | 'warn'; text: string } {
  const what = `${order.side} ${order.quantity} ${order.symbol}`;
  // Never "sent" while BrokerVault does not know whether the broker has it.
  if (order.state === 'UNKNOWN') return { tone: 'warn', text: `Outcome unknown, checking with the broker: ${what}.` };
  if (order.state === 'REJECTED' || (order.state === 'CANCELLED' && order.brokerOrderId === null))
    return { tone: 'warn', text: `Order not placed: ${what} — ${order.state.toLowerCase()}.` };
  if (order.state === 'CANCELLED') return { tone: 'warn', text: `Order cancelled: ${what}.` };
  return { tone: 'ok', text: `Order sent: ${what} — ${order.state.toLowerCase().replace('_', ' ')}.` };
}
