import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { isOpenOrderState } from '../../shared/orders';
import type { Mode, ModifyOrderRequest, ModifyResult, OrderTicket, OrderView, PlaceResultSchema } from '../../shared/schemas';
import { BrokerError, BrokerPrompt, type BrokerOrder, type OrderAck, type OrderRequest } from '../brokers/types';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../log/types';
import { toSafeError } from '../safe-error';
import type { AuditLog } from '../store/audit-log';
import type { Db } from '../store/db';
import type { JournalUpdate, OrdersRepo } from '../store/orders-repo';
import { ModifyRequestsRepo } from '../store/modify-requests-repo';
import { LimitsStore, limitProblems } from './limits';
import type { ModeService } from './mode';
import type { OrderGate } from './order-gate';
import type { Venue } from './venue';
import { applyChange, asTicket, changeFor, describeChange, modifiedOrder, sameTerms, type OrderTerms } from './order-change';
import { SerialQueue } from '../vault/serial-queue';
import { Emitter } from '../events';
import type { OrderUpdate } from '../streaming/types';

type PlaceResult = z.infer<typeof PlaceResultSchema>;
export type OrderSource = OrderView['source'];

/** How long an order may stay UNKNOWN (not found at the broker) before we call it not placed. */
const UNKNOWN_GRACE_MS = 2 * 60_000;
const CONFIRMATION_TTL_MS = 60_000;
/** How long a broker's question about an order may wait for the trader's answer. */
const PROMPT_TTL_MS = 10 * 60_000;
/** How many finished modify requests are remembered for retries (idempotency within a run). */
const MODIFY_MEMORY = 500;

export interface OrderServiceDeps {
  db: Db;
  repo: OrdersRepo;
  audit: AuditLog;
  clock: Clock;
  log: Logger;
  mode: ModeService;
  limits: LimitsStore;
  /** Mode, lock and check age at the last moment; the placements in flight. */
  gate: OrderGate;
  paper: Venue;
  live: (connectionId: string) => Venue;
  /** Last price for limit checks (order value); null when unknown. */
  price: (venue: Venue, symbol: string) => Promise<number | null>;
  /**
   * The slice quantities of an order above the exchange's freeze quantity, or null to send it whole
   * (see freeze-limits.ts); throws an AppError for an order that cannot be split legally.
   */
  freezeSlices?: (venue: Venue, ticket: OrderTicket) => number[] | null;
}

/** How one journaled order is placed: as a slice of a split order (its limits were checked for the whole). */
interface PlaceOptions {
  parentId?: string;
  limitsChecked?: boolean;
}

/** Errors after which the order may or may not have reached the broker. */
function isAmbiguous(error: unknown): boolean {
  return error instanceof BrokerError ? error.code === 'TIMEOUT' || error.code === 'NETWORK' : !(error instanceof AppError);
}

/** A slice that reached the broker (or the paper book): the split may go on. */
function reachedBroker(order: OrderView): boolean {
  return (
    order.state === 'OPEN' || order.state === 'PARTIALLY_FILLED' || order.state === 'FILLED' || (order.state === 'PENDING' && order.brokerOrderId !== null)
  );
}

function fromBrokerOrder(o: BrokerOrder): JournalUpdate {
  return { state: o.state, brokerOrderId: o.brokerOrderId, filledQuantity: o.filledQuantity, averagePrice: o.averagePrice, message: o.message };
}

/**
 * The one order path. Every order, paper or live, from the UI, a schedule or the kill switch:
 * mode and kill switch, pre-trade limits (with a fresh confirmation above a limit), a client order id
 * fixed per ticket, the journal entry before sending, and after an ambiguous answer a lookup by that id
 * instead of a resend. What the broker really did is recorded and audited.
 */
export class OrderService {
  private readonly confirmations = new Map<string, { ticketId: string; expiresAt: number }>();
  /** Journal ids whose placement is in flight in this process; a PENDING order not in here was orphaned by a stop. */
  private readonly sending = new Set<string>();
  private readonly didChange = new Emitter<OrderView>();
  /** Fires with an order after every committed change to it in the journal. */
  readonly onDidChange = this.didChange.event;
  /** Orders waiting for the trader to answer the broker's question: journal id → reply id. */
  private readonly awaiting = new Map<string, string>();
  /** One modify at a time per journaled order: journal id → its queue. */
  private readonly modifyQueues = new Map<string, SerialQueue>();
  /** Modify requests running or done in this run: request id → what it asked and its outcome. */
  private readonly modifies = new Map<string, { key: string; result: Promise<ModifyResult> }>();
  /** Modify requests that reached the sending step, persisted: idempotency across a restart. */
  private readonly modifyLog: ModifyRequestsRepo;

