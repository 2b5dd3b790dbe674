import { simulatedPriceAt } from '../../../src/main/trading/paper';
import type { ModifyOrderRequest, OrderTicket } from '../../../src/shared/schemas';
import { START } from '../brokers-ipc/journey';

const round2 = (n: number) => Math.round(n * 100) / 100;
const SYMBOL = 'NSE:INFY';
const market = simulatedPriceAt(SYMBOL, START);

/** The order and the change the modify crash test's child makes, and the parent retries after the kill. */
export const MODIFY_CRASH = {
  at: START,
  ticket: {
    ticketId: 'crash-ticket-0001',
    symbol: SYMBOL,
    side: 'BUY',
    quantity: 10,
    type: 'LIMIT',
    limitPrice: round2(market * 0.5),
  } satisfies OrderTicket,
  newLimit: round2(market * 0.4),
  request(orderId: string): ModifyOrderRequest {
    return { orderId, requestId: 'crash-modify-0001', change: { quantity: 6, limitPrice: this.newLimit } };
  },
};
