import type { z } from 'zod';
import { WORKING_EXIT_STATES, type ExitPlaceResult, type ExitRequest, type ExitView } from '../../../shared/exit-schemas';
import type { ExitLegRole } from '../../../shared/exits';
import type { OrderSide } from '../../../shared/orders';
import type { KillSwitchReportSchema, OrderTicket, OrderView } from '../../../shared/schemas';
import { BrokerError, BrokerPrompt, type ProtectiveExitAck } from '../../brokers/types';
import type { Clock } from '../../clock';
import { AppError } from '../../errors';
import { Emitter } from '../../events';
import type { Logger } from '../../log/types';
import type { Notifier } from '../../notifier';
import { toSafeError } from '../../safe-error';
import type { Scheduler } from '../../scheduler';
import type { AuditLog } from '../../store/audit-log';
import type { Db } from '../../store/db';
import type { ExitsRepo, ExitUpdate, StoredExit } from '../../store/exits-repo';
import { SerialQueue } from '../../vault/serial-queue';
import type { OrderGate } from '../order-gate';
import type { OrderService } from '../orders';
import type { PriceStreams } from '../price-streams';
import type { Venue } from '../venue';
import { ExitFeed } from './exit-feed';
import { currentStop, decide } from './triggers';
import {
  EXIT_CLIENT_ID,
  exitIdFor as exitIdForRequest,
  auditDetail,
  describeExit,
  entryTicketId,
  exitTicket,
  exitTicketId,
  limitsTicket,
  nativeRequest,
  newExit,
  opposite,
  round,
  toExitView,
  trackedTicket,
} from './exit-orders';

export { exitIdFor } from './exit-orders';

type KillSwitchResult = z.infer<typeof KillSwitchReportSchema>['results'][number];

/** How often a managed exit whose symbol does not stream (or whose feed is down or stale) is priced by a quote. */
export const EXIT_POLL_MS = 1_000;

/** How long a broker's question about a native exit stays open (as for orders). */
export const EXIT_PROMPT_TTL_MS = 10 * 60_000;

export interface ExitServiceDeps {
  db: Db;
  repo: ExitsRepo;
  orders: Pick<OrderService, 'placeOn' | 'holdForLimits' | 'currentVenue' | 'venueFor' | 'reconcile' | 'cancel' | 'onDidChange'>;
  /** The order journal, by id and by client order id. */
  journal: { get(id: string): OrderView | null; byClientOrderId(clientOrderId: string): OrderView | null };
  gate: Pick<OrderGate, 'assertMaySend' | 'ensureRecentCheck' | 'guardFor' | 'track'>;
  audit: AuditLog;
  clock: Clock;
  scheduler: Scheduler;
  log: Logger;
  notifier: Notifier;
  /** The connection whose stream prices a paper symbol (its position's feed, else the best one); null: polled. */
  paperFeed: (symbol: string) => string | null;
  streams?: PriceStreams;
  pollMs?: number;
}

/**
 * Protective exits (main process): a bracket (entry, then target and stop), a stop-loss with target on a held position,
 * or a trailing stop. Where the live account's broker holds the kind itself, it is placed there natively through the
 * order path's gates; otherwise BrokerVault manages it from the live feed: it arms the legs (after the entry fills),
 * watches each price, and when one crosses the stop or target sends the exit order through the one order path
 * (source 'exit') and disarms the sibling. Every trigger is serialized per exit and decided by a compare-and-set on the
 * stored state right before the order path's own last-moment checks (mode, kill switch); the exit order's ticket id
 * is fixed per exit, so neither a tick storm nor a restart after a crash can send a second one.
 */
export class ExitService {
  private readonly didChange = new Emitter<ExitView>();
  /** Fires with an exit after every committed change to it. */
  readonly onDidChange = this.didChange.event;
  /** Armed managed exits, by id (the feed's hot path reads these, not the database). */
  private readonly armed = new Map<string, StoredExit>();
  private readonly queues = new Map<string, SerialQueue>();
  /** Exits whose trigger is queued or running: further crossing ticks are dropped until it settles. */
  private readonly firing = new Set<string>();
  private readonly feed: ExitFeed;
  /** Native exits waiting for the trader's answer to the broker's question, by exit id: the broker's reply id. */
  private readonly awaiting = new Map<string, string>();
  private pollTimer: unknown = null;
  private polling = false;
  private started = false;
  private disposed = false;

