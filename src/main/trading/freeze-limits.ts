import { AppError } from '../errors';

/**
 * NSE's quantity freeze limits for index derivatives: the most units one order may carry. No broker's
 * instrument master carries them, so BrokerVault keeps this table.
 * Source: NSE circular "Quantity freeze limits for indices" of 31 Oct 2025, effective 3 Nov 2025 (issued under
 * F&O consolidated circular NSE/FAOP/67775, chapter 1.8). NSE revises these every few months: update the
 * table and FREEZE_LIMITS_AS_OF together. Stock derivatives have their own limits, not listed here: orders
 * for them are sent whole, as before.
 */
export const FREEZE_LIMITS_AS_OF = '2025-11-03';
export const NSE_INDEX_FREEZE_QUANTITY: Readonly<Record<string, number>> = {
  NIFTY: 1800,
  BANKNIFTY: 600,
  FINNIFTY: 1800,
  MIDCPNIFTY: 2800,
  NIFTYNXT50: 600,
};

/** More slices than this is almost surely a typing slip: refused rather than sent. */
export const MAX_SLICES = 40;

/** Longest first, so NIFTYNXT50 is not taken for NIFTY. */
const UNDERLYINGS = Object.keys(NSE_INDEX_FREEZE_QUANTITY).sort((a, b) => b.length - a.length);

/**
 * The freeze quantity of an NSE F&O contract in the common symbol form (NFO:NIFTY26JANFUT,
 * NFO:BANKNIFTY26JAN52000CE), or null when the symbol is not an index derivative in the table.
 * The underlying must be followed by the expiry's digits, so an unrelated name starting with NIFTY does not match.
 */
export function freezeQuantityOf(symbol: string): number | null {
  const [exchange, contract] = symbol.split(':');
  if (exchange !== 'NFO' || !contract) return null;
  const underlying = UNDERLYINGS.find((u) => contract.startsWith(u) && /^\d/.test(contract.slice(u.length)));
  return underlying ? NSE_INDEX_FREEZE_QUANTITY[underlying]! : null;
}

/**
 * Split `quantity` into legal slices: each at most the freeze quantity and a whole number of lots (full
 * slices first, the rest last). Null when the order fits in one. The same inputs always give the same slices,
 * so a retried ticket maps onto the slices it made before.
 */
export function freezeSlices(quantity: number, freezeQuantity: number, lotSize: number | null, symbol: string): number[] | null {
  if (quantity <= freezeQuantity) return null;
  if (lotSize === null || !(lotSize > 0)) {
    throw new AppError(
      'INVALID_INPUT',
      `${symbol} is above the exchange's freeze quantity of ${freezeQuantity}, and BrokerVault does not know its lot size to split it. Open a broker's instrument list (search the symbol) and try again, or place at most ${freezeQuantity}.`,
    );
  }
  if (!Number.isInteger(quantity / lotSize)) {
    throw new AppError('INVALID_INPUT', `Quantity ${quantity} of ${symbol} is not a whole number of lots (lot size ${lotSize}).`);
  }
  const perSlice = Math.floor(freezeQuantity / lotSize) * lotSize;
  if (perSlice <= 0) throw new AppError('INVALID_INPUT', `One lot of ${symbol} (${lotSize}) is above the freeze quantity of ${freezeQuantity}.`);
  const count = Math.ceil(quantity / perSlice);
  if (count > MAX_SLICES) {
    throw new AppError('INVALID_INPUT', `${quantity} of ${symbol} would take ${count} orders at the freeze quantity; BrokerVault sends at most ${MAX_SLICES}.`);
  }
  const slices: number[] = [];
  for (let left = quantity; left > 0; left -= perSlice) slices.push(Math.min(perSlice, left));
  return slices;
}
