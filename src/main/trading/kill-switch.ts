import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { KillSwitchReportSchema } from '../../shared/schemas';
import type { Notifier } from '../composition';
import type { AuditLog } from '../store/audit-log';
import type { ConnectionService } from '../services/connections';
import type { ModeService } from './mode';
import type { OrderGate, Placement } from './order-gate';
import type { OrderService } from './orders';
import type { Venue } from './venue';

type Report = z.infer<typeof KillSwitchReportSchema>;
type Result = Report['results'][number];

const OPEN = new Set(['PENDING', 'OPEN', 'PARTIALLY_FILLED']);
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
  /** A connection that has never been signed in (or was disconnected): nothing of BrokerVault's can be open there. */
  awaitingSignIn: (connectionId: string) => boolean;
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

const messageOf = (error: unknown) => (error instanceof Error && 'code' in error ? error.message : 'Failed; check this order at the broker.');

/**
 * Stop everything: cancel every open order on every active connection and in paper, optionally close
 * every position with a market order, switch to paper and lock live until the trader re-enables it.
 * Each order's outcome is reported; one connection failing does not stop the others.
 */
export class KillSwitch {
  constructor(private readonly deps: KillSwitchDeps) {}

  async engage(closePositions: boolean): Promise<Report> {
    // Lock first, so nothing new goes live while we clean up.
    this.deps.mode.lock('Kill switch engaged.');
    const release = this.deps.gate.halt();
    try {
      return await this.stopAll(closePositions);
    } finally {
      release();
    }
  }

  private async stopAll(closePositions: boolean): Promise<Report> {
    // SECURITY: no limit confirmation given before the kill switch can send an order after it.
    this.deps.orders.voidConfirmations();
    // Orders already on their way: wait (bounded) for the broker's answer, so the sweep below finds and cancels them.
    const inFlight = await this.deps.gate.settle(IN_FLIGHT_WAIT_MS);
    // Every active connection that can hold orders, and any other one the journal still has open orders on.
    const withOpenOrders = new Set(this.deps.orders.openLiveConnections());
    const connections = this.deps.connections.list().filter((c) => withOpenOrders.has(c.id) || (c.isActive && !this.deps.awaitingSignIn(c.id)));
    const venues = [this.deps.paper, ...connections.map((c) => this.deps.live(c.id))];
    const results = [...(await Promise.all(venues.map((venue) => this.sweep(venue, closePositions)))).flat(), ...inFlight.unsettled.map(unsettledResult)];
    const failed = results.filter((r) => r.outcome === 'failed').length;
    this.deps.audit.append('killswitch.engage', null, {
      closePositions,
      cancelled: results.filter((r) => r.action === 'cancel' && r.outcome === 'done').length,
      closed: results.filter((r) => r.action === 'close' && r.outcome === 'done').length,
      failed,
      inFlight: inFlight.waitedFor,
    });
    this.deps.notifier.notify({
      title: 'Kill switch engaged',
      body: failed ? `${failed} action(s) failed: check the report and your broker.` : 'All open orders were cancelled. Live trading is locked.',
    });
    return { results, mode: this.deps.mode.status() };
  }

  private async sweep(venue: Venue, closePositions: boolean): Promise<Result[]> {
    const base = { mode: venue.mode, connectionId: venue.connectionId } as const;
    const results: Result[] = [];
    try {
      const open = (await venue.orders()).filter((o) => OPEN.has(o.state));
      for (const order of open) {
        try {
          await this.deps.orders.cancelInBook(venue, order);
          results.push({ ...base, target: `${order.side} ${order.quantity} ${order.symbol} (${order.brokerOrderId})`, action: 'cancel', outcome: 'done', message: null });
        } catch (error) {
          results.push({ ...base, target: `${order.side} ${order.quantity} ${order.symbol} (${order.brokerOrderId})`, action: 'cancel', outcome: 'failed', message: messageOf(error) });
        }
      }
      if (closePositions) {
        for (const position of (await venue.positions()).filter((p) => p.quantity !== 0)) {
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
      const label = venue.connectionId ? this.deps.connections.find(venue.connectionId)?.label : null;
      results.push({ ...base, target: label ? `order book of "${label}"` : 'order book', action: 'cancel', outcome: 'failed', message: messageOf(error) });
    }
    return results;
  }
}
