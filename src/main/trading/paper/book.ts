import type { Clock } from '../../clock';
import { needsLimitPrice, needsStopPrice } from '../../../shared/orders';
import { BrokerError, type OrderRequest } from '../../brokers/types';
import { decide } from './matching';
import { EMPTY_HOLDING, applyFill } from './ledger';
import { fromMinor, round8, valueMinor } from './money';
import type { OrderRow, PaperStore } from '../../store/paper-store';
import type { SourcedPrice } from './price-source';

/**
 * The order book of one paper account: admission (cash and holdings checks), triggers and fills.
 * Synchronous and meant to run inside a store transaction, with prices fetched beforehand.
 */
export class Book {
  constructor(
    private readonly store: PaperStore,
    private readonly clock: Clock,
    private readonly currency: string,
    private readonly decimals: number,
  ) {}

  /** Admit a validated request at the current `priced` price: reject, fill at once, or leave it resting. */
  place(req: OrderRequest, priced: SourcedPrice): OrderRow {
    const price = priced.price;
    const seq = this.store.takeOrderSeq();
    const now = this.clock.now();
    const row: OrderRow = {
      account_id: this.store.accountId,
      seq,
      id: `PAPER-${String(seq).padStart(6, '0')}`,
      client_order_id: req.clientOrderId,
      symbol: req.symbol,
      side: req.side,
      quantity: req.quantity,
      order_type: req.type,
      limit_price: needsLimitPrice(req.type) ? req.limitPrice! : null,
      stop_price: needsStopPrice(req.type) ? req.stopPrice! : null,
      // DAY and GTC both rest until cancelled: the paper market has no session calendar. IOC is honoured below.
      time_in_force: req.timeInForce ?? 'DAY',
      product: req.product ?? null,
      state: 'OPEN',
      triggered_at: null,
      filled_quantity: 0,
      average_price: null,
      reserved_minor: 0,
      realized_minor: null,
      message: null,
      fill_source: null,
      created_at: now,
      updated_at: now,
    };
    const reserve = req.side === 'BUY' ? this.reserveFor(row, price) : 0;
    const refusal = req.side === 'BUY' ? this.refuseBuy(row, reserve) : this.refuseSell(row);
    if (refusal) {
      const rejected: OrderRow = { ...row, state: 'REJECTED', message: refusal };
      this.store.insertOrder(rejected);
      return rejected;
    }
    row.reserved_minor = reserve;
    row.message = this.restingMessage(row);
    this.store.insertOrder(row);
    const after = this.step(row, priced) ?? row;
    if (after.state === 'OPEN' && after.time_in_force === 'IOC') {
      return this.close(after, 'CANCELLED', 'IOC order could not be filled at once; cancelled.');
    }
    return after;
  }

  /**
   * Check one open order against `priced`; returns the updated row, or null when nothing changed. A price from
   * another feed than the one valuing the symbol's open position is ignored (the order waits for its own feed).
   */
  step(order: OrderRow, priced: SourcedPrice): OrderRow | null {
    const price = priced.price;
    const decision = decide(
      { side: order.side, type: order.order_type, limitPrice: order.limit_price, stopPrice: order.stop_price, triggered: order.triggered_at !== null },
      price,
    );
    if (decision.kind === 'none') return null;
    // Checked only once the price would act (most evaluations act on nothing): this is the fill's last moment.
    const held = this.store.position(order.symbol);
    if (held && held.quantity > 0 && held.price_source !== priced.source) return null;
    if (decision.kind === 'trigger') {
      const next = { ...order, triggered_at: this.clock.now(), updated_at: this.clock.now() };
      next.message = `Stop ${order.stop_price} reached at ${price}; resting as a limit at ${order.limit_price}.`;
      this.store.updateOrder(next);
      return next;
    }
    return this.fill(order, { price: decision.price, source: priced.source });
  }

  /**
   * New terms for a resting order, admitted as a new order would be (cash for a buy, holdings for a sell, with this
   * order's own reservation released first), then checked against `priced` at once: a limit moved through the market fills.
   * A refused change leaves the order as it was and throws in the paper engine's words.
   */
  modify(order: OrderRow, terms: Pick<OrderRequest, 'quantity' | 'type' | 'limitPrice' | 'stopPrice'>, priced: SourcedPrice): OrderRow {
    const now = this.clock.now();
    const typeChanged = terms.type !== order.order_type;
    const stopChanged = (terms.stopPrice ?? null) !== order.stop_price;
    const next: OrderRow = {
      ...order,
      quantity: terms.quantity,
      order_type: terms.type,
      limit_price: needsLimitPrice(terms.type) ? terms.limitPrice! : null,
      stop_price: needsStopPrice(terms.type) ? terms.stopPrice! : null,
      // A new stop (or a new type) waits for its own trigger.
      triggered_at: typeChanged || stopChanged ? null : order.triggered_at,
      updated_at: now,
    };
    const reserve = next.side === 'BUY' ? this.reserveFor(next, priced.price) : 0;
    const refusal = next.side === 'BUY' ? this.refuseBuy(next, reserve) : this.refuseSell(next);
    if (refusal) throw new BrokerError('BROKER_REJECTED', `${refusal} The order was not changed.`);
    next.reserved_minor = reserve;
    next.message = `Modified. ${this.restingMessage(next)}`;
    this.store.amendOrder(next);
    return this.step(next, priced) ?? next;
  }

