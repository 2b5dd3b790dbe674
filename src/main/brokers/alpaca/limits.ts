import { MINUTE } from '../../clock';
import { rateLimits } from '../types';

/**
 * Alpaca: the trading API allows 200 requests/min per account, shared by every endpoint (paper as live);
 * market data (`/v2/stocks/*` on the data host) has its own 200/min on the free plan.
 */
export const alpacaRateLimits = rateLimits({
  budgets: {
    trading: [{ limit: 200, intervalMs: MINUTE }],
    marketData: [{ limit: 200, intervalMs: MINUTE }],
  },
  spend(request) {
    return request.path.startsWith('/v2/stocks/') ? { marketData: 1 } : { trading: 1 };
  },
});
