import type { BrokerAdapter } from '../types';
import { trades } from './books';
import { ibkrExits } from './exits';
import { searchContracts } from './contracts';
import { IbkrConfirmationRequired } from './errors';
import { descriptor } from './descriptor';
import { ibkrRateLimits } from './limits';
import { ibkrOrderStream } from './order-stream';
import { cancelOrder, confirmReply, getOrder, modifyOrder, orders, placeOrder } from './orders';
import { funds, positions, validate as readAccount } from './portfolio';
import { quotes } from './quotes';
import { ibkrHistory, ibkrHistoryIntervals } from './history';
import { keepAliveIfIdle, login, sessionExpiry } from './session';
import { ibkrMarketStream } from './stream';

/**
 * Interactive Brokers through the Client Portal Gateway the user runs on their own computer.
 * The gateway holds the session (the user logs in in a browser); BrokerVault stores no IBKR password.
 * Validation tickles the gateway first, so the health monitor's checks (every 60 s for IBKR) keep the
 * session from timing out. Order questions surface as IbkrConfirmationRequired (a BrokerPrompt) and are
 * answered by the trader through answerPrompt.
 */
export const adapter: BrokerAdapter = {
  symbolDialect: 'us',
  descriptor,
  rateLimits: ibkrRateLimits,
  login,
  async validate(ctx) {
    await keepAliveIfIdle(ctx);
    return readAccount(ctx);
  },
  funds,
  placeOrder,
  answerPrompt: confirmReply,
  cancelOrder,
  modifyOrder,
  getOrder,
  orders,
  positions,
  // No holdings: IBKR's held shares are its positions (see books.ts).
  trades,
  // Brackets are IBKR's own parent/child orders (see exits.ts); a prompt is answered through answerPrompt.
  protectiveExits: ibkrExits,
  quotes,
  historyIntervals: ibkrHistoryIntervals,
  history: ibkrHistory,
  marketStream: ibkrMarketStream,
  orderStream: ibkrOrderStream,
  // No instrument master: the console's symbol search asks the gateway's contract search live.
  searchSymbols: searchContracts,
  sessionExpiry,
};

export { keepAlive, type GatewayAuthStatus } from './session';
export { confirmReply } from './orders';
export { IbkrConfirmationRequired };
export { PIN_FIELD } from './transport';
