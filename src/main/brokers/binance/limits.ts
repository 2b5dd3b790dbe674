import { DAY, MINUTE, SECOND } from '../../clock';
import { rateLimits, type RateRequest } from '../types';

/** Request weights from Binance's spot API reference, for the endpoints the adapter calls. */
function weight(request: RateRequest): number {
  const has = (name: string) => request.query?.[name] !== undefined;
  switch (`${request.method} ${request.path}`) {
    case 'GET /api/v3/account':
    case 'GET /api/v3/myTrades':
    case 'GET /api/v3/allOrders':
    case 'GET /api/v3/exchangeInfo':
      return 20;
    case 'GET /api/v3/openOrders':
      return has('symbol') ? 6 : 80;
    case 'GET /api/v3/order':
      return 4;
    case 'GET /api/v3/ticker/price':
      return has('symbol') ? 2 : 4;
    case 'GET /api/v3/klines':
      return 2;
    default:
      return 1;
  }
}

/**
 * Binance spot: 6000 request weight per minute per IP, and new orders 50 per 10 s and 160,000 per day per
 * account (the documented defaults; exchangeInfo reports the live values).
 */
export const binanceRateLimits = rateLimits({
  budgets: {
    weight: [{ limit: 6_000, intervalMs: MINUTE }],
    orders: [
      { limit: 50, intervalMs: 10 * SECOND },
      { limit: 160_000, intervalMs: DAY },
    ],
  },
  spend(request) {
    const w = weight(request);
    if (request.method === 'POST' && request.path === '/api/v3/order') return { weight: w, orders: 1 };
    return { weight: w };
  },
});
