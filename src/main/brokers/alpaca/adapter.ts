import type { BrokerAdapter } from '../types';
import { funds, validate } from './account';
import { descriptor } from './descriptor';
import { alpacaRateLimits } from './limits';
import { fetchInstruments, quotes } from './market';
import { cancelOrder, getOrder, orders, placeOrder, positions } from './orders';
import { alpacaMarketStream } from './stream';
import { alpacaOrderStream } from './order-stream';
import { alpacaHistoryIntervals, history } from './history';

/**
 * Alpaca Trading API v2: two key headers on every call, no login, no session. Paper and live are two
 * environments (two hosts, two key pairs); market data comes from data.alpaca.markets.
 */
export const adapter: BrokerAdapter = {
  descriptor,
  rateLimits: alpacaRateLimits,
  fetchInstruments,
  validate,
  funds,
  placeOrder,
  cancelOrder,
  getOrder,
  orders,
  positions,
  quotes,
  // API keys do not expire.
  sessionExpiry: () => null,
  marketStream: alpacaMarketStream,
  orderStream: alpacaOrderStream,
  historyIntervals: alpacaHistoryIntervals,
  history,
};
