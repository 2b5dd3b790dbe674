import { DAY, HOUR, MINUTE, SECOND } from '../../clock';
import { isWrite, rateLimits } from '../types';

/**
 * DhanHQ v2: order APIs 10/s (since 21 Mar 2026), 250/min, 1000/h, 7000/day; quote APIs (`/marketfeed/*`)
 * 1/s; non-trading APIs 20/s.
 */
export const dhanRateLimits = rateLimits({
  budgets: {
    orders: [
      { limit: 10, intervalMs: SECOND },
      { limit: 250, intervalMs: MINUTE },
      { limit: 1_000, intervalMs: HOUR },
      { limit: 7_000, intervalMs: DAY },
    ],
    quotes: [{ limit: 1, intervalMs: SECOND }],
    other: [{ limit: 20, intervalMs: SECOND }],
  },
  spend(request) {
    // Forever and super orders are order APIs too.
    if (/^\/(orders|forever|super)\b/.test(request.path) && isWrite(request)) return { orders: 1 };
    if (request.path.startsWith('/marketfeed/')) return { quotes: 1 };
    return { other: 1 };
  },
});
