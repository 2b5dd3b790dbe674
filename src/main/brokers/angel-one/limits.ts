import { HOUR, MINUTE, SECOND } from '../../clock';
import { rateLimits } from '../types';
import { PATHS } from './client';

/**
 * SmartAPI's per-endpoint limits, counted per client code. Place, modify and cancel share one budget
 * (9/s stays under SEBI's 10/s). The bulk quote endpoint is held to 1/s as Angel One announced for it;
 * endpoints SmartAPI publishes nothing for share a polite 1/s.
 */
export const angelRateLimits = rateLimits({
  budgets: {
    login: [{ limit: 1, intervalMs: SECOND }],
    tokens: [
      { limit: 1, intervalMs: SECOND },
      { limit: 1_000, intervalMs: HOUR },
    ],
    profile: [
      { limit: 3, intervalMs: SECOND },
      { limit: 1_000, intervalMs: HOUR },
    ],
    rms: [{ limit: 2, intervalMs: SECOND }],
    orders: [
      { limit: 9, intervalMs: SECOND },
      { limit: 500, intervalMs: MINUTE },
      { limit: 1_000, intervalMs: HOUR },
    ],
    orderBook: [{ limit: 1, intervalMs: SECOND }],
    positions: [{ limit: 1, intervalMs: SECOND }],
    quotes: [{ limit: 1, intervalMs: SECOND }],
    candles: [
      { limit: 3, intervalMs: SECOND },
      { limit: 180, intervalMs: MINUTE },
      { limit: 5_000, intervalMs: HOUR },
    ],
    other: [{ limit: 1, intervalMs: SECOND }],
  },
  spend(request) {
    switch (request.path) {
      case PATHS.loginByPassword:
        return { login: 1 };
      case PATHS.generateTokens:
        return { tokens: 1 };
      case PATHS.profile:
        return { profile: 1 };
      case PATHS.rms:
        return { rms: 1 };
      case PATHS.placeOrder:
      case PATHS.modifyOrder:
      case PATHS.cancelOrder:
        return { orders: 1 };
      case PATHS.orderBook:
        return { orderBook: 1 };
      case PATHS.positions:
        return { positions: 1 };
      case PATHS.quote:
        return { quotes: 1 };
      case PATHS.candles:
        return { candles: 1 };
      default:
        return { other: 1 };
    }
  },
});