  cancel(order: OrderRow, reason = 'Cancelled by user.'): OrderRow {
    return this.close(order, 'CANCELLED', reason);
  }

  /** Re-check cash or holdings at the fill price (a stop can fill above its estimate), then book it. */
  private fill(order: OrderRow, priced: SourcedPrice): OrderRow {
    const price = priced.price;
    const cost = valueMinor(order.quantity, price, this.decimals);
    const refusal = order.side === 'BUY' ? this.refuseBuy(order, cost) : this.refuseSell(order);
    if (refusal) return this.close(order, 'REJECTED', `${refusal} (at fill, price ${price})`);
    const account = this.store.account()!;
    const pos = this.store.position(order.symbol);
    const held = pos ? { quantity: pos.quantity, costMinor: pos.cost_minor, realizedMinor: pos.realized_minor } : EMPTY_HOLDING;
    const effect = applyFill(held, order.side, order.quantity, price, this.decimals);
    const now = this.clock.now();
    this.store.setCash(account.cash_minor + effect.cashDeltaMinor, now);
    // A flat symbol takes the fill's feed; an open one already has it (step() refuses any other).
    this.store.savePosition(order.symbol, effect.holding, priced.source, now);
    const next: OrderRow = {
      ...order,
      state: 'FILLED',
      triggered_at: order.triggered_at ?? (order.stop_price !== null ? now : null),
      filled_quantity: order.quantity,
      average_price: price,
      reserved_minor: 0,
      realized_minor: order.side === 'SELL' ? effect.realizedMinor : null,
      message: `Filled ${order.quantity} at ${price}.`,
      fill_source: priced.source,
      updated_at: now,
    };
    this.store.updateOrder(next);
    return next;
  }

  private close(order: OrderRow, state: 'CANCELLED' | 'REJECTED', message: string): OrderRow {
    const next: OrderRow = { ...order, state, reserved_minor: 0, message, updated_at: this.clock.now() };
    this.store.updateOrder(next);
    return next;
  }

  /** Cash a buy blocks while open: at its limit, at the worse of stop and market for stops, else at market. */
  private reserveFor(order: OrderRow, price: number): number {
    const basis = order.limit_price ?? (order.stop_price !== null ? Math.max(order.stop_price, price) : price);
    return valueMinor(order.quantity, basis, this.decimals);
  }

  /** Why a buy needing `needMinor` cannot be afforded from cash not blocked by other open buys; null if it can. */
  private refuseBuy(order: OrderRow, needMinor: number): string | null {
    const available = this.store.account()!.cash_minor - this.store.reservedMinor(order.seq);
    if (needMinor <= available) return null;
    return `Insufficient cash: this order needs ${this.money(needMinor)}, available ${this.money(available)}.`;
  }

  /** Short selling is not allowed: a sell must be covered by holdings not already promised to other sells. */
  private refuseSell(order: OrderRow): string | null {
    const held = this.store.position(order.symbol)?.quantity ?? 0;
    const free = round8(held - this.store.committedToSells(order.symbol, order.seq));
    if (order.quantity <= free) return null;
    if (held === 0) return `Short selling is not allowed: you hold no ${order.symbol}.`;
    const promised = round8(held - free);
    const inOrders = promised > 0 ? ` (${promised} already in open sell orders)` : '';
    return `Cannot sell ${order.quantity} ${order.symbol}: you hold ${held}${inOrders}; short selling is not allowed.`;
  }

  private restingMessage(order: OrderRow): string {
    const side = order.side.toLowerCase();
    switch (order.order_type) {
      case 'LIMIT':
        return `Resting: ${side} limit at ${order.limit_price}.`;
      case 'STOP':
        return `Waiting: ${side} stop at ${order.stop_price}.`;
      case 'STOP_LIMIT':
        return `Waiting: ${side} stop at ${order.stop_price}, then limit at ${order.limit_price}.`;
      default:
        return 'Working.';
    }
  }

  private money(minor: number): string {
    return `${fromMinor(minor, this.decimals).toFixed(this.decimals)} ${this.currency}`;
  }
}
