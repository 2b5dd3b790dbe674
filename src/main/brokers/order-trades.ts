import type { BrokerOrder, Trade } from './types';

/** The calendar date (YYYY-MM-DD) in `timeZone` at `at`. */
export function dateIn(timeZone: string, at: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * A trade book for brokers whose API has no per-fill list: each of today's orders (in the exchange's time zone) with
 * a fill becomes one trade at its filled quantity and average price, identified by its order id. The time is the
 * order's last update, which for a filled order is its last fill.
 */
export function tradesFromOrders(orders: readonly BrokerOrder[], now: number, timeZone: string): Trade[] {
  const today = dateIn(timeZone, now);
  return orders.flatMap((o): Trade[] => {
    if (o.filledQuantity <= 0 || o.averagePrice === null) return [];
    if (o.updatedAt !== null && dateIn(timeZone, o.updatedAt) !== today) return [];
    return [
      {
        tradeId: `${o.brokerOrderId}-fills`,
        brokerOrderId: o.brokerOrderId,
        symbol: o.symbol,
        side: o.side,
        quantity: o.filledQuantity,
        price: o.averagePrice,
        executedAt: o.updatedAt,
      },
    ];
  });
}