  constructor(private readonly deps: ExitServiceDeps) {
    this.feed = new ExitFeed(deps.streams, (connectionId, symbol, price) => this.onTick(connectionId, symbol, price), deps.log);
    deps.orders.onDidChange((order) => this.orderChanged(order));
  }

  list(working = false): ExitView[] {
    const rows = working ? this.deps.repo.inStates(WORKING_EXIT_STATES) : this.deps.repo.list(200);
    return rows.map(toExitView);
  }

  get(exitId: string): ExitView {
    const exit = this.deps.repo.get(exitId);
    if (!exit) throw new AppError('NOT_FOUND', 'There is no such protective exit.');
    return toExitView(exit);
  }

  /** Set up a protective exit on the venue orders go to now (see the class comment). A retried request returns the same exit. */
  async place(request: ExitRequest): Promise<ExitPlaceResult> {
    const id = exitIdForRequest(request.requestId);
    const existing = this.deps.repo.get(id);
    if (existing) return { status: 'placed', exit: toExitView(existing) };
    const venue = this.deps.orders.currentVenue();
    this.deps.gate.assertMaySend(venue);
    if (venue.mode === 'live' && venue.exits?.kinds.includes(request.kind)) return this.placeNative(venue, request, id);
    if (request.kind === 'bracket') return this.placeBracket(venue, request, id);
    return this.placeManaged(venue, request, id);
  }

  /** A stop-loss with target or a trailing stop that BrokerVault manages from the feed. */
  private async placeManaged(venue: Venue, request: ExitRequest, id: string): Promise<ExitPlaceResult> {
    // A stop-loss with target or a trailing stop protects a position already held, on the exit's side.
    const held = await this.heldQuantity(venue, request.symbol, request.exitSide);
    if (held < request.quantity) {
      const what = request.exitSide === 'SELL' ? 'long' : 'short';
      throw new AppError(
        'CONFLICT',
        held > 0
          ? `Only ${held} ${request.symbol} is held ${what}; the exit can protect at most that.`
          : `No ${what} position in ${request.symbol} is held, so there is nothing for this exit to protect.`,
      );
    }
    const hold = await this.deps.orders.holdForLimits(venue, limitsTicket(id, request));
    if (hold?.status === 'needs-confirmation') return hold;
    // A trailing stop starts from the price now (or from the first tick, when there is no quote).
    const trailBest = request.kind === 'trailing' ? await this.quote(venue, request.symbol) : null;
    this.deps.gate.assertMaySend(venue);
    if (this.deps.repo.get(id)) return { status: 'placed', exit: toExitView(this.deps.repo.get(id)!) };
    this.deps.db.transaction(() => {
      this.deps.repo.insert({ ...newExit(id, venue, request, 'managed', this.deps.clock.now()), state: 'armed', trailBest });
      this.deps.audit.append('exit.arm', venue.connectionId, auditDetail(this.deps.repo.get(id)!));
    })();
    this.changed(id);
    return { status: 'placed', exit: this.get(id) };
  }

