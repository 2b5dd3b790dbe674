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

/** How well a broker can price a symbol of `region`: 2 its own market, 1 a global equity broker on US listings, 0 not. */
function fit(d: BrokerDescriptor, region: ReturnType<typeof regionFor>): number {
  if (region === 'CRYPTO') return d.capabilities.includes('crypto') ? 2 : 0;
  if (d.region === region) return 2;
  return d.region === 'GLOBAL' && region === 'US' && d.capabilities.includes('equity') ? 1 : 0;
}

/** Whether a broker can price `symbol` at all (its own market, or a global equity broker on US listings). */
export function covers(d: BrokerDescriptor, symbol: string): boolean {
  return fit(d, regionFor(symbol)) > 0;
}

/**
 * The connection that prices `symbol` outside live mode: a valid, active connection of the symbol's market (crypto:
 * one with the crypto capability; US listings also a global equity broker, after the US brokers), the
 * default one first. Polled quotes, the stream and paper fills all ask here, so the price on screen is the price a
 * paper order fills at.
 */
export function pricingConnection(
  symbol: string,
  connections: readonly ConnectionView[],
  descriptorOf: (c: ConnectionView) => BrokerDescriptor,
): ConnectionView | null {
  const region = regionFor(symbol);
  const usable = connections.filter((c) => c.isActive && c.status === 'valid');
  for (const wanted of [2, 1]) {
    const candidates = usable.filter((c) => fit(descriptorOf(c), region) === wanted);
    const pick = candidates.find((c) => c.isDefault) ?? candidates[0];
    if (pick) return pick;
  }
  return null;
}
