import type { BrokerId } from '../../shared/brokers';
import { adapter as alpaca } from './alpaca/adapter';
import { adapter as angelOne } from './angel-one/adapter';
import { adapter as binance } from './binance/adapter';
import { adapter as binanceEd25519 } from './binance-ed25519/adapter';
import { adapter as dhan } from './dhan/adapter';
import { adapter as dhanApiKey } from './dhan-api-key/adapter';
import { adapter as dhanTotp } from './dhan-totp/adapter';
import { adapter as fyers } from './fyers/adapter';
import { adapter as ibkr } from './ibkr/adapter';
import { adapter as tastytrade } from './tastytrade/adapter';
import { adapter as tradier } from './tradier/adapter';
import type { BrokerAdapter } from './types';
import { adapter as xts5paisa } from './xts-5paisa/adapter';
import { adapter as xtsCompositedge } from './xts-compositedge/adapter';
import { adapter as xtsIifl } from './xts-iifl/adapter';
import { adapter as zerodha } from './zerodha/adapter';

/**
 * Every broker BrokerVault ships, keyed by broker id: the one line a new broker adds here. The compiler
 * checks that every id in BROKER_IDS has an adapter; test/unit/broker-registry.test.ts checks that each also
 * has a simulator, a doc page and conformance cases. Listed in the order the wizard shows them (India
 * first, then US and crypto).
 */
export const BROKERS: Readonly<Record<BrokerId, BrokerAdapter>> = {
  zerodha,
  dhan,
  'dhan-api-key': dhanApiKey,
  'dhan-totp': dhanTotp,
  fyers,
  'angel-one': angelOne,
  'xts-5paisa': xts5paisa,
  'xts-iifl': xtsIifl,
  'xts-compositedge': xtsCompositedge,
  alpaca,
  tradier,
  tastytrade,
  ibkr,
  binance,
  'binance-ed25519': binanceEd25519,
};

/** The same adapters as a list, in the wizard's order. */
export const BROKER_ADAPTERS: readonly BrokerAdapter[] = Object.values(BROKERS);

export class BrokerRegistry {
  private readonly byId = new Map<BrokerId, BrokerAdapter>();
  constructor(adapters: readonly BrokerAdapter[]) {
    for (const adapter of adapters) this.byId.set(adapter.descriptor.id, adapter);
  }
  list(): BrokerAdapter[] {
    return [...this.byId.values()];
  }
  get(id: BrokerId): BrokerAdapter | undefined {
    return this.byId.get(id);
  }
}