  constructor(private readonly deps: OrderServiceDeps) {
    this.modifyLog = new ModifyRequestsRepo(deps.db);
  }

  venueFor(order: Pick<OrderView, 'mode' | 'connectionId'>): Venue {
    return order.mode === 'live' && order.connectionId ? this.deps.live(order.connectionId) : this.deps.paper;
  }

  /** The venue new orders go to now. */
  currentVenue(): Venue {
    const live = this.deps.mode.liveConnectionId();
    return live ? this.deps.live(live) : this.deps.paper;
  }

  async place(ticket: OrderTicket, source: OrderSource = 'ui'): Promise<PlaceResult> {
    return this.placeOn(this.currentVenue(), ticket, source);
  }

  /**
   * `limitsChecked`: the limits were checked (and any confirmation given) when the order was set up, as for a
   * protective exit's order, which is sent when the feed fires it: a stop that waited for a click would protect nothing.
   */
  async placeOn(venue: Venue, ticket: OrderTicket, source: OrderSource, options: { limitsChecked?: boolean } = {}): Promise<PlaceResult> {
    const slices = this.deps.freezeSlices?.(venue, ticket) ?? null;
    if (slices) return this.placeSplit(venue, ticket, source, slices, options.limitsChecked === true);
    return this.placeOne(venue, ticket, source, { limitsChecked: options.limitsChecked });
  }

  /**
   * The limits `ticket` breaks on `venue`, as a confirmation to ask for; null when it may go (or the confirmation
   * given with it is still good). For orders set up now and sent later (protective exits).
   */
  holdForLimits(venue: Venue, ticket: OrderTicket): Promise<PlaceResult | null> {
    return this.limitHold(venue, ticket, 0);
  }

  private placeOne(venue: Venue, ticket: OrderTicket, source: OrderSource, options: PlaceOptions): Promise<PlaceResult> {
    // The kill switch's own closing orders are the only ones that may leave while it runs.
    if (source === 'killswitch') return this.placeChecked(venue, ticket, source, options);
    return this.deps.gate.track(venue, ticket, () => this.placeChecked(venue, ticket, source, options));
  }

  /**
   * An order above the exchange's freeze quantity, as slices sent one after another through the one order path.
   * Each slice's ticket id is its number plus the parent's, so a retried parent finds its slices journaled and
   * sends none twice. The limits are checked once for the whole order (each slice counting as one order a
   * minute). A slice that does not reach the broker, or a kill switch engaged meanwhile, stops the rest.
   */
  private async placeSplit(venue: Venue, ticket: OrderTicket, source: OrderSource, quantities: number[], limitsChecked = false): Promise<PlaceResult> {
    const parentId = ticket.ticketId;
    // The slice number leads, so brokers that keep only a tag's first characters (Kite: 20) still tell slices apart.
    const sliceTicket = (i: number): OrderTicket => ({
      ...ticket,
      ticketId: `s${i + 1}-${ticket.ticketId}`,
      quantity: quantities[i]!,
      confirmationId: undefined,
    });
    const unsent = quantities.filter((_, i) => !this.deps.repo.byClientOrderId(`bv-${sliceTicket(i).ticketId}`)).length;
    if (source !== 'killswitch' && unsent > 0) {
      this.deps.gate.assertMaySend(venue);
      const held = limitsChecked ? null : await this.limitHold(venue, ticket, unsent - 1);
      if (held) return held;
    }
    const haltsBefore = this.deps.gate.haltCount();
    const orders: OrderView[] = [];
    let stopped: string | null = null;
    for (let i = 0; i < quantities.length && stopped === null; i++) {
      const left = quantities.length - i;
      if (source !== 'killswitch' && this.deps.gate.haltCount() !== haltsBefore) {
        stopped = `The kill switch was engaged: the remaining ${left} of ${quantities.length} slices were not sent.`;
        break;
      }
      let result: PlaceResult;
      try {
        result = await this.placeOne(venue, sliceTicket(i), source, { parentId, limitsChecked: true });
      } catch (error) {
        if (orders.length === 0) throw error;
        stopped = `Slice ${i + 1} of ${quantities.length} was not sent (${toSafeError(error, { fallback: 'it could not be sent' }).message}); the remaining ${left - 1} were not sent either.`;
        break;
      }
      if (result.status === 'needs-confirmation') throw new AppError('INTERNAL', 'A slice asked again for a limit confirmation.');
      orders.push(result.order);
      if (result.status === 'needs-broker-answer') {
        stopped = `Slice ${i + 1} of ${quantities.length} waits for your answer to the broker's question; the remaining ${left - 1} were not sent. Place the ticket again after answering to send them.`;
      } else if (!reachedBroker(result.order)) {
        const why = result.order.message ? `: ${result.order.message.replace(/[.!?]?\s*$/, '.')}` : '.';
        stopped = `Slice ${i + 1} of ${quantities.length} is ${result.order.state.toLowerCase()}${why} The remaining ${left - 1} were not sent.`;
      }
    }
    if (stopped) this.deps.log.warn('split order stopped', { parentId, sent: orders.length, slices: quantities.length });
    return { status: 'placed', order: orders[0]!, split: { parentId, slices: quantities.length, orders, stopped } };
  }

