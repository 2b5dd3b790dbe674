import { MINUTE } from '../../clock';
import { isWrite, rateLimits } from '../types';

/**
 * TEMPLATE — limits.ts: the broker's documented request limits, which the app enforces before every request.
 * One budget per bucket the broker documents, each with all its windows; `spend` says which budgets a request
 * draws on (and its weight, where the broker weighs requests). Quote the documentation page in this comment.
 */
export const templateRateLimits = rateLimits({
  budgets: {
    orders: [{ limit: 10, intervalMs: 1000 }],
    everything: [{ limit: 200, intervalMs: MINUTE }],
  },
  spend(request) {
    return isWrite(request) ? { orders: 1, everything: 1 } : { everything: 1 };
  },
});
