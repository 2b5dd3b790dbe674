import type { BrokerAdapter } from '../types';
import { funds, positions, validate } from './account';
import { trades } from './books';
import { descriptor } from './descriptor';
import { binanceRateLimits } from './limits';
import { fetchInstruments, quotes } from './market';
import { binanceOrderStream } from './order-stream';
import { cancelOrder, getOrder, orders, placeOrder } from './orders';
import { binanceMarketStream } from './stream';
import { binanceHistoryIntervals, history } from './history';
import { binanceExits } from './exits';

/**
 * Binance Spot REST: every account and order call is HMAC-SHA256 signed with the secret key and a
 * timestamp on Binance's clock (offset kept in ctx.memo). No login, no session. Testnet is the sandbox.
 */
export const adapter: BrokerAdapter = {
  symbolDialect: 'crypto',
  descriptor,
  rateLimits: binanceRateLimits,
  fetchInstruments,
  validate,
  funds,
  placeOrder,
  cancelOrder,
  getOrder,
  orders,
  positions,
  // The trade book only: spot balances are its positions (see books.ts).
  trades,
  // OCO lists are Binance's own (see exits.ts); the Ed25519 variant shares them.
  protectiveExits: binanceExits,
  quotes,
  marketStream: binanceMarketStream,
  orderStream: binanceOrderStream,
  historyIntervals: binanceHistoryIntervals,
  history,
  // API keys do not expire; there is no session.
  sessionExpiry: () => null,
};
