import type { BrokerAdapter } from '../types';
import { descriptor } from './descriptor';
import { cancelOrder, getOrder, orders, placeOrder } from './orders';
import { funds, positions, validate } from './portfolio';
import { quotes } from './quotes';
import { login, sessionExpiry } from './session';

/**
 * Interactive Brokers through the Client Portal Gateway the user runs on their own computer.
 * The gateway holds the session (the user logs in in a browser); BrokerVault stores no IBKR password.
 * Also exported for the app: keepAlive (health monitor, ~every 60 s), confirmReply (order questions),
 * IbkrConfirmationRequired (what placeOrder throws when IBKR asks a question).
 */
export const adapter: BrokerAdapter = {
  descriptor,
  rateLimits: {
    // CP Gateway: 10 requests/s overall; endpoint pacing (orders list 1/5 s, tickle 1/s) is handled inside.
    orders: [{ limit: 10, intervalMs: 1_000 }],
    reads: [{ limit: 10, intervalMs: 1_000 }],
  },
  login,
  validate,
  funds,
  placeOrder,
  cancelOrder,
  getOrder,
  orders,
  positions,
  quotes,
  sessionExpiry,
};

export { keepAlive, type GatewayAuthStatus } from './session';
export { confirmReply } from './orders';
export { IbkrConfirmationRequired } from './errors';
export { PIN_FIELD } from './transport';