  private async placeBracket(venue: Venue, request: ExitRequest, id: string): Promise<ExitPlaceResult> {
    this.deps.db.transaction(() => {
      this.deps.repo.insert({ ...newExit(id, venue, request, 'managed', this.deps.clock.now()), state: 'pending-entry' });
      this.deps.audit.append('exit.update', venue.connectionId, { ...auditDetail(this.deps.repo.get(id)!), state: 'pending-entry' });
    })();
    this.changed(id);
    const entry: OrderTicket = {
      ticketId: entryTicketId(id),
      symbol: request.symbol,
      side: opposite(request.exitSide),
      quantity: request.quantity,
      type: request.entry!.type,
      limitPrice: request.entry!.limitPrice,
      product: request.product,
      confirmationId: request.confirmationId,
    };
    const unsent = () => this.deps.journal.byClientOrderId(`bv-${entry.ticketId}`) === null;
    let result;
    try {
      result = await this.deps.orders.placeOn(venue, entry, 'exit');
    } catch (error) {
      // Refused before the journal (mode, kill switch, a broker's pre-check): nothing was sent, so there is no exit.
      if (unsent()) this.forget(id);
      throw error;
    }
    if (result.status === 'needs-confirmation') {
      if (unsent()) this.forget(id);
      return result;
    }
    this.orderChanged(result.order);
    if (result.status === 'needs-broker-answer') {
      this.update(id, ['pending-entry'], { message: 'The broker asks a question about the entry order: answer it in the orders list.' });
    }
    return { status: 'placed', exit: this.get(id) };
  }

  /**
   * The broker holds this exit itself: the order path's checks (limits, mode, kill switch, a recent check), then its own
   * call. A shape of the kind the broker does not hold (NOT_SUPPORTED, refused before anything is sent, e.g. a bracket
   * with a market entry where the broker's legs are distances from a limit entry) is managed by BrokerVault instead.
   */
  private async placeNative(venue: Venue, request: ExitRequest, id: string): Promise<ExitPlaceResult> {
    const ticket = limitsTicket(id, request);
    const hold = await this.deps.orders.holdForLimits(venue, ticket);
    if (hold?.status === 'needs-confirmation') return hold;
    this.deps.gate.assertMaySend(venue);
    await this.deps.gate.ensureRecentCheck(venue);
    this.deps.gate.assertMaySend(venue);
    if (this.deps.repo.get(id)) return { status: 'placed', exit: this.get(id) };
    this.deps.db.transaction(() => {
      this.deps.repo.insert({ ...newExit(id, venue, request, 'native', this.deps.clock.now()), state: 'placing' });
    })();
    this.changed(id);
    const sent = await this.sendNative(venue, id, ticket, () => venue.exits!.place(nativeRequest(id, request), this.deps.gate.guardFor(venue)), true);
    if (sent === 'not-supported') {
      this.deps.db.transaction(() => this.deps.repo.delete(id))();
      // The limits were checked above (with any confirmation the request carries); the managed path checks them again.
      return request.kind === 'bracket' ? this.placeBracket(venue, request, id) : this.placeManaged(venue, request, id);
    }
    return sent;
  }

  /**
   * One call to the broker for a native exit in 'placing' (the placement, or the trader's answer to its question), and
   * what became of it: armed with the broker's group id, waiting for the trader's answer, declined, or failed.
   */
  private async sendNative(
    venue: Venue,
    id: string,
    ticket: OrderTicket,
    attempt: () => Promise<ProtectiveExitAck | null>,
    mayFallBack = false,
  ): Promise<ExitPlaceResult | 'not-supported'> {
    this.awaiting.delete(id);
    try {
      const ack = await this.deps.gate.track(venue, ticket, attempt);
      if (ack === null) {
        this.update(id, ['placing'], { state: 'cancelled', message: "You declined the broker's question, so the exit was not placed." }, true);
        return { status: 'placed', exit: this.get(id) };
      }
      this.deps.db.transaction(() => {
        this.deps.repo.transition(id, ['placing'], { state: 'armed', groupId: ack.groupId, message: null }, this.deps.clock.now());
        this.deps.audit.append('exit.arm', venue.connectionId, { ...auditDetail(this.deps.repo.get(id)!), groupId: ack.groupId });
      })();
      this.changed(id);
    } catch (error) {
      if (error instanceof BrokerPrompt) {
        // The broker asks before it takes the exit: the trader answers with exits:answerPrompt, as for an order.
        this.awaiting.set(id, error.replyId);
        this.update(id, ['placing'], { message: `Waiting for your answer: ${error.prompts.join(' ')}` });
        return { status: 'needs-broker-answer', exit: this.get(id), replyId: error.replyId, prompts: error.prompts };
      }
      const exit = this.deps.repo.get(id);
      if (mayFallBack && error instanceof BrokerError && error.code === 'NOT_SUPPORTED' && exit?.state === 'placing') return 'not-supported';
      // No clear answer (timeout, network): the broker may hold it; the trader must look, BrokerVault cannot find it by id.
      const unclear = error instanceof BrokerError && (error.code === 'TIMEOUT' || error.code === 'NETWORK');
      const message = unclear
        ? 'No clear answer from the broker: the exit may be placed there. Check your orders at the broker before setting it again.'
        : toSafeError(error, { fallback: 'The broker did not take the exit.' }).message;
      this.update(id, ['placing'], { state: 'failed', message }, true);
      throw error;
    }
    return { status: 'placed', exit: this.get(id) };
  }

