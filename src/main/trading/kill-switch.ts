import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { isWorkingOrderState } from '../../shared/orders';
import type { KillSwitchReportSchema } from '../../shared/schemas';
import type { Notifier } from '../notifier';
import type { AuditLog } from '../store/audit-log';
import type { ConnectionService } from '../services/connections';
import type { ModeService } from './mode';
import type { BrokerOrder } from '../brokers/types';
import { toSafeError } from '../safe-error';
import type { Scheduler } from '../scheduler';
import { ProgressTally, type KillSwitchProgress } from './kill-switch-progress';
import type { OrderGate, Placement } from './order-gate';
import { retryTransient } from './retry';
import type { OrderService } from './orders';
import type { Venue } from './venue';
import { Emitter } from '../events';

type Report = z.infer<typeof KillSwitchReportSchema>;
type Result = Report['results'][number];

/** How long the kill switch keeps trying reads and cancels the broker refuses for now (rate limits, no answer). */
export const KILL_SWITCH_DEADLINE_MS = 30_000;
/** Cancel, re-read and cancel again, then one last read that only reports. */
const SWEEP_ROUNDS = 3;
/** How long the kill switch waits for placements already in flight to get the broker's answer (above the 15 s request timeout). */
export const IN_FLIGHT_WAIT_MS = 20_000;

export interface KillSwitchDeps {
  connections: ConnectionService;
  orders: OrderService;
  gate: OrderGate;
  mode: ModeService;
  audit: AuditLog;
  notifier: Notifier;
  paper: Venue;
  live: (connectionId: string) => Venue;
  /** Protective exits: every working one is cancelled (managed ones disarmed, native ones at their broker). */
  exits?: { cancelAll(): Promise<Result[]> };
  /** A connection that has never been signed in (or was disconnected): nothing of BrokerVault's can be open there. */
  awaitingSignIn: (connectionId: string) => boolean;
  /** Waits between retries and the in-flight bound (a manual scheduler in tests). */
  scheduler: Scheduler;
}

/** A placement that had no answer from its broker when the kill switch stopped waiting: it may be open there. */
function unsettledResult(p: Placement): Result {
  return {
    mode: p.venue.mode,
    connectionId: p.venue.connectionId,
    target: `${p.ticket.side} ${p.ticket.quantity} ${p.ticket.symbol} (in flight)`,
    action: 'cancel',
    outcome: 'failed',
    message: `It was being sent when the kill switch fired and had no answer from the broker after ${IN_FLIGHT_WAIT_MS / 1000} s; check it at the broker.`,
  };
}

const targetOf = (o: BrokerOrder) => `${o.side} ${o.quantity} ${o.symbol} (${o.brokerOrderId})`;

const messageOf = (error: unknown) => toSafeError(error, { fallback: 'Failed; check this order at the broker.' }).message;

/**
 * Stop everything: cancel every open order on every active connection and in paper, optionally close
 * every position with a market order, switch to paper and lock live until the trader re-enables it.
 * Reads and cancels the broker refuses for now (rate limit, no answer) are tried again until done or
 * the deadline; the books are read again afterwards, and whatever is still open is reported as such.
 * Each order's outcome is reported; one connection failing does not stop the others.
 */
export class KillSwitch {
  private readonly didProgress = new Emitter<KillSwitchProgress>();
  /** Where the kill switch is, for the trader's dialog. */
  readonly onDidProgress = this.didProgress.event;

  constructor(private readonly deps: KillSwitchDeps) {}

  async engage(closePositions: boolean): Promise<Report> {
    // Lock first, so nothing new goes live while we clean up; halt, so nothing at all leaves but our own orders.
    this.deps.mode.lock('Kill switch engaged.');
    const release = this.deps.gate.halt();
    try {
      return await this.stopAll(closePositions);
    } finally {
      release();
    }
  }

  private async stopAll(closePositions: boolean): Promise<Report> {
    const tally = new ProgressTally((progress) => this.didProgress.fire(progress));
    // SECURITY: no limit confirmation given before the kill switch can send an order after it.
    this.deps.orders.voidConfirmations();
    // SECURITY: no protective exit may fire once the kill switch is released: disarm them before the books are swept
    // (an exit order already sent, or a bracket's entry, is in a book and cancelled there).
    const exitResults = this.deps.exits ? await this.cancelExits(tally) : [];
    // Orders already on their way: wait (bounded) for the broker's answer, so the sweep below finds and cancels them.
    const sending = this.deps.gate.inFlight();
    if (sending > 0) tally.say(`Waiting for ${sending === 1 ? 'the order' : `${sending} orders`} being sent…`);
    const inFlight = await this.deps.gate.settle(IN_FLIGHT_WAIT_MS);
    const deadline = this.deps.scheduler.now() + KILL_SWITCH_DEADLINE_MS;
    tally.say('Reading order books…');
    // Every active connection that can hold orders, and any other one the journal still has open orders on.
    const withOpenOrders = new Set(this.deps.orders.openLiveConnections());
    const connections = this.deps.connections.list().filter((c) => withOpenOrders.has(c.id) || (c.isActive && !this.deps.awaitingSignIn(c.id)));
    const venues = [this.deps.paper, ...connections.map((c) => this.deps.live(c.id))];
    const sweeps = await Promise.all(venues.map((venue) => this.sweep(venue, closePositions, deadline, tally)));
    const results = [...exitResults, ...sweeps.flat(), ...inFlight.unsettled.map(unsettledResult)];
    const failed = results.filter((r) => r.outcome === 'failed').length;
    this.deps.audit.append('killswitch.engage', null, {
      closePositions,
      cancelled: results.filter((r) => r.action === 'cancel' && r.outcome === 'done').length,
      closed: results.filter((r) => r.action === 'close' && r.outcome === 'done').length,
      ...(exitResults.length > 0 ? { exitsCancelled: exitResults.filter((r) => r.outcome === 'done').length } : {}),
      failed,
      inFlight: inFlight.waitedFor,
    });
    tally.say(failed ? `Done; ${failed} action(s) failed.` : 'Done.');
    this.deps.notifier.notify({
      title: 'Kill switch engaged',
      body: failed ? `${failed} action(s) failed: check the report and your broker.` : 'All open orders were cancelled. Live trading is locked.',
    });
    return { results, mode: this.deps.mode.status() };
  }

