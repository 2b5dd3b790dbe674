import type { BrokerAdapter } from '../types';
import { funds, validate } from './account';
import { trades } from './books';
import { descriptor } from './descriptor';
import { alpacaRateLimits } from './limits';
import { fetchInstruments, quotes } from './market';
import { cancelOrder, getOrder, modifyOrder, orders, placeOrder, positions } from './orders';
import { alpacaMarketStream } from './stream';
import { alpacaOrderStream } from './order-stream';
import { alpacaHistoryIntervals, history } from './history';
import { alpacaExits } from './exits';

/**
 * Alpaca Trading API v2: two key headers on every call, no login, no session. Paper and live are two
 * environments (two hosts, two key pairs); market data comes from data.alpaca.markets.
 */
export const adapter: BrokerAdapter = {
  symbolDialect: 'us',
  descriptor,
  rateLimits: alpacaRateLimits,
  fetchInstruments,
  validate,
  funds,
  placeOrder,
  cancelOrder,
  modifyOrder,
  getOrder,
  orders,
  positions,
  quotes,
  // The trade book only: Alpaca's held shares are its positions (see books.ts).
  trades,
  // Bracket, OCO and trailing stops are Alpaca's own order classes (see exits.ts).
  protectiveExits: alpacaExits,
  // API keys do not expire.
  sessionExpiry: () => null,
  marketStream: alpacaMarketStream,
  orderStream: alpacaOrderStream,
  historyIntervals: alpacaHistoryIntervals,
  history,
};
