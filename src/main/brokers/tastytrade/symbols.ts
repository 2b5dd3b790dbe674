import { BrokerError, type BrokerContext } from '../types';

/** tastytrade's instrument types as used by orders (`legs[].instrument-type`) and by `/market-data/by-type` keys. */
export type TastyInstrument = { symbol: string; instrumentType: 'Equity' | 'Cryptocurrency'; queryKey: 'equity' | 'cryptocurrency' };

/**
 * Common symbols to tastytrade symbology: `US:AAPL` → equity `AAPL` (`US:BRK/B` keeps the slash);
 * `CRYPTO:BTCUSD` → cryptocurrency `BTC/USD`.
 */
export function toTastySymbol(ctx: BrokerContext, symbol: string): TastyInstrument {
  const known = ctx.instruments.find(symbol);
  const upper = symbol.trim().toUpperCase();
  const equity = /^US:([A-Z0-9./]{1,12})$/.exec(upper);
  if (equity) return { symbol: known?.brokerSymbol ?? equity[1]!, instrumentType: 'Equity', queryKey: 'equity' };
  const crypto = /^CRYPTO:([A-Z0-9]{2,10})(USD)$/.exec(upper);
  if (crypto) return { symbol: known?.brokerSymbol ?? `${crypto[1]}/USD`, instrumentType: 'Cryptocurrency', queryKey: 'cryptocurrency' };
  throw new BrokerError('BROKER_REJECTED', `tastytrade symbols here are US:TICKER or CRYPTO:BTCUSD (got "${symbol.slice(0, 40)}").`);
}

export function fromTastySymbol(symbol: string, instrumentType: string | undefined): string {
  if (instrumentType === 'Cryptocurrency') return `CRYPTO:${symbol.replace('/', '')}`;
  return `US:${symbol}`;
}