  /** The trader's answer to a broker's question about a native exit (never given by BrokerVault itself). */
  async answerPrompt(exitId: string, replyId: string, confirm: boolean): Promise<ExitPlaceResult> {
    const exit = this.deps.repo.get(exitId);
    if (!exit) throw new AppError('NOT_FOUND', 'There is no such protective exit.');
    if (exit.state !== 'placing' || this.awaiting.get(exitId) !== replyId) {
      throw new AppError('CONFLICT', 'That question is no longer open (it was answered, expired, or BrokerVault restarted). Check the exits list.');
    }
    if (this.deps.clock.now() - exit.updatedAt > EXIT_PROMPT_TTL_MS) {
      this.awaiting.delete(exitId);
      this.update(exitId, ['placing'], { state: 'failed', message: "The broker's question was not answered within 10 minutes; nothing was placed." }, true);
      throw new AppError('CONFLICT', 'That question expired; nothing was placed. Set the exit again if you still want it.');
    }
    const venue = this.venueOf(exit);
    this.deps.audit.append('exit.update', exit.connectionId, { exitId, answer: confirm ? 'confirmed' : 'declined' });
    // An answer sends the exit: it must still be allowed (a kill switch or Back to paper since the question voids it).
    if (confirm) this.deps.gate.assertMaySend(venue);
    const result = await this.sendNative(venue, exitId, trackedTicket(exit), async () => {
      const ack = await venue.answerPrompt(replyId, confirm, confirm ? this.deps.gate.guardFor(venue) : undefined);
      return ack && { groupId: ack.brokerOrderId, legs: [] };
    });
    return result as ExitPlaceResult;
  }

  /** Cancel one working exit: a managed one is disarmed (a bracket's working entry is cancelled too); a native one at the broker. */
  async cancel(exitId: string): Promise<ExitView> {
    const exit = this.deps.repo.get(exitId);
    if (!exit) throw new AppError('NOT_FOUND', 'There is no such protective exit.');
    if (!WORKING_EXIT_STATES.includes(exit.state)) throw new AppError('CONFLICT', `This exit is already ${exit.state}; there is nothing to cancel.`);
    // Waiting for the trader's answer to the broker's question, nothing is placed at the broker: the question is void.
    if (exit.handling === 'native' && !this.awaiting.delete(exitId)) {
      if (!exit.groupId) throw new AppError('CONFLICT', 'The broker has not confirmed this exit yet. Refresh in a moment, then cancel.');
      await this.venueOf(exit).exits!.cancel(exit.groupId);
    }
    // Disarmed first: a price or an entry fill arriving while the entry is being cancelled can no longer arm or fire it.
    if (!this.update(exitId, WORKING_EXIT_STATES, { state: 'cancelled', message: 'Cancelled by you.' }, true, 'exit.cancel')) {
      throw new AppError('CONFLICT', `The exit was ${this.deps.repo.get(exitId)!.state} before it could be cancelled.`);
    }
    const entry = exit.handling === 'managed' && exit.state === 'pending-entry' ? this.deps.journal.byClientOrderId(`bv-${entryTicketId(exitId)}`) : null;
    if (entry && ['PENDING', 'OPEN', 'PARTIALLY_FILLED', 'UNKNOWN'].includes(entry.state)) {
      try {
        await this.deps.orders.cancel(entry.id);
      } catch (error) {
        const why = toSafeError(error, { fallback: 'it could not be cancelled' }).message;
        this.update(exitId, ['cancelled'], { message: `Cancelled by you; its entry order is still working (${why}). Cancel it in the orders list.` });
      }
    }
    return this.get(exitId);
  }