  private async cancelExits(tally: ProgressTally): Promise<Result[]> {
    tally.say('Cancelling protective exits…');
    try {
      return await this.deps.exits!.cancelAll();
    } catch (error) {
      return [{ mode: 'paper', connectionId: null, target: 'protective exits', action: 'cancel', outcome: 'failed', message: messageOf(error) }];
    }
  }

  private async sweep(venue: Venue, closePositions: boolean, deadline: number, tally: ProgressTally): Promise<Result[]> {
    const base = { mode: venue.mode, connectionId: venue.connectionId } as const;
    const label = venue.connectionId ? (this.deps.connections.find(venue.connectionId)?.label ?? 'connection') : 'paper';
    const retry = <T>(what: string, attempt: () => Promise<T>) =>
      retryTransient(attempt, { scheduler: this.deps.scheduler, deadline, onRetry: () => tally.waiting(`${what} (${label})`) });
    const cancels = new Map<string, Result>();
    const results: Result[] = [];
    try {
      // Cancel, then read the book again: cancel what is still (or newly) open, until a read finds nothing left to try.
      let open: BrokerOrder[] = [];
      for (let round = 0; round < SWEEP_ROUNDS; round++) {
        open = (await retry('Reading the order book', () => venue.orders())).filter((o) => isWorkingOrderState(o.state));
        const toCancel = open.filter((o) => cancels.get(o.brokerOrderId)?.outcome !== 'failed');
        if (toCancel.length === 0 || round === SWEEP_ROUNDS - 1) break;
        tally.found(toCancel.filter((o) => !cancels.has(o.brokerOrderId)).length);
        for (const order of toCancel) {
          tally.cancelling();
          try {
            await retry('Cancelling', () => this.deps.orders.cancelInBook(venue, order));
            cancels.set(order.brokerOrderId, { ...base, target: targetOf(order), action: 'cancel', outcome: 'done', message: null });
          } catch (error) {
            cancels.set(order.brokerOrderId, { ...base, target: targetOf(order), action: 'cancel', outcome: 'failed', message: messageOf(error) });
          }
          tally.finished();
        }
      }
      // SECURITY: the report says what the broker's book shows open after the cancels, whatever they answered.
      const stillOpen = new Set(open.map((o) => o.brokerOrderId));
      for (const [id, result] of cancels) {
        // A cancel whose answer was lost (and whose retry found nothing to cancel) did its job.
        if (result.outcome === 'failed' && !stillOpen.has(id)) cancels.set(id, { ...result, outcome: 'done', message: 'No longer open at the broker.' });
      }
      for (const order of open) {
        const before = cancels.get(order.brokerOrderId);
        const still = 'It is still open at the broker; cancel it there.';
        cancels.set(order.brokerOrderId, {
          ...base,
          target: targetOf(order),
          action: 'cancel',
          outcome: 'failed',
          message: before?.message ? `${before.message} ${still}` : still,
        });
      }
      results.push(...cancels.values());
      if (closePositions) {
        for (const position of (await retry('Reading positions', () => venue.positions())).filter((p) => p.quantity !== 0)) {
          const side = position.quantity > 0 ? 'SELL' : 'BUY';
          const target = `${side} ${Math.abs(position.quantity)} ${position.symbol}`;
          try {
            const result = await this.deps.orders.placeOn(
              venue,
              { ticketId: `kill-${randomBytes(8).toString('hex')}`, symbol: position.symbol, side, quantity: Math.abs(position.quantity), type: 'MARKET' },
              'killswitch',
            );
            const order = result.status === 'placed' ? result.order : null;
            const ok = order !== null && order.state !== 'REJECTED';
            results.push({ ...base, target, action: 'close', outcome: ok ? 'done' : 'failed', message: order?.message ?? null });
          } catch (error) {
            results.push({ ...base, target, action: 'close', outcome: 'failed', message: messageOf(error) });
          }
        }
      }
    } catch (error) {
      // Name the connection: with several brokers open, the trader must know which book to check by hand.
      results.push(...cancels.values());
      const name = venue.connectionId ? this.deps.connections.find(venue.connectionId)?.label : null;
      results.push({ ...base, target: name ? `order book of "${name}"` : 'order book', action: 'cancel', outcome: 'failed', message: messageOf(error) });
    }
    return results;
  }
}
