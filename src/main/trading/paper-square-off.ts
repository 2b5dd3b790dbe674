import { createHash } from 'node:crypto';
import type { OrderView } from '../../shared/schemas';
import type { Logger } from '../log/types';
import { toSafeError } from '../safe-error';
import type { OrderGate } from './order-gate';
import type { OrderService } from './orders';
import type { PaperDesk } from './paper-desk';
import { INTRADAY_SQUARE_OFF } from './paper/square-off';

/** How many closing orders one position may get at one square-off before BrokerVault stops trying (each is journaled). */
const MAX_ATTEMPTS = 3;

export interface SquareOffReport {
  cancelled: number;
  placed: OrderView[];
  /** Why nothing was done this round (the kill switch is running), or what failed. */
  problems: string[];
}

export interface PaperSquareOffDeps {
  paper: Pick<PaperDesk, 'squareOffPlan'> & Parameters<OrderService['placeOn']>[0];
  orders: Pick<OrderService, 'placeOn' | 'cancelInBook' | 'byTicket'>;
  gate: Pick<OrderGate, 'assertMaySend'>;
  log: Logger;
}

/**
 * Main process, trading: carries out the paper engine's intraday square-off (MIS at 15:20 IST) through the one order
 * path, with source 'squareoff', so every cancel and closing order is journaled and audited like any other. Runs on the
 * trading tick and on a refresh. The ticket id of a closing order is derived from the square-off time and the symbol,
 * so a tick that runs again (or after a restart) never closes a position twice. While the kill switch runs nothing is
 * sent (the kill switch sweeps the book itself); the next tick after it finishes what is still due.
 */
export class PaperSquareOff {
  private running: Promise<SquareOffReport> | null = null;

  constructor(private readonly deps: PaperSquareOffDeps) {}

  /** One round; a round already running is joined, not doubled. */
  run(): Promise<SquareOffReport> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<SquareOffReport> {
    const report: SquareOffReport = { cancelled: 0, placed: [], problems: [] };
    const { paper, orders } = this.deps;
    const plan = await paper.squareOffPlan();
    if (plan.cutoff === null || (plan.cancel.length === 0 && plan.close.length === 0)) return report;
    try {
      this.deps.gate.assertMaySend(paper);
    } catch (error) {
      report.problems.push(toSafeError(error, { fallback: 'Trading is stopped.' }).message);
      return report;
    }
    const at = INTRADAY_SQUARE_OFF.label;
    for (const order of plan.cancel) {
      try {
        await orders.cancelInBook(paper, order, 'squareoff', `Cancelled at the intraday square-off (${order.product}, ${at}).`);
        report.cancelled++;
      } catch (error) {
        report.problems.push(toSafeError(error, { fallback: 'A cancel at the square-off failed.' }).message);
      }
    }
    for (const close of plan.close) {
      const ticketId = this.nextTicket(plan.cutoff, close.symbol);
      if (ticketId === null) continue;
      try {
        const result = await orders.placeOn(
          paper,
          { ticketId, symbol: close.symbol, side: close.side, quantity: close.quantity, type: 'MARKET', ...(close.product ? { product: close.product } : {}) },
          'squareoff',
        );
        if (result.status === 'placed') report.placed.push(result.order);
      } catch (error) {
        report.problems.push(toSafeError(error, { fallback: 'A closing order at the square-off failed.' }).message);
      }
    }
    if (report.problems.length) this.deps.log.warn('paper square-off incomplete', { problems: report.problems.length });
    return report;
  }

  /**
   * The ticket id for closing `symbol` at this square-off: the first attempt's, unless that order failed (rejected,
   * cancelled); null when an attempt is still working or filled, or every attempt failed (the trader is told by the
   * journaled rejections).
   */
  private nextTicket(cutoff: number, symbol: string): string | null {
    const base = `sq-${cutoff.toString(36)}-${createHash('sha256').update(symbol).digest('hex').slice(0, 16)}`;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const ticketId = `${base}-${attempt}`;
      const journaled = this.deps.orders.byTicket(ticketId);
      if (!journaled) return ticketId;
      if (journaled.state !== 'REJECTED' && journaled.state !== 'CANCELLED' && journaled.state !== 'EXPIRED') return null;
    }
    return null;
  }
}
