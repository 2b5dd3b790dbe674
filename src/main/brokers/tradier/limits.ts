import { MINUTE } from '../../clock';
import { isWrite, rateLimits } from '../types';

/**
 * Tradier counts per access token per minute in three buckets: standard (accounts, user, order reads),
 * market data (`/markets/*`) and trading (order create/modify/cancel). Production allows 120 in the first
 * two, the sandbox 60, trading 60 on both; the lower figures keep one setting safe on both hosts.
 */
export const tradierRateLimits = rateLimits({
  budgets: {
    standard: [{ limit: 60, intervalMs: MINUTE }],
    marketData: [{ limit: 60, intervalMs: MINUTE }],
    trading: [{ limit: 60, intervalMs: MINUTE }],
  },
  spend(request) {
    if (request.path.startsWith('/markets/')) return { marketData: 1 };
    if (/^\/accounts\/[^/]+\/orders/.test(request.path) && isWrite(request)) return { trading: 1 };
    return { standard: 1 };
  },
});
