import { isWorkingOrderState } from '../../shared/orders';
import { BrokerError, type ExitKind, type ExitLegRole, type ProtectiveExitRequest, type ProtectiveExitStatus, type BrokerOrder } from './types';

/** A native exit request with the prices its kind needs, checked before anything is sent to the broker. */
export interface CheckedExit extends ProtectiveExitRequest {
  targetPrice: number;
  stopPrice: number;
}

const positive = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

/**
 * The terms every native exit needs, in BrokerVault's words: a kind this broker holds, a positive quantity, a bracket's
 * entry, the target and stop prices of a bracket or OCO, and a trailing stop's distance. The broker's own rules (which side
 * of the market each price must be on) are left to the broker, whose refusal is BROKER_REJECTED in its words.
 */
export function checkExitTerms(broker: string, kinds: readonly ExitKind[], request: ProtectiveExitRequest): void {
  const refuse = (message: string) => new BrokerError('BROKER_REJECTED', message);
  if (!kinds.includes(request.kind)) throw new BrokerError('NOT_SUPPORTED', `${broker} does not hold ${request.kind} exits itself.`);
  if (!positive(request.quantity)) throw refuse('An exit needs a quantity above zero.');
  if (request.kind === 'trailing') {
    const trail = request.trail;
    const distance = trail && ('amount' in trail ? trail.amount : trail.percent);
    if (!positive(distance)) throw refuse('A trailing stop needs a trail amount or percentage above zero.');
    return;
  }
  if (!positive(request.targetPrice) || !positive(request.stopPrice)) throw refuse('A bracket or OCO exit needs a target price and a stop price.');
  if (request.stopLimitPrice !== undefined && !positive(request.stopLimitPrice)) throw refuse('A stop-limit price must be above zero.');
  if (request.kind === 'bracket') {
    if (!request.entry) throw refuse('A bracket needs an entry order.');
    if (request.entry.type === 'LIMIT' && !positive(request.entry.limitPrice)) throw refuse('A limit entry needs a limit price.');
  }
}

/** The group as ProtectiveExitStatus: active while any leg still works. */
export function exitStatus(legs: (BrokerOrder & { role: ExitLegRole })[]): ProtectiveExitStatus {
  return { active: legs.some((leg) => isWorkingOrderState(leg.state)), legs };
}
