import type { BrokerDescriptor } from '../../shared/brokers';
import type { ConnectionView } from '../../shared/schemas';

const INDIAN_EXCHANGES = new Set(['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS', 'BCD']);

/** Which broker region can price a symbol of this exchange. */
export function regionFor(symbol: string): BrokerDescriptor['region'] | 'CRYPTO' {
  const exchange = symbol.split(':')[0] ?? '';
  if (INDIAN_EXCHANGES.has(exchange)) return 'IN';
  if (exchange === 'CRYPTO') return 'CRYPTO';
  return 'US';
}

/**
 * The connection that prices `symbol` outside live mode: a valid, active connection of the symbol's region (crypto:
 * one with the crypto capability), the default one first. Polled quotes, the stream and paper fills all ask here,
 * so the price on screen is the price a paper order fills at.
 */
export function pricingConnection(
  symbol: string,
  connections: readonly ConnectionView[],
  descriptorOf: (c: ConnectionView) => BrokerDescriptor,
): ConnectionView | null {
  const region = regionFor(symbol);
  const candidates = connections.filter((c) => {
    if (!c.isActive || c.status !== 'valid') return false;
    const d = descriptorOf(c);
    return region === 'CRYPTO' ? d.capabilities.includes('crypto') : d.region === region;
  });
  return candidates.find((c) => c.isDefault) ?? candidates[0] ?? null;
}
