import { SECOND } from '../../clock';
import { isWrite, rateLimits, type RateLimits } from '../types';
import { rootPath, type XtsProfile } from './client';

/**
 * XTS documents 1 request/s each for profile, balance, order book and trade book, and 10 orders/s (5paisa
 * Xstream's non-algo figure, also SEBI's threshold). It publishes nothing for the other endpoints; they share
 * a polite 10/s.
 */
export function xtsRateLimits(profile: XtsProfile): RateLimits {
  const interactive = (path: string) => rootPath(profile, 'interactive', path);
  const perEndpoint: Record<string, 'profile' | 'balance' | 'orderBook' | 'tradeBook'> = {
    [interactive('/user/profile')]: 'profile',
    [interactive('/user/balance')]: 'balance',
    [interactive('/orders')]: 'orderBook',
    [interactive('/orders/trades')]: 'tradeBook',
  };
  const oncePerSecond = [{ limit: 1, intervalMs: SECOND }];
  return rateLimits({
    budgets: {
      orders: [{ limit: 10, intervalMs: SECOND }],
      profile: oncePerSecond,
      balance: oncePerSecond,
      orderBook: oncePerSecond,
      tradeBook: oncePerSecond,
      other: [{ limit: 10, intervalMs: SECOND }],
    },
    spend(request) {
      if (request.path.startsWith(interactive('/orders')) && isWrite(request)) return { orders: 1 };
      const endpoint = request.method === 'GET' ? perEndpoint[request.path] : undefined;
      return endpoint ? { [endpoint]: 1 } : { other: 1 };
    },
  });
}
