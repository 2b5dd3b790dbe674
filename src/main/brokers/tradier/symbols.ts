import { BrokerError, type BrokerContext } from '../types';

/** Tradier trades US listings under their plain ticker; the common form is `US:AAPL`. */
export function toTradierSymbol(ctx: BrokerContext, symbol: string): string {
  const known = ctx.instruments.find(symbol);
  if (known) return known.brokerSymbol;
  const match = /^US:([A-Z0-9./-]{1,21})$/.exec(symbol.trim().toUpperCase());
  if (!match) throw new BrokerError('BROKER_REJECTED', `Tradier trades US listings only; use the form US:AAPL (got "${symbol.slice(0, 40)}").`);
  return match[1]!;
}

export function fromTradierSymbol(symbol: string): string {
  return `US:${symbol}`;
}

/** Tradier's `tag` allows letters, digits and dashes only (≤ 255): map any client order id onto that alphabet. */
export function toTag(clientOrderId: string): string {
  return clientOrderId.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 255);
}
