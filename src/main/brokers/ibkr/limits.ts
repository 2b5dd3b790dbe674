import { SECOND } from '../../clock';
import { rateLimits } from '../types';

/**
 * The Client Portal Gateway allows 10 requests/s overall, `/tickle` 1/s and `/portfolio/accounts` one per
 * 5 s (asked once per session, but a wizard test and the saved connection's first call can fall within 5 s).
 * `/iserver/account/orders` and `/iserver/account/trades`, also one per 5 s each, are asked at most once per
 * window by the adapter, which answers from memory in between.
 */
export const ibkrRateLimits = rateLimits({
  budgets: {
    gateway: [{ limit: 10, intervalMs: SECOND }],
    tickle: [{ limit: 1, intervalMs: SECOND }],
    portfolioAccounts: [{ limit: 1, intervalMs: 5 * SECOND }],
  },
  spend(request) {
    if (request.path === '/tickle') return { gateway: 1, tickle: 1 };
    if (request.path === '/portfolio/accounts') return { gateway: 1, portfolioAccounts: 1 };
    return { gateway: 1 };
  },
});
