import type { BrokerAdapter } from '../types';
import { funds, positions, validate } from './account';
import { descriptor } from './descriptor';
import { fetchInstruments, quotes } from './market';
import { cancelOrder, getOrder, orders, placeOrder } from './orders';

/**
 * Binance Spot REST: every account and order call is HMAC-SHA256 signed with the secret key and a
 * timestamp on Binance's clock (offset kept in ctx.memo). No login, no session. Testnet is the sandbox.
 */
export const adapter: BrokerAdapter = {
  descriptor,
  rateLimits: {
    // ORDERS limit per account; exchangeInfo's documented example is 50 per 10 s (live values vary).
    orders: [{ limit: 50, intervalMs: 10_000 }],
    // Reads are weighted (6000 weight per minute per IP); account and myTrades weigh 20, so 300 calls/min stays inside.
    reads: [{ limit: 300, intervalMs: 60_000 }],
  },
  fetchInstruments,
  validate,
  funds,
  placeOrder,
  cancelOrder,
  getOrder,
  orders,
  positions,
  quotes,
  // API keys do not expire; there is no session.
  sessionExpiry: () => null,
};