  /** The limits an order breaks, as a confirmation to ask for; null when it may go (or its confirmation was given). */
  private async limitHold(venue: Venue, ticket: OrderTicket, moreOrders: number): Promise<PlaceResult | null> {
    const limits = this.deps.limits.get();
    // Price the order only when a value limit needs it: a quote is one more (rate-limited) broker call.
    const price = limits.maxOrderValue === null ? null : (ticket.limitPrice ?? ticket.stopPrice ?? (await this.deps.price(venue, ticket.symbol)));
    this.deps.gate.assertMaySend(venue);
    const recent = this.deps.repo.countSince(venue.mode, this.deps.clock.now() - 60_000) + moreOrders;
    const problems = limitProblems(ticket, limits, price, recent);
    if (problems.length === 0 || this.useConfirmation(ticket)) return null;
    const confirmationId = randomBytes(16).toString('hex');
    this.confirmations.set(confirmationId, { ticketId: ticket.ticketId, expiresAt: this.deps.clock.now() + CONFIRMATION_TTL_MS });
    return { status: 'needs-confirmation', confirmationId, reasons: problems };
  }

  private async placeChecked(venue: Venue, ticket: OrderTicket, source: OrderSource, options: PlaceOptions): Promise<PlaceResult> {
    const checked = source !== 'killswitch';
    // SECURITY: asked again after every await below; the mode or the lock may change while one waits.
    const mayStillSend = () => {
      if (checked) this.deps.gate.assertMaySend(venue);
    };
    const clientOrderId = `bv-${ticket.ticketId}`;
    // A retry of a journaled ticket sends nothing: it only finds out what became of the order.
    const existing = this.deps.repo.byClientOrderId(clientOrderId);
    if (existing) return { status: 'placed', order: existing.state === 'UNKNOWN' || this.orphaned(existing) ? await this.reconcile(existing) : existing };
    mayStillSend();

    // The kill switch's and the square-off's closing orders only reduce risk: no limit holds them.
    if (source !== 'killswitch' && source !== 'squareoff' && !options.limitsChecked) {
      const held = await this.limitHold(venue, ticket, 0);
      if (held) return held;
    }

    const request: OrderRequest = {
      symbol: ticket.symbol,
      side: ticket.side,
      quantity: ticket.quantity,
      type: ticket.type,
      limitPrice: ticket.limitPrice,
      stopPrice: ticket.stopPrice,
      product: ticket.product,
      timeInForce: ticket.timeInForce,
      clientOrderId,
    };
    // The broker's own pre-check (where it has one) runs before anything is journaled or sent.
    if (checked) {
      await venue.precheck(request);
      mayStillSend();
      await this.deps.gate.ensureRecentCheck(venue);
      mayStillSend();
    }

    const id = randomBytes(12).toString('hex');
    const now = this.deps.clock.now();
    try {
      this.deps.db.transaction(() => {
        this.deps.repo.insert({
          id,
          clientOrderId,
          mode: venue.mode,
          connectionId: venue.connectionId,
          broker: venue.broker,
          symbol: ticket.symbol,
          side: ticket.side,
          quantity: ticket.quantity,
          type: ticket.type,
          limitPrice: ticket.limitPrice ?? null,
          stopPrice: ticket.stopPrice ?? null,
          product: ticket.product ?? null,
          source,
          createdAt: now,
          parentId: options.parentId ?? null,
        });
        this.deps.audit.append('order.submit', venue.connectionId, {
          orderId: id,
          mode: venue.mode,
          symbol: ticket.symbol,
          side: ticket.side,
          quantity: ticket.quantity,
          type: ticket.type,
          source,
          ...(options.parentId ? { parentId: options.parentId } : {}),
        });
      })();
    } catch (error) {
      // Two submissions of one ticket racing: the journal's unique client order id lets one through.
      const raced = this.deps.repo.byClientOrderId(clientOrderId);
      if (raced) return { status: 'placed', order: raced };
      throw error;
    }
    this.emit(id);

    const guard = checked ? this.deps.gate.guardFor(venue) : undefined;
    return this.send(id, venue, () => venue.place(request, guard));
  }

