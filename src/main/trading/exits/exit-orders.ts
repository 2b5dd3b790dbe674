import { createHash } from 'node:crypto';
import type { ExitRequest, ExitView } from '../../../shared/exit-schemas';
import type { ExitLegRole } from '../../../shared/exits';
import type { OrderSide } from '../../../shared/orders';
import type { OrderTicket } from '../../../shared/schemas';
import type { StoredExit } from '../../store/exits-repo';
import type { ProtectiveExitRequest } from '../../brokers/types';
import type { Venue } from '../venue';
import { currentStop } from './triggers';

/** The ids, tickets, rows, words and audit details of protective exits: pure helpers of the exit service. */

/** The exit's id: fixed by the trader's request id, so a retried request (or one confirmed after a limit) is the same exit. */
export function exitIdFor(requestId: string): string {
  return createHash('sha256').update(`exit:${requestId}`).digest('hex').slice(0, 16);
}

/** Ticket ids of an exit's orders: one entry (bracket) and one exit order, whichever leg fires: a second can never be sent. */
export const entryTicketId = (exitId: string) => `xe-${exitId}`;
export const exitTicketId = (exitId: string) => `xx-${exitId}`;
export const EXIT_CLIENT_ID = /^bv-x([ex])-([0-9a-f]{16})$/;

export const opposite = (side: OrderSide): OrderSide => (side === 'SELL' ? 'BUY' : 'SELL');
export const round = (n: number) => Math.round(n * 1e8) / 1e8;

export function toExitView(e: StoredExit): ExitView {
  const { requestId: _r, product: _p, ...view } = e;
  return { ...view, currentStop: currentStop(e) };
}

export function describeExit(e: Pick<StoredExit, 'kind' | 'exitSide' | 'quantity' | 'symbol'>): string {
  const kind = e.kind === 'oco' ? 'stop-loss with target' : e.kind === 'trailing' ? 'trailing stop' : 'bracket';
  return `${kind}: ${e.exitSide} ${e.quantity} ${e.symbol}`;
}

export function exitTicket(
  id: string,
  e: Pick<StoredExit, 'symbol' | 'exitSide' | 'quantity'> & { targetPrice?: number | null; stopLimitPrice?: number | null; product?: string | null },
  role: ExitLegRole,
): OrderTicket {
  const base = { ticketId: exitTicketId(id), symbol: e.symbol, side: e.exitSide, quantity: e.quantity, product: e.product ?? undefined };
  if (role === 'target' && e.targetPrice) return { ...base, type: 'LIMIT', limitPrice: e.targetPrice };
  if (role === 'stop' && e.stopLimitPrice) return { ...base, type: 'LIMIT', limitPrice: e.stopLimitPrice };
  return { ...base, type: 'MARKET' };
}

export function newExit(id: string, venue: Pick<Venue, 'mode' | 'connectionId'>, r: ExitRequest, handling: StoredExit['handling'], createdAt: number) {
  return {
    id,
    requestId: r.requestId,
    kind: r.kind,
    handling,
    mode: venue.mode,
    connectionId: venue.connectionId,
    symbol: r.symbol,
    exitSide: r.exitSide,
    quantity: r.quantity,
    product: r.product ?? null,
    entry: r.entry ? { type: r.entry.type, limitPrice: r.entry.limitPrice ?? null } : null,
    targetPrice: r.targetPrice ?? null,
    stopPrice: r.stopPrice ?? null,
    stopLimitPrice: r.stopLimitPrice ?? null,
    trail: r.trail ?? null,
    createdAt,
  };
}

export function auditDetail(e: StoredExit): Record<string, string | number | null> {
  return {
    exitId: e.id,
    kind: e.kind,
    handling: e.handling,
    mode: e.mode,
    symbol: e.symbol,
    exitSide: e.exitSide,
    quantity: e.quantity,
    targetPrice: e.targetPrice,
    stopPrice: e.stopPrice,
    ...(e.trail ? ('amount' in e.trail ? { trailAmount: e.trail.amount } : { trailPercent: e.trail.percent }) : {}),
  };
}

/** The order whose limits an exit is checked against when it is set up: a bracket's entry, else the exit order itself. */
export function limitsTicket(id: string, request: ExitRequest): OrderTicket {
  const ticket: OrderTicket =
    request.kind === 'bracket'
      ? {
          ticketId: entryTicketId(id),
          symbol: request.symbol,
          side: opposite(request.exitSide),
          quantity: request.quantity,
          type: request.entry!.type,
          limitPrice: request.entry!.limitPrice,
        }
      : exitTicket(id, request, 'stop');
  return { ...ticket, confirmationId: request.confirmationId };
}

/** The request a broker that holds the exit itself gets; its client order id is fixed by the exit. */
export function nativeRequest(id: string, request: ExitRequest): ProtectiveExitRequest {
  return {
    kind: request.kind,
    symbol: request.symbol,
    exitSide: request.exitSide,
    quantity: request.quantity,
    entry: request.entry,
    targetPrice: request.targetPrice,
    stopPrice: request.stopPrice,
    stopLimitPrice: request.stopLimitPrice,
    trail: request.trail,
    product: request.product,
    clientOrderId: `bv-xn-${id}`,
  };
}

/** The order a stored exit is tracked under while its broker call runs (as limitsTicket for the request it came from). */
export function trackedTicket(e: StoredExit): OrderTicket {
  if (e.kind === 'bracket' && e.entry) {
    return {
      ticketId: entryTicketId(e.id),
      symbol: e.symbol,
      side: opposite(e.exitSide),
      quantity: e.quantity,
      type: e.entry.type,
      limitPrice: e.entry.limitPrice ?? undefined,
    };
  }
  return exitTicket(e.id, e, 'stop');
}
