import { BrokerError } from '../../brokers/types';
import { localDate } from '../market-calendar';
import { round8 } from './money';

/** A derivative contract as the instrument masters describe it: its lot size and last trading day. */
export interface Contract {
  lotSize: number;
  /** Expiry date (YYYY-MM-DD, the exchange's calendar day); null when the master gives none. */
  expiry: string | null;
}

/** Looks a symbol up in the instrument masters; null when no master knows it (it then trades in single units). */
export type ContractLookup = (symbol: string) => Contract | null;

/** Indian contracts expire on their exchange's calendar day. */
const EXPIRY_TIME_ZONE = 'Asia/Kolkata';

/**
 * Refuse, before anything is stored, an order whose quantity is not a whole number of lots, or an order on a
 * contract whose expiry day (India time) is over.
 */
export function checkContract(symbol: string, quantity: number, contract: Contract | null, now: number): void {
  if (!contract) return;
  const { lotSize, expiry } = contract;
  if (expiry !== null && localDate(now, EXPIRY_TIME_ZONE) > expiry) {
    throw new BrokerError('BROKER_REJECTED', `${symbol} expired on ${expiry}; BrokerVault refuses paper orders on an expired contract.`);
  }
  if (lotSize > 1) {
    const lots = round8(quantity / lotSize);
    if (!Number.isInteger(lots)) {
      throw new BrokerError(
        'BROKER_REJECTED',
        `Quantity for ${symbol} must be a multiple of its lot size, ${lotSize} (${quantity} is ${Number(lots.toFixed(2))} lots).`,
      );
    }
  }
}