  /** Send (or answer for) one journaled order and record what the broker did. */
  private async send(id: string, venue: Venue, attempt: () => Promise<OrderAck | null>): Promise<PlaceResult> {
    const clientOrderId = this.deps.repo.get(id)!.clientOrderId;
    this.sending.add(id);
    this.awaiting.delete(id);
    try {
      const ack = await attempt();
      if (ack === null) {
        this.record(id, { state: 'CANCELLED', message: "You declined the broker's question, so the order was not placed." });
      } else {
        // An acknowledgement is not a fill: ask what really happened, and record both in one commit.
        // (Were the app to stop in between, start-up reconciliation finds the order by its client order id.)
        const actual = await venue.get({ brokerOrderId: ack.brokerOrderId, clientOrderId }).catch(() => null);
        this.record(
          id,
          actual ? { ...fromBrokerOrder(actual), brokerOrderId: ack.brokerOrderId } : { state: ack.state, brokerOrderId: ack.brokerOrderId, message: null },
        );
      }
    } catch (error) {
      if (error instanceof BrokerPrompt) {
        this.awaiting.set(id, error.replyId);
        this.record(id, { state: 'PENDING', message: `Waiting for your answer: ${error.prompts.join(' ')}` });
        return { status: 'needs-broker-answer', order: this.deps.repo.get(id)!, replyId: error.replyId, prompts: error.prompts };
      }
      if (isAmbiguous(error)) {
        this.deps.log.warn('order outcome unknown, looking it up', { orderId: id, code: (error as BrokerError).code });
        this.record(id, { state: 'UNKNOWN', message: 'No clear answer from the broker; checking whether the order was placed.' });
        await this.reconcile(this.deps.repo.get(id)!);
      } else {
        this.record(id, { state: 'REJECTED', message: toSafeError(error, { fallback: 'The order could not be sent.' }).message });
      }
    } finally {
      this.sending.delete(id);
    }
    return { status: 'placed', order: this.deps.repo.get(id)! };
  }

  private journaled(orderId: string): OrderView {
    const order = this.deps.repo.get(orderId);
    if (!order) throw new AppError('NOT_FOUND', 'That order is not in the journal.');
    return order;
  }

  /** The trader's answer to a broker's question about an order (never given by BrokerVault itself). */
  async answerPrompt(orderId: string, replyId: string, confirm: boolean): Promise<PlaceResult> {
    const order = this.journaled(orderId);
    if (this.awaiting.get(orderId) !== replyId) {
      throw new AppError('CONFLICT', 'That question is no longer open (it was answered, expired, or BrokerVault restarted). Check the order list.');
    }
    if (this.deps.clock.now() - order.updatedAt > PROMPT_TTL_MS) {
      this.awaiting.delete(orderId);
      this.record(orderId, { state: 'REJECTED', message: "The broker's question was not answered within 10 minutes; nothing was placed." });
      throw new AppError('CONFLICT', 'That question expired; nothing was placed. Place the order again if you still want it.');
    }
    const venue = this.venueFor(order);
    this.deps.audit.append('order.update', order.connectionId, { orderId, answer: confirm ? 'confirmed' : 'declined' });
    // An answer sends the order: it must still be allowed (a kill switch or Back to paper since the question voids it).
    return this.send(orderId, venue, () => venue.answerPrompt(replyId, confirm, confirm ? this.deps.gate.guardFor(venue) : undefined));
  }

