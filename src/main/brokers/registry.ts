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

/** Every broker adapter BrokerVault ships, in the order the wizard lists them (India first, then US and crypto). */
export const BROKER_ADAPTERS: readonly BrokerAdapter[] = [
  zerodha,
  dhan,
  dhanApiKey,
  dhanTotp,
  fyers,
  angelOne,
  xts5paisa,
  xtsIifl,
  xtsCompositedge,
  alpaca,
  tradier,
  tastytrade,
  ibkr,
  binance,
  binanceEd25519,
];

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
