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
  /** Change in cash: −value for a buy, +proceeds for a sell (a short sale too). */
  cashDeltaMinor: number;
  /** P&L this fill realised on the part that closed a holding (0 when it only opened or extended one). */
  realizedMinor: number;
}

export const EMPTY_HOLDING: Holding = { quantity: 0, costMinor: 0, realizedMinor: 0 };

/**
 * Apply a fill to a signed holding (negative quantity = short; its cost basis is then negative, the proceeds).
 * A fill against the holding first closes it, realising P&L on that part against its cost basis; what is left
 * opens or extends a holding on the fill's side. So a sell beyond a long opens a short, a buy beyond a short a
 * long. The caller decides whether the product allows the short.
 */
export function applyFill(h: Holding, side: OrderSide, quantity: number, price: number, decimals: number): FillEffect {
  const sign = side === 'BUY' ? 1 : -1;
  const opposing = h.quantity !== 0 && Math.sign(h.quantity) !== sign;
  const closing = opposing ? Math.min(quantity, Math.abs(h.quantity)) : 0;
  const opening = round8(quantity - closing);
  // Each part's value is rounded once; a fill that does not cross zero has one part, valued as a whole.
  const closeValue = closing === 0 ? 0 : valueMinor(closing, price, decimals);
  const openValue = opening === 0 ? 0 : valueMinor(opening, price, decimals);
  const remaining = round8(h.quantity + sign * quantity);
  // Closing everything releases all of the cost basis, so no rounding residue is left behind.
  const released = closing === 0 ? 0 : closing === Math.abs(h.quantity) ? h.costMinor : prorate(h.costMinor, closing, Math.abs(h.quantity));
  const realized = closing === 0 ? 0 : -sign * closeValue - released;
  return {
    holding: { quantity: remaining, costMinor: h.costMinor - released + sign * openValue, realizedMinor: h.realizedMinor + realized },
    cashDeltaMinor: -sign * (closeValue + openValue),
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