  /**
   * Change a working order's quantity, type or prices: the order path's checks on the new terms (mode, kill switch,
   * limits; a live order always needs the trader's confirmation), then, one change at a time per order, a last look at
   * the broker (a fill or cancel meanwhile wins), the broker's own modify, and the new terms journaled and audited.
   * A retry with the same request id gets the same outcome and sends nothing again, in this run (in memory) and after
   * a restart (the order_modifies table): a change journaled before the restart is answered from the journal, and one
   * the app stopped while sending is looked up at the broker first and sent again only when the broker does not show it.
   */
  async modify(request: ModifyOrderRequest): Promise<ModifyResult> {
    const key = JSON.stringify([request.orderId, request.change]);
    const prior = this.modifies.get(request.requestId);
    if (prior) {
      if (prior.key !== key) throw new AppError('CONFLICT', 'That modify request id was already used for another change.');
      return prior.result;
    }
    const stored = this.modifyLog.get(request.requestId);
    if (stored && stored.change !== key) throw new AppError('CONFLICT', 'That modify request id was already used for another change.');
    if (stored?.state === 'done') return { status: 'modified', order: this.journaled(request.orderId) };
    let queue = this.modifyQueues.get(request.orderId);
    if (!queue) this.modifyQueues.set(request.orderId, (queue = new SerialQueue()));
    const result = queue.run(() => this.modifyChecked(request, key));
    this.modifies.set(request.requestId, { key, result });
    while (this.modifies.size > MODIFY_MEMORY) this.modifies.delete(this.modifies.keys().next().value!);
    // Only a done change is final: a held one comes back with its confirmation, a failed one may be tried again
    // (terms are absolute, so a resend sets the same values).
    const forget = () => this.modifies.delete(request.requestId);
    result.then((r) => r.status === 'needs-confirmation' && forget(), forget);
    return result;
  }

  private async modifyChecked(request: ModifyOrderRequest, key: string): Promise<ModifyResult> {
    const { orderId } = request;
    const stored = this.modifyLog.get(request.requestId);
    if (stored?.state === 'done') return { status: 'modified', order: this.journaled(orderId) };
    const order = this.journaled(orderId);
    if (!isOpenOrderState(order.state)) throw new AppError('CONFLICT', `This order is already ${order.state.toLowerCase()}; it can no longer be changed.`);
    const venue = this.venueFor(order);
    const mayStillSend = () => this.deps.gate.assertMaySend(venue);
    mayStillSend();
    const terms = applyChange(order, request.change);
    // Sent before the app stopped (or the answer was lost): when the broker already shows the new terms, journal them
    // without sending the change again (the trader confirmed it when it was sent).
    if (stored?.state === 'sending') {
      const recovered = await this.recoverModify(request, order, terms);
      if (recovered) return recovered;
    }

    // The place path's limits, on the new terms (a modify is not a new order: the per-minute count is not asked).
    const limits = this.deps.limits.get();
    const price = limits.maxOrderValue === null ? null : (terms.limitPrice ?? terms.stopPrice ?? (await this.deps.price(venue, order.symbol)));
    mayStillSend();
    const reasons = limitProblems(asTicket(order, terms), limits, price, 0);
    // SECURITY: a live order changes only with the trader's confirmation, as a live order is only placed after review.
    if (venue.mode === 'live') reasons.unshift(`This changes a live order at ${order.broker}: ${describeChange(order, terms)}.`);
    const bound = `modify:${request.requestId}:${JSON.stringify([orderId, request.change])}`;
    if (reasons.length > 0 && !this.useConfirmation({ ticketId: bound, confirmationId: request.confirmationId })) {
      const confirmationId = randomBytes(16).toString('hex');
      this.confirmations.set(confirmationId, { ticketId: bound, expiresAt: this.deps.clock.now() + CONFIRMATION_TTL_MS });
      return { status: 'needs-confirmation', confirmationId, reasons };
    }

    // The last look at the broker: a fill or a cancel that happened meanwhile wins over the change.
    const fresh = await this.reconcile(order);
    if (!isOpenOrderState(fresh.state)) {
      throw new AppError('CONFLICT', `The order was ${fresh.state.toLowerCase()} before the change could be sent, so nothing was changed.`);
    }
    if (!fresh.brokerOrderId) throw new AppError('CONFLICT', 'The broker has not confirmed this order yet. Refresh in a moment, then modify.');
    const finalTerms = applyChange(fresh, request.change);
    if (!sameTerms(finalTerms, terms)) throw new AppError('CONFLICT', 'The order changed while you were confirming; review the change again.');
    mayStillSend();
    await this.deps.gate.ensureRecentCheck(venue);
    mayStillSend();

    let ack: OrderAck | void;
    this.modifyLog.sending(request.requestId, orderId, key, this.deps.clock.now());
    try {
      ack = await venue.modify(fresh.brokerOrderId, changeFor(fresh, terms), modifiedOrder(fresh, terms), this.deps.gate.guardFor(venue));
    } catch (error) {
      // Only an unclear answer keeps the request as 'sending': the change may be at the broker, and a retry looks first.
      if (!isAmbiguous(error) || error instanceof AppError) this.modifyLog.forget(request.requestId);
      if (error instanceof AppError) throw error;
      if (error instanceof BrokerPrompt) {
        // Adapters settle the questions they know about a change (each in its own broker folder); one that still
        // comes up here is never answered for the trader: nothing changed.
        throw new AppError(
          'BROKER_REJECTED',
          `The broker asks before changing this order: ${error.prompts.join(' ')} BrokerVault cannot answer that for a change yet, so nothing was changed.`,
        );
      }
      // Refused or unclear: bring the journal up to date, and say plainly when a fill or cancel got there first.
      const after = await this.reconcile(fresh);
      if (!isOpenOrderState(after.state)) {
        throw new AppError('CONFLICT', `The order was ${after.state.toLowerCase()} before the change reached the broker, so nothing was changed.`);
      }
      if (isAmbiguous(error)) {
        throw new AppError('NETWORK', 'No clear answer from the broker about the change. Check the order, and send the same change again if it is not there.');
      }
      throw error;
    }
    this.journalModify(request.requestId, fresh, terms, ack ? ack.brokerOrderId : undefined, false);
    // A change can fill at once (a limit moved through the market): record what the broker did.
    return { status: 'modified', order: await this.reconcile(this.deps.repo.get(orderId)!) };
  }

