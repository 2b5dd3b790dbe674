import { LimitsSchema, type Limits, type OrderTicket } from '../../shared/schemas';
import type { AppSettings } from '../store/app-settings';

const LIMITS_KEY = 'trading.limits';
export const NO_LIMITS: Limits = { maxQuantity: null, maxOrderValue: null, maxOrdersPerMinute: null };

/** The trader's pre-trade limits, kept in SQLite with the rest of the trading state. */
export class LimitsStore {
  constructor(private readonly settings: AppSettings) {}
  get(): Limits {
    return this.settings.get(LIMITS_KEY, LimitsSchema) ?? NO_LIMITS;
  }
  set(limits: Limits): Limits {
    this.settings.set(LIMITS_KEY, limits);
    return limits;
  }
}

/** Which limits an order breaks, in words the trader sees before confirming. */
export function limitProblems(ticket: OrderTicket, limits: Limits, price: number | null, ordersLastMinute: number): string[] {
  const problems: string[] = [];
  if (limits.maxQuantity !== null && ticket.quantity > limits.maxQuantity) {
    problems.push(`Quantity ${ticket.quantity} is above your limit of ${limits.maxQuantity}.`);
  }
  if (limits.maxOrderValue !== null) {
    if (price === null) problems.push('BrokerVault could not price this order to check it against your order value limit.');
    else if (ticket.quantity * price > limits.maxOrderValue) {
      problems.push(`Order value ${(ticket.quantity * price).toFixed(2)} is above your limit of ${limits.maxOrderValue}.`);
    }
  }
  if (limits.maxOrdersPerMinute !== null && ordersLastMinute >= limits.maxOrdersPerMinute) {
    problems.push(`You have placed ${ordersLastMinute} orders in the last minute; your limit is ${limits.maxOrdersPerMinute}.`);
  }
  return problems;
}
