import { SECOND } from '../../clock';
import { isWrite, rateLimits } from '../types';

/** tastytrade publishes no numbers (it answers 429 and asks for back-off): these are our own polite ceilings. */
export const tastyRateLimits = rateLimits({
  budgets: {
    requests: [{ limit: 20, intervalMs: SECOND }],
    orders: [{ limit: 10, intervalMs: SECOND }],
  },
  spend(request) {
    if (/^\/accounts\/[^/]+\/orders/.test(request.path) && isWrite(request)) return { requests: 1, orders: 1 };
    return { requests: 1 };
  },
});