  /** The new terms, the request marked done and the audit entry, in one commit. */
  private journalModify(requestId: string, before: OrderView, terms: OrderTerms, brokerOrderId: string | undefined, recovered: boolean): void {
    const orderId = before.id;
    const change = describeChange(before, terms);
    this.deps.db.transaction(() => {
      const now = this.deps.clock.now();
      this.deps.repo.amend(orderId, terms, now);
      this.deps.repo.update(orderId, { state: before.state, brokerOrderId, message: `Modified: ${change}.` }, now);
      this.modifyLog.done(requestId, now);
      this.deps.audit.append('order.modify', before.connectionId, {
        orderId,
        mode: before.mode,
        requestId,
        change,
        ...(brokerOrderId && brokerOrderId !== before.brokerOrderId ? { replacedBy: brokerOrderId } : {}),
        ...(recovered ? { recovered: true } : {}),
      });
    })();
    this.emit(orderId);
  }

  /**
   * A modify that was on its way when the app stopped (or whose answer was lost): read the order at the broker, and
   * when it already carries the new terms, journal them as this request's outcome; null when the change must be sent.
   * A stop price is not in every broker's order view, so a change of the stop is always sent again (terms are absolute).
   */
  private async recoverModify(request: ModifyOrderRequest, order: OrderView, terms: OrderTerms): Promise<ModifyResult | null> {
    if (terms.stopPrice !== order.stopPrice || !order.brokerOrderId) return null;
    const atBroker = await this.venueFor(order)
      .get({ brokerOrderId: order.brokerOrderId, clientOrderId: order.clientOrderId })
      .catch(() => null);
    if (!atBroker || !isOpenOrderState(atBroker.state)) return null;
    const shows = atBroker.quantity === terms.quantity && atBroker.type === terms.type && (atBroker.limitPrice ?? null) === terms.limitPrice;
    if (!shows) return null;
    this.deps.log.info('modify found at the broker after a restart; not sent again', { orderId: order.id });
    this.journalModify(request.requestId, { ...order, state: atBroker.state }, terms, atBroker.brokerOrderId, true);
    return { status: 'modified', order: await this.reconcile(this.deps.repo.get(order.id)!) };
  }

