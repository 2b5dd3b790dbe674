import type { OrderTicket } from '../../shared/schemas';
import { isWrite, type RateRequest } from '../brokers/types';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Scheduler } from '../scheduler';
import type { ModeService } from './mode';
import type { Venue } from './venue';

/** One placement running in this process, from the first check to the broker's answer. */
export interface Placement {
  readonly venue: Pick<Venue, 'mode' | 'connectionId'>;
  readonly ticket: Pick<OrderTicket, 'side' | 'quantity' | 'symbol'>;
  readonly done: Promise<unknown>;
}

export interface LiveCheck {
  status: string;
  lastValidatedAt: number | null;
  label: string;
  /** How old the last successful check may be: the broker's health interval. */
  maxAgeMs: number;
}

export interface OrderGateDeps {
  mode: Pick<ModeService, 'locked' | 'liveConnectionId'>;
  clock: Clock;
  scheduler: Scheduler;
  /** The live connection's last check and how old it may be. */
  liveCheck: (connectionId: string) => LiveCheck;
  /** Check the connection at the broker now (the health monitor's validation). */
  validate: (connectionId: string) => Promise<unknown>;
}

/**
 * What must still hold when an order leaves: the mode it was placed in, no kill-switch lock and no kill
 * switch running, and (live) a connection checked within its health interval. The order path asks
 * again after every await (price, broker pre-check, validation, rate-limit gate, session refresh), so a
 * switch to paper or a kill switch between two awaits stops the order before it is sent.
 * It also knows the placements in flight, so the kill switch can wait for them.
 */
export class OrderGate {
  private readonly placements = new Set<Placement>();
  /** Kill switches running now: while any runs, no order but its own leaves. */
  private halts = 0;
  /** Kill switches engaged since start: a split order stops its remaining slices when this moves. */
  private haltsSoFar = 0;

  constructor(private readonly deps: OrderGateDeps) {}

  /** Throws when an order for `venue` may no longer be sent. SECURITY: the last-moment check of "stop means stop". */
  assertMaySend(venue: Pick<Venue, 'mode' | 'connectionId'>): void {
    if (this.halts > 0) throw new AppError('LIVE_NOT_ALLOWED', 'The kill switch is stopping all trading, so this order was not sent.');
    if (venue.mode !== 'live') return;
    if (this.deps.mode.locked) throw new AppError('LIVE_NOT_ALLOWED', 'Live trading was locked by the kill switch before this order left, so it was not sent.');
    if (this.deps.mode.liveConnectionId() !== venue.connectionId) {
      throw new AppError('LIVE_NOT_ALLOWED', 'BrokerVault left live mode on this connection before the order left, so it was not sent.');
    }
  }

  /**
   * A guard for the venue's requests: it re-checks before the placement starts and after each request's
   * rate-limit gate, until the first write has gone out (from then on the order may be at the broker).
   */
  guardFor(venue: Pick<Venue, 'mode' | 'connectionId'>): (request?: RateRequest) => void {
    let sent = false;
    return (request) => {
      if (sent) return;
      this.assertMaySend(venue);
      if (request && isWrite(request)) sent = true;
    };
  }

  /** A live order needs a check within the broker's health interval; an older one is checked again first. */
  async ensureRecentCheck(venue: Pick<Venue, 'mode' | 'connectionId'>): Promise<void> {
    if (venue.mode !== 'live' || !venue.connectionId) return;
    const before = this.deps.liveCheck(venue.connectionId);
    const fresh = before.lastValidatedAt !== null && this.deps.clock.now() - before.lastValidatedAt <= before.maxAgeMs;
    if (fresh && before.status === 'valid') return;
    await this.deps.validate(venue.connectionId);
    const after = this.deps.liveCheck(venue.connectionId);
    if (after.status !== 'valid') {
      throw new AppError(
        'LIVE_NOT_ALLOWED',
        `"${after.label}" did not pass its check with the broker just now (status: ${after.status}), so the order was not sent.`,
      );
    }
  }

  /** Run one placement, known to the kill switch until it settles. */
  async track<T>(venue: Placement['venue'], ticket: Placement['ticket'], run: () => Promise<T>): Promise<T> {
    const done = run();
    const placement: Placement = { venue, ticket, done };
    this.placements.add(placement);
    try {
      return await done;
    } finally {
      this.placements.delete(placement);
    }
  }

  /** Stop every order but the kill switch's own; returns the release. */
  halt(): () => void {
    this.halts += 1;
    this.haltsSoFar += 1;
    let released = false;
    return () => {
      if (!released) this.halts -= 1;
      released = true;
    };
  }

  /** How many kill switches were engaged so far (compare before and after a wait). */
  haltCount(): number {
    return this.haltsSoFar;
  }

  /** Placements running now. */
  inFlight(): number {
    return this.placements.size;
  }

  /** Wait, at most `boundMs` on the scheduler, for the placements in flight now; returns those still running. */
  async settle(boundMs: number): Promise<{ waitedFor: number; unsettled: Placement[] }> {
    const pending = [...this.placements];
    if (pending.length === 0) return { waitedFor: 0, unsettled: [] };
    let timer: unknown = null;
    const bound = new Promise<void>((resolve) => (timer = this.deps.scheduler.setTimeout(resolve, boundMs)));
    await Promise.race([Promise.allSettled(pending.map((p) => p.done)), bound]);
    this.deps.scheduler.clearTimeout(timer);
    return { waitedFor: pending.length, unsettled: pending.filter((p) => this.placements.has(p)) };
  }
}
