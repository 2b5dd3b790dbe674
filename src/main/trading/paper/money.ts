/**
 * Fixed-point helpers. Cash, reservations, cost basis and P&L are integer minor units (e.g. paise with
 * decimals = 2) so sums never drift; each trade's value is rounded once, half away from zero, the way a
 * broker's contract note does. Quantities and prices stay numbers, rounded to 1e-8.
 */

/** Largest minor-unit amount we accept, well inside Number.MAX_SAFE_INTEGER even after summing. */
export const MAX_MINOR = 1e15;

/** amount (major units) -> integer minor units. toPrecision(15) drops binary noise (1.005*100 = 100.4999…). */
export function toMinor(amount: number, decimals: number): number {
  const scaled = Number((Math.abs(amount) * 10 ** decimals).toPrecision(15));
  const rounded = Math.round(scaled);
  return amount < 0 ? -rounded : rounded;
}

export function fromMinor(minor: number, decimals: number): number {
  return Number((minor / 10 ** decimals).toFixed(decimals));
}

/** Value of quantity × price in minor units, rounded once. */
export function valueMinor(quantity: number, price: number, decimals: number): number {
  return toMinor(quantity * price, decimals);
}

/** Quantities and derived prices are kept to 8 decimals (a satoshi), so 0.1 + 0.2 stays 0.3. */
export function round8(value: number): number {
  return Number(value.toFixed(8));
}

/** Round a minor-unit amount scaled by num/den (e.g. cost basis of part of a position). */
export function prorate(minor: number, num: number, den: number): number {
  if (num === den) return minor;
  const part = Number(((minor * num) / den).toPrecision(15));
  return part < 0 ? -Math.round(-part) : Math.round(part);
}