  /** The kill switch voids every limit confirmation handed out before it. */
  voidConfirmations(): number {
    const count = this.confirmations.size;
    this.confirmations.clear();
    return count;
  }

  private useConfirmation(ticket: Pick<OrderTicket, 'ticketId' | 'confirmationId'>): boolean {
    if (!ticket.confirmationId) return false;
    const pending = this.confirmations.get(ticket.confirmationId);
    this.confirmations.delete(ticket.confirmationId);
    return Boolean(pending && pending.ticketId === ticket.ticketId && pending.expiresAt >= this.deps.clock.now());
  }

  /** Find out at the broker what happened to an order, by its client order id (never by resending). */
  async reconcile(order: OrderView): Promise<OrderView> {
    let found: BrokerOrder | null;
    try {
      // Inside the try: a deleted connection has no venue, and must not stop the other orders' refresh.
      found = await this.venueFor(order).get({ brokerOrderId: order.brokerOrderId ?? undefined, clientOrderId: order.clientOrderId });
    } catch (error) {
      this.deps.log.warn('order lookup failed', { orderId: order.id, error });
      return this.deps.repo.get(order.id)!;
    }
    if (found) this.record(order.id, fromBrokerOrder(found));
    else if (order.state === 'UNKNOWN' || this.orphaned(order)) {
      if (this.deps.clock.now() - order.createdAt > UNKNOWN_GRACE_MS) {
        this.record(order.id, { state: 'REJECTED', message: 'The broker has no record of this order: it was not placed.' });
      } else if (order.state !== 'UNKNOWN') {
        this.record(order.id, { state: 'UNKNOWN', message: 'BrokerVault stopped before the broker answered; checking whether the order was placed.' });
      }
    }
    return this.deps.repo.get(order.id)!;
  }

  /** Journaled, never acknowledged, and no placement running: the app stopped while sending it. */
  private orphaned(order: OrderView): boolean {
    return order.state === 'PENDING' && order.brokerOrderId === null && !this.sending.has(order.id) && !this.awaiting.has(order.id);
  }

  async cancel(orderId: string): Promise<OrderView> {
    const order = this.journaled(orderId);
    if (!isOpenOrderState(order.state)) throw new AppError('CONFLICT', `This order is already ${order.state.toLowerCase()}.`);
    if (!order.brokerOrderId) {
      const settled = await this.reconcile(order);
      if (!settled.brokerOrderId) throw new AppError('CONFLICT', 'The broker has not confirmed this order yet. Refresh in a moment, then cancel.');
    }
    const current = this.deps.repo.get(orderId)!;
    const venue = this.venueFor(current);
    await venue.cancel(current.brokerOrderId!);
    this.deps.audit.append('order.cancel', current.connectionId, { orderId, mode: current.mode });
    return this.reconcile(current);
  }

  /**
   * Cancel an order found in a venue's order book (the kill switch sweeps books, not the journal; the paper
   * square-off cancels what its plan names): the cancel is audited with its source, and a journaled order is
   * brought up to date from the broker.
   */
  async cancelInBook(
    venue: Venue,
    order: Pick<BrokerOrder, 'brokerOrderId'>,
    source: 'killswitch' | 'squareoff' = 'killswitch',
    reason = 'Cancelled by the kill switch.',
  ): Promise<void> {
    await venue.cancel(order.brokerOrderId, reason);
    const journaled = this.deps.repo.byBrokerOrderId(venue.mode, venue.connectionId, order.brokerOrderId);
    this.deps.audit.append('order.cancel', venue.connectionId, {
      orderId: journaled?.id ?? null,
      brokerOrderId: order.brokerOrderId,
      mode: venue.mode,
      source,
    });
    if (journaled) await this.reconcile(journaled);
  }

  /** The journaled order of a ticket id, if any (a retried ticket is never sent twice). */
  byTicket(ticketId: string): OrderView | null {
    return this.deps.repo.byClientOrderId(`bv-${ticketId}`);
  }

  /** Connections with live orders the journal still holds open (the kill switch sweeps them even when inactive). */
  openLiveConnections(): string[] {
    return [...new Set(this.deps.repo.open().flatMap((o) => (o.mode === 'live' && o.connectionId ? [o.connectionId] : [])))];
  }

  /** The newest journal orders; the list is the caller's, its orders frozen (kept between writes: see OrdersRepo.list). */
  list(filter: { mode?: Mode; before?: number; limit: number }): OrderView[] {
    return this.deps.repo.list(filter);
  }

