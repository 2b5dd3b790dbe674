import { DAY, MINUTE, SECOND } from '../../clock';
import { isWrite, rateLimits } from '../types';

/**
 * Kite Connect, per Zerodha account: order placement/modify/cancel 10/s (strict from April 2026),
 * 400/min and 5000/day; `/quote*` 1/s; historical candles 3/s; every other endpoint 10/s.
 */
export const kiteRateLimits = rateLimits({
  budgets: {
    orders: [
      { limit: 10, intervalMs: SECOND },
      { limit: 400, intervalMs: MINUTE },
      { limit: 5_000, intervalMs: DAY },
    ],
    quotes: [{ limit: 1, intervalMs: SECOND }],
    history: [{ limit: 3, intervalMs: SECOND }],
    other: [{ limit: 10, intervalMs: SECOND }],
  },
  spend(request) {
    if (request.path.startsWith('/orders') && isWrite(request)) return { orders: 1 };
    if (request.path.startsWith('/quote')) return { quotes: 1 };
    if (request.path.startsWith('/instruments/historical/')) return { history: 1 };
    return { other: 1 };
  },
});
