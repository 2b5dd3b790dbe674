import { occurrences } from '../schedule-time';
import { productRule } from './products';

/**
 * When the paper engine closes intraday (MIS) positions: 15:20 in India on weekdays, NSE's intraday square-off
 * time. None of the brokers' REST sheets states its own time, so this is BrokerVault's paper rule, modelled on
 * NSE's; exchange holidays are not skipped (nothing trades then, so there is nothing to close).
 */
export const INTRADAY_SQUARE_OFF = { time: '15:20', timeZone: 'Asia/Kolkata', days: [1, 2, 3, 4, 5], label: '15:20 IST' } as const;

/** The latest square-off instant at or before `now`: intraday positions and orders from before it are due. */
export function lastSquareOff(now: number): number | null {
  const { time, days, timeZone } = INTRADAY_SQUARE_OFF;
  return occurrences(now, time, [...days], timeZone).previous;
}

export function isIntraday(product: string | null): boolean {
  return productRule(product).intraday;
}