  /** A number that changes on every journal write: an answer made from the journal is good while it stays the same. */
  journalVersion(): number {
    return this.deps.repo.version();
  }

  /** Record changes a venue reported on its own (paper fills when prices move). */
  sync(venue: Pick<Venue, 'mode' | 'connectionId'>, changed: BrokerOrder[]): void {
    for (const order of changed) {
      const journal = this.deps.repo.byBrokerOrderId(venue.mode, venue.connectionId, order.brokerOrderId);
      if (journal) this.record(journal.id, fromBrokerOrder(order));
    }
  }

  /**
   * An order update a broker pushed on its stream. Only the connection's own journaled live orders are touched;
   * a settled order stays settled and a fill count never goes back (a late or repeated event changes nothing);
   * an update for an order whose placement is still being acknowledged is left to that placement.
   */
  applyPushed(connectionId: string, update: OrderUpdate): boolean {
    const journal = this.deps.repo.byBrokerOrderId('live', connectionId, update.brokerOrderId);
    if (!journal || this.sending.has(journal.id) || !isOpenOrderState(journal.state)) return false;
    if (update.filledQuantity !== undefined && update.filledQuantity < journal.filledQuantity) return false;
    if (update.state === journal.state && (update.filledQuantity ?? journal.filledQuantity) === journal.filledQuantity) return false;
    this.record(journal.id, {
      state: update.state,
      filledQuantity: update.filledQuantity,
      averagePrice: update.averagePrice ?? null,
      message: update.message ?? journal.message,
    });
    return true;
  }

  /** Mark every open journal order of a venue cancelled (the paper book was reset: those orders are gone). */
  closeOpen(mode: Mode, message: string): void {
    for (const order of this.deps.repo.open().filter((o) => o.mode === mode)) {
      this.record(order.id, { state: 'CANCELLED', message });
      this.deps.audit.append('order.cancel', order.connectionId, { orderId: order.id, mode: order.mode });
    }
  }

  /** Bring every open order up to date (paper fills first), e.g. on a timer and on request. */
  async refresh(evaluatePaper: () => Promise<unknown>): Promise<OrderView[]> {
    await evaluatePaper();
    // Orders being placed right now are settled by their own placement.
    const open = this.deps.repo.open().filter((o) => !this.sending.has(o.id));
    await Promise.all(open.map((order) => this.reconcile(order)));
    return this.deps.repo.list({ limit: 100 });
  }

  /**
   * At start-up: read each live connection's order book once and settle every journal order that was
   * still open or unknown when the app stopped, so orders placed before a crash are known.
   */
  async reconcileOnStart(): Promise<void> {
    const open = this.deps.repo.open().filter((o) => o.mode === 'live' && o.connectionId);
    const byConnection = new Map<string, OrderView[]>();
    for (const order of open) byConnection.set(order.connectionId!, [...(byConnection.get(order.connectionId!) ?? []), order]);
    await Promise.all(
      [...byConnection].map(async ([connectionId, orders]) => {
        let book: BrokerOrder[];
        try {
          book = await this.deps.live(connectionId).orders();
        } catch (error) {
          this.deps.log.warn('start-up reconciliation could not read an order book', { connectionId, error });
          return;
        }
        for (const order of orders) {
          // Orders without a broker id are found by client order id, which each adapter maps to its broker's own form.
          const match = order.brokerOrderId ? book.find((b) => b.brokerOrderId === order.brokerOrderId) : undefined;
          if (match) this.record(order.id, fromBrokerOrder(match));
          else await this.reconcile(order);
        }
      }),
    );
  }

  private record(id: string, update: JournalUpdate): void {
    const before = this.deps.repo.get(id);
    this.deps.db.transaction(() => {
      this.deps.repo.update(id, update, this.deps.clock.now());
      if (before && (before.state !== update.state || (update.filledQuantity ?? before.filledQuantity) !== before.filledQuantity)) {
        this.deps.audit.append('order.update', before.connectionId, {
          orderId: id,
          state: update.state,
          filled: update.filledQuantity ?? before.filledQuantity,
        });
      }
    })();
    this.emit(id);
  }

  private emit(id: string): void {
    const order = this.deps.repo.get(id);
    if (order) this.didChange.fire(order);
  }
}
