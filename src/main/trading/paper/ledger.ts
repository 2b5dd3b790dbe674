import type { OrderSide } from '../../brokers/types';
import { fromMinor, prorate, round8, valueMinor } from './money';

/**
 * One symbol's holding. Cost basis is kept in minor units, so a sale releases an exact share of it and
 * cash + Σ cost = starting cash + Σ realised holds to the unit, however many trades there are.
 */
export interface Holding {
  quantity: number;
  costMinor: number;
  realizedMinor: number;
}

export interface FillEffect {
  holding: Holding;
  /** Change in cash: −value for a buy, +proceeds for a sell. */
  cashDeltaMinor: number;
  /** P&L this fill realised (0 for buys). */
  realizedMinor: number;
}

export const EMPTY_HOLDING: Holding = { quantity: 0, costMinor: 0, realizedMinor: 0 };

/** Apply a fill. Sells never exceed the holding: the caller rejects those (no short selling). */
export function applyFill(h: Holding, side: OrderSide, quantity: number, price: number, decimals: number): FillEffect {
  const value = valueMinor(quantity, price, decimals);
  if (side === 'BUY') {
    return {
      holding: { quantity: round8(h.quantity + quantity), costMinor: h.costMinor + value, realizedMinor: h.realizedMinor },
      cashDeltaMinor: -value,
      realizedMinor: 0,
    };
  }
  const remaining = round8(h.quantity - quantity);
  // Selling everything releases all of the cost basis, so no rounding residue is left behind.
  const released = remaining === 0 ? h.costMinor : prorate(h.costMinor, quantity, h.quantity);
  const realized = value - released;
  return {
    holding: { quantity: remaining, costMinor: h.costMinor - released, realizedMinor: h.realizedMinor + realized },
    cashDeltaMinor: value,
    realizedMinor: realized,
  };
}

export function marketValueMinor(h: Holding, price: number, decimals: number): number {
  return valueMinor(h.quantity, price, decimals);
}

/** Average price per unit implied by the cost basis (what the cash ledger says was paid). */
export function averagePrice(h: Holding, decimals: number): number {
  return h.quantity === 0 ? 0 : round8(fromMinor(h.costMinor, decimals) / h.quantity);
}