  /**
   * The kill switch's step: every working exit is cancelled. Managed ones are disarmed at once (no trigger can pass
   * its compare-and-set after this); native ones are cancelled at their broker. A bracket's working entry and any exit
   * order already sent are in the order books, which the kill switch sweeps.
   */
  async cancelAll(): Promise<KillSwitchResult[]> {
    const results: KillSwitchResult[] = [];
    const working = this.deps.repo.inStates(WORKING_EXIT_STATES);
    for (const exit of working.filter((e) => e.handling === 'managed')) {
      if (this.update(exit.id, WORKING_EXIT_STATES, { state: 'cancelled', message: 'Cancelled by the kill switch.' }, true, 'exit.cancel')) {
        results.push({ mode: exit.mode, connectionId: exit.connectionId, target: describeExit(exit), action: 'cancel', outcome: 'done', message: null });
      }
    }
    for (const exit of working.filter((e) => e.handling === 'native')) {
      const base = { mode: exit.mode, connectionId: exit.connectionId, target: `${describeExit(exit)} (held by the broker)`, action: 'cancel' as const };
      try {
        if (exit.groupId) await this.venueOf(exit).exits!.cancel(exit.groupId);
        // Waiting for the trader's answer to the broker's question: nothing is placed there, and the question is void.
        const asked = this.awaiting.delete(exit.id);
        this.update(exit.id, WORKING_EXIT_STATES, { state: 'cancelled', message: 'Cancelled by the kill switch.' }, true, 'exit.cancel');
        const known = exit.groupId !== null || asked;
        results.push({ ...base, outcome: known ? 'done' : 'failed', message: known ? null : 'The broker never confirmed it; check it there.' });
      } catch (error) {
        results.push({ ...base, outcome: 'failed', message: toSafeError(error, { fallback: 'Failed; check it at the broker.' }).message });
      }
    }
    return results;
  }

  /** Start-up: settle exits a stop interrupted, and arm the managed ones again from the feed. */
  async start(): Promise<void> {
    for (const exit of this.deps.repo.inStates(['placing'])) {
      this.update(exit.id, ['placing'], { state: 'failed', message: 'BrokerVault stopped before the broker answered; check your orders at the broker.' }, true);
    }
    for (const exit of this.deps.repo.inStates(['pending-entry'])) {
      const entry = this.deps.journal.byClientOrderId(`bv-${entryTicketId(exit.id)}`);
      if (!entry) {
        this.update(
          exit.id,
          ['pending-entry'],
          { state: 'cancelled', message: 'BrokerVault stopped before the entry order was sent; nothing was placed.' },
          true,
        );
      } else {
        this.orderChanged(await this.deps.orders.reconcile(entry));
      }
    }
    for (const exit of this.deps.repo.inStates(['triggered'])) {
      // The exit order's ticket is fixed: journaled means it was (or may have been) sent, and is followed, never resent.
      const order = this.deps.journal.byClientOrderId(`bv-${exitTicketId(exit.id)}`);
      if (order) {
        this.orderChanged(await this.deps.orders.reconcile(order));
      } else if (exit.handling === 'managed') {
        // The trigger was decided but BrokerVault stopped before the order was journaled: nothing left. Watch again.
        this.update(exit.id, ['triggered'], { state: 'armed', message: 'Re-armed after a restart: its exit order had not been sent.' }, true);
      }
    }
    this.started = true;
    this.resync();
  }

