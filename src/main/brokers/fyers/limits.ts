import { DAY, MINUTE, SECOND } from '../../clock';
import { isWrite, rateLimits } from '../types';

/**
 * Fyers, per user: 10 requests/s, 200/min and 100,000/day across the API (exceeding the minute limit three
 * times blocks the day), and at most 10 orders/s under the 2026 SEBI framework.
 */
export const fyersRateLimits = rateLimits({
  budgets: {
    requests: [
      { limit: 10, intervalMs: SECOND },
      { limit: 200, intervalMs: MINUTE },
      { limit: 100_000, intervalMs: DAY },
    ],
    orders: [{ limit: 10, intervalMs: SECOND }],
  },
  spend(request) {
    if (request.path.startsWith('/api/v3/orders') && isWrite(request)) return { requests: 1, orders: 1 };
    return { requests: 1 };
  },
});