  /** Bring native exits up to date from their brokers (the trading timer). */
  async refresh(): Promise<void> {
    for (const exit of this.deps.repo.inStates(['armed']).filter((e) => e.handling === 'native' && e.groupId)) {
      try {
        const status = await this.venueOf(exit).exits!.status(exit.groupId!);
        if (status && status.active) continue;
        const filled = status?.legs.some((l) => l.role !== 'entry' && l.state === 'FILLED') ?? false;
        this.update(
          exit.id,
          ['armed'],
          { state: filled ? 'done' : 'cancelled', message: filled ? 'Filled at the broker.' : 'No longer working at the broker.' },
          true,
        );
      } catch (error) {
        this.deps.log.warn('native exit status failed', { exitId: exit.id, error });
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.pollTimer !== null) this.deps.scheduler.clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.feed.dispose();
    this.didChange.dispose();
  }

  /** Connections changed: subscriptions the manager refused are tried again. */
  connectionsChanged(): void {
    if (this.started) this.resync(true);
  }

  /** A journaled order changed: a bracket's entry arms its legs when it fills; an exit order settles its exit. */
  orderChanged(order: OrderView): void {
    const match = EXIT_CLIENT_ID.exec(order.clientOrderId);
    if (!match) return;
    const exit = this.deps.repo.get(match[2]!);
    if (!exit) return;
    if (match[1] === 'e') this.entryChanged(exit, order);
    else this.exitOrderChanged(exit, order);
  }

  private entryChanged(exit: StoredExit, order: OrderView): void {
    if (exit.state !== 'pending-entry') return;
    if (exit.entryOrderId !== order.id) this.deps.repo.transition(exit.id, ['pending-entry'], { entryOrderId: order.id }, this.deps.clock.now());
    const filled = order.filledQuantity;
    const over = ['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'].includes(order.state);
    if (order.state === 'FILLED' || (over && filled > 0)) {
      const quantity = round(filled > 0 ? filled : exit.quantity);
      const partly = quantity < exit.quantity ? ` Armed for the ${quantity} filled.` : '';
      this.deps.db.transaction(() => {
        if (!this.deps.repo.transition(exit.id, ['pending-entry'], { state: 'armed', quantity, message: partly ? partly.trim() : null }, this.deps.clock.now()))
          return;
        this.deps.audit.append('exit.arm', exit.connectionId, { ...auditDetail(this.deps.repo.get(exit.id)!), entryOrderId: order.id });
      })();
      this.changed(exit.id);
    } else if (over) {
      const why = order.message ? `: ${order.message}` : '.';
      this.update(
        exit.id,
        ['pending-entry'],
        { state: order.state === 'REJECTED' ? 'failed' : 'cancelled', message: `The entry order was ${order.state.toLowerCase()}${why}` },
        true,
        'exit.cancel',
      );
    } else {
      this.changed(exit.id);
    }
  }

  private exitOrderChanged(exit: StoredExit, order: OrderView): void {
    if (exit.state !== 'triggered') return;
    if (exit.exitOrderId !== order.id) this.deps.repo.transition(exit.id, ['triggered'], { exitOrderId: order.id }, this.deps.clock.now());
    if (order.state === 'FILLED') {
      this.update(exit.id, ['triggered'], { state: 'done', message: `Exited at ${order.averagePrice ?? 'the market'} (${exit.triggeredBy ?? 'exit'}).` }, true);
    } else if (['CANCELLED', 'REJECTED', 'EXPIRED'].includes(order.state)) {
      const why = order.message ? `: ${order.message}` : '.';
      this.update(
        exit.id,
        ['triggered'],
        { state: 'failed', message: `The exit order was ${order.state.toLowerCase()}${why} The position is not protected.` },
        true,
      );
      this.deps.notifier.notify({
        title: 'Protective exit failed',
        body: `${describeExit(exit)}: the exit order was ${order.state.toLowerCase()}. Check the position.`,
      });
    } else {
      this.changed(exit.id);
    }
  }

  // ---- the feed and the trigger ----

  private onTick(connectionId: string, symbol: string, price: number): void {
    for (const exit of this.armed.values()) {
      if (exit.symbol === symbol && this.routeOf(exit) === connectionId) this.consider(exit, price);
    }
  }

  /** One price for one armed exit: ratchet a trailing stop, and queue the trigger when the price fires a leg. */
  consider(exit: StoredExit, price: number): void {
    if (this.disposed || !this.armed.has(exit.id)) return;
    const decision = decide(exit, price);
    if (decision.best !== null) {
      exit.trailBest = decision.best;
      if (this.deps.repo.transition(exit.id, ['armed'], { trailBest: decision.best }, this.deps.clock.now())) this.changed(exit.id, false);
    }
    if (decision.fire === null || this.firing.has(exit.id)) return;
    const role = decision.fire;
    this.firing.add(exit.id);
    void this.queueOf(exit.id)
      .run(() => this.fire(exit.id, role, price))
      .catch((error: unknown) => this.deps.log.error('protective exit trigger failed', { exitId: exit.id, error }))
      .finally(() => this.firing.delete(exit.id));
  }

  /** The trigger, one at a time per exit: still armed, position still held, then the compare-and-set, then the order path. */
  private async fire(id: string, role: ExitLegRole, price: number): Promise<void> {
    let exit = this.deps.repo.get(id);
    if (!exit || exit.state !== 'armed') return;
    const venue = this.venueOf(exit);
    try {
      this.deps.gate.assertMaySend(venue);
    } catch (error) {
      this.refused(exit, error, ['armed']);
      return;
    }
    let held: number;
    try {
      held = await this.heldQuantity(venue, exit.symbol, exit.exitSide);
    } catch (error) {
      // The position could not be read: stay armed; the next crossing price tries again.
      this.deps.log.warn('exit trigger could not read positions', { exitId: id, error });
      return;
    }
    exit = this.deps.repo.get(id);
    if (!exit || exit.state !== 'armed') return;
    if (held <= 0) {
      this.update(id, ['armed'], { state: 'cancelled', message: 'The position is no longer held, so no exit order was sent.' }, true, 'exit.cancel');
      return;
    }
    const quantity = round(Math.min(held, exit.quantity));
    const level = role === 'target' ? exit.targetPrice : currentStop(exit);
    const decided = this.deps.db.transaction(() => {
      const ok = this.deps.repo.transition(
        id,
        ['armed'],
        { state: 'triggered', triggeredBy: role, quantity, message: `The ${role} (${level}) was reached at ${price}; sending the exit order.` },
        this.deps.clock.now(),
      );
      if (ok) this.deps.audit.append('exit.trigger', exit.connectionId, { ...auditDetail(exit), role, price, level, quantity });
      return ok;
    })();
    if (!decided) return;
    this.changed(id);
    await this.sendExit(this.deps.repo.get(id)!, role, venue);
  }

  private async sendExit(exit: StoredExit, role: ExitLegRole, venue: Venue): Promise<void> {
    const ticket = exitTicket(exit.id, exit, role);
    try {
      const result = await this.deps.orders.placeOn(venue, ticket, 'exit', { limitsChecked: true });
      if (result.status === 'needs-confirmation') throw new AppError('INTERNAL', 'An exit order asked for a limit confirmation.');
      this.orderChanged(result.order);
      if (result.status === 'needs-broker-answer') {
        this.update(exit.id, ['triggered'], { message: 'The broker asks a question about the exit order: answer it in the orders list.' });
      }
    } catch (error) {
      const journaled = this.deps.journal.byClientOrderId(`bv-${ticket.ticketId}`);
      if (journaled) this.orderChanged(journaled);
      else this.refused(exit, error, ['triggered']);
    }
  }

  /** The order path refused the exit order before it was journaled: nothing was sent. */
  private refused(exit: StoredExit, error: unknown, from: StoredExit['state'][]): void {
    const safe = toSafeError(error, { fallback: 'The exit order could not be sent.' });
    const stopped = safe.code === 'LIVE_NOT_ALLOWED';
    this.update(exit.id, from, { state: stopped ? 'cancelled' : 'failed', message: `No exit order was sent: ${safe.message}` }, true);
    this.deps.notifier.notify({ title: 'Protective exit not sent', body: `${describeExit(exit)}: ${safe.message}` });
  }

  private resync(retryRefused = false): void {
    if (this.disposed) return;
    this.armed.clear();
    for (const exit of this.deps.repo.inStates(['armed'])) if (exit.handling === 'managed') this.armed.set(exit.id, exit);
    const wanted: [string, string][] = [];
    for (const exit of this.armed.values()) {
      const route = this.routeOf(exit);
      if (route !== null) wanted.push([route, exit.symbol]);
    }
    this.feed.sync(wanted, retryRefused);
    if (this.armed.size > 0 && this.pollTimer === null && this.started) this.schedulePoll();
  }

  private schedulePoll(): void {
    this.pollTimer = this.deps.scheduler.setTimeout(() => {
      this.pollTimer = null;
      if (this.disposed) return;
      void this.poll().finally(() => {
        if (!this.disposed && this.armed.size > 0 && this.pollTimer === null) this.schedulePoll();
      });
    }, this.deps.pollMs ?? EXIT_POLL_MS);
  }

  /** Price each armed exit whose symbol does not stream live now by a quote from its venue. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const due = [...this.armed.values()].filter((e) => {
        const route = this.routeOf(e);
        return route === null || !this.feed.live(route, e.symbol);
      });
      for (const exit of due) {
        const price = await this.quote(this.venueOf(exit), exit.symbol);
        const current = this.armed.get(exit.id);
        if (price !== null && current) this.consider(current, price);
      }
    } finally {
      this.polling = false;
    }
  }

  // ---- helpers ----

  private routeOf(exit: StoredExit): string | null {
    return exit.mode === 'live' ? exit.connectionId : this.deps.paperFeed(exit.symbol);
  }

  private venueOf(exit: Pick<StoredExit, 'mode' | 'connectionId'>): Venue {
    return this.deps.orders.venueFor(exit);
  }

  private queueOf(id: string): SerialQueue {
    let queue = this.queues.get(id);
    if (!queue) this.queues.set(id, (queue = new SerialQueue()));
    return queue;
  }

  private async quote(venue: Venue, symbol: string): Promise<number | null> {
    try {
      return (await venue.quotes([symbol]))[0]?.last ?? null;
    } catch (error) {
      this.deps.log.debug('exit quote failed', { symbol, error });
      return null;
    }
  }

  /** How much of `symbol` is held on the side an exit of `exitSide` closes (long for SELL, short for BUY). */
  private async heldQuantity(venue: Venue, symbol: string, exitSide: OrderSide): Promise<number> {
    const quantity = (await venue.positions()).find((p) => p.symbol === symbol)?.quantity ?? 0;
    return exitSide === 'SELL' ? Math.max(quantity, 0) : Math.max(-quantity, 0);
  }

  /** A compare-and-set state change, audited (and announced) when it happened. */
  private update(
    id: string,
    from: readonly StoredExit['state'][],
    update: ExitUpdate,
    audit = false,
    action: 'exit.update' | 'exit.cancel' = 'exit.update',
  ): boolean {
    const ok = this.deps.db.transaction(() => {
      const done = this.deps.repo.transition(id, from, update, this.deps.clock.now());
      if (done && audit) {
        const exit = this.deps.repo.get(id)!;
        this.deps.audit.append(update.state === 'cancelled' ? 'exit.cancel' : action, exit.connectionId, {
          exitId: id,
          state: exit.state,
          message: exit.message,
        });
      }
      return done;
    })();
    if (ok) this.changed(id);
    return ok;
  }

  /** A bracket whose entry was never sent leaves nothing behind. */
  private forget(id: string): void {
    this.deps.db.transaction(() => {
      this.deps.repo.delete(id);
      this.deps.audit.append('exit.cancel', null, { exitId: id, state: 'not placed' });
    })();
  }

  private changed(id: string, resync = true): void {
    if (resync && this.started) this.resync();
    const exit = this.deps.repo.get(id);
    if (exit && !this.disposed) this.didChange.fire(toExitView(exit));
  }
}
