import type { Clock } from '../../clock';
import { needsLimitPrice, needsStopPrice } from '../../../shared/orders';
import { BrokerError, type OrderRequest } from '../../brokers/types';
import { decide } from './matching';
import { EMPTY_HOLDING, applyFill } from './ledger';
import { fromMinor, prorate, round8, toMinor, valueMinor } from './money';
import type { ChargeEstimate, ChargeInput } from './charges';
import { productRule, shareMinor, shortBlockMinor, shortHint } from './products';
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
    /** The charges estimate to book with a fill, when the trader turned it on (charges.ts); null when off. */
    private readonly charges: (fill: ChargeInput) => ChargeEstimate | null = () => null,
  ) {}

  /**
   * Admit a validated request at the current `priced` price: reject, fill at once, or leave it resting. An order the
   * engine's risk desk admits whatever the cash (`forcedBecause`: the intraday square-off's closing order) fills at once.
   */
  place(req: OrderRequest, priced: SourcedPrice, forcedBecause?: string): OrderRow {
    const price = priced.price;
    const row = this.newRow(req);
    if (forcedBecause !== undefined) {
      this.store.insertOrder(row);
      return this.fill(row, priced, forcedBecause);
    }
    const reserve = req.side === 'BUY' ? this.reserveFor(row, price) : this.shortMarginFor(row, this.sellBasis(row, price));
    const refusal = req.side === 'BUY' ? this.refuseBuy(row, reserve) : this.refuseSell(row, this.sellBasis(row, price));
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

  private newRow(req: OrderRequest): OrderRow {
    const seq = this.store.takeOrderSeq();
    const now = this.clock.now();
    return {
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
    if (held && held.quantity !== 0 && held.price_source !== priced.source) return null;
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
    // As a new order would be admitted (a short sale's margin included), this order's own reservation released first.
    const basis = this.sellBasis(next, priced.price);
    const reserve = next.side === 'BUY' ? this.reserveFor(next, priced.price) : this.shortMarginFor(next, basis);
    const refusal = next.side === 'BUY' ? this.refuseBuy(next, reserve) : this.refuseSell(next, basis);
    if (refusal) throw new BrokerError('BROKER_REJECTED', `${refusal} The order was not changed.`);
    next.reserved_minor = reserve;
    next.message = `Modified. ${this.restingMessage(next)}`;
    this.store.amendOrder(next);
    return this.step(next, priced) ?? next;
  }

  cancel(order: OrderRow, reason = 'Cancelled by user.'): OrderRow {
    return this.close(order, 'CANCELLED', reason);
  }

  /** Re-check cash, holdings and short margin at the fill price (a stop can fill beyond its estimate), then book it. */
  private fill(order: OrderRow, priced: SourcedPrice, forcedBecause?: string): OrderRow {
    const price = priced.price;
    const refusal =
      forcedBecause !== undefined ? null : order.side === 'BUY' ? this.refuseBuy(order, this.buyNeed(order, price)) : this.refuseSell(order, price);
    if (refusal) return this.close(order, 'REJECTED', `${refusal} (at fill, price ${price})`);
    const account = this.store.account()!;
    const pos = this.store.position(order.symbol);
    const held = pos ? { quantity: pos.quantity, costMinor: pos.cost_minor, realizedMinor: pos.realized_minor } : EMPTY_HOLDING;
    const effect = applyFill(held, order.side, order.quantity, price, this.decimals);
    // Estimated charges (when on) come out of cash and count against realised P&L, so equity stays
    // starting cash + realised + unrealised.
    const charged = this.charges({ symbol: order.symbol, side: order.side, quantity: order.quantity, price, product: order.product });
    const chargesMinor = charged && charged.total > 0 ? toMinor(charged.total, this.decimals) : 0;
    effect.holding.realizedMinor -= chargesMinor;
    const now = this.clock.now();
    this.store.setCash(account.cash_minor + effect.cashDeltaMinor - chargesMinor, now);
    // A flat symbol takes the fill's feed; an open one already has it (step() refuses any other). The position
    // takes the product of the order that opened it (from flat, or by crossing zero); extending keeps its own.
    const opened = !pos || pos.quantity === 0 || Math.sign(effect.holding.quantity) === -Math.sign(pos.quantity);
    this.store.savePosition(order.symbol, effect.holding, priced.source, opened ? order.product : pos.product, now);
    const next: OrderRow = {
      ...order,
      state: 'FILLED',
      triggered_at: order.triggered_at ?? (order.stop_price !== null ? now : null),
      filled_quantity: order.quantity,
      average_price: price,
      reserved_minor: 0,
      // Sells always show what they realised; buys only when they covered a short.
      realized_minor: order.side === 'SELL' || held.quantity < 0 ? effect.realizedMinor - chargesMinor : null,
      message: `${forcedBecause ?? `Filled ${order.quantity} at ${price}.`}${chargesMinor > 0 ? ` ${this.chargesText(charged!)}` : ''}`,
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

  /** Cash a buy blocks while open: its need at its limit, at the worse of stop and market for stops, else at market. */
  private reserveFor(order: OrderRow, price: number): number {
    const basis = order.limit_price ?? (order.stop_price !== null ? Math.max(order.stop_price, price) : price);
    return this.buyNeed(order, basis);
  }

  /**
   * Cash a buy at `price` needs: the whole value of what it buys long; for the part that covers a short, only what
   * the cover costs beyond the proceeds and margin it releases.
   */
  private buyNeed(order: OrderRow, price: number): number {
    const pos = this.store.position(order.symbol);
    const short = pos && pos.quantity < 0 ? -pos.quantity : 0;
    const covering = Math.min(order.quantity, short);
    const buying = round8(order.quantity - covering);
    const longValue = buying === 0 ? 0 : valueMinor(buying, price, this.decimals);
    if (covering === 0) return longValue;
    const released = prorate(shortBlockMinor(pos!.cost_minor, pos!.product), covering, short);
    return longValue + Math.max(0, valueMinor(covering, price, this.decimals) - released);
  }

  /** Cash free for a new commitment: cash less what open orders (but `order`) and short positions block. */
  private availableMinor(order: OrderRow): number {
    const shorts = this.store.positions().filter((p) => p.quantity < 0);
    const blocked = shorts.reduce((sum, p) => sum + shortBlockMinor(p.cost_minor, p.product), 0);
    return this.store.account()!.cash_minor - this.store.reservedMinor(order.seq) - blocked;
  }

  /** Why a buy needing `needMinor` cannot be afforded from free cash; null if it can. */
  private refuseBuy(order: OrderRow, needMinor: number): string | null {
    const available = this.availableMinor(order);
    if (needMinor <= available) return null;
    return `Insufficient cash: this order needs ${this.money(needMinor)}, available ${this.money(available)}.`;
  }

  /** Holdings not already promised to other open sells (0 when flat or short). */
  private freeToSell(order: OrderRow): { held: number; free: number } {
    const held = this.store.position(order.symbol)?.quantity ?? 0;
    return { held, free: Math.max(0, round8(Math.max(0, held) - this.store.committedToSells(order.symbol, order.seq))) };
  }

  /** The part of a sell that would open or extend a short. */
  private shortPart(order: OrderRow): number {
    return Math.max(0, round8(order.quantity - this.freeToSell(order).free));
  }

  /** A sell rests at its limit, or at its stop (or the market when the stop is already crossed). */
  private sellBasis(order: OrderRow, price: number): number {
    return order.limit_price ?? (order.stop_price !== null ? Math.min(order.stop_price, price) : price);
  }

  /** Margin the short part of a sell blocks at `price` under its product's paper rule, with that part's value. */
  private shortMargin(order: OrderRow, price: number): { marginMinor: number; valueMinor: number } {
    const shortQty = this.shortPart(order);
    const share = productRule(order.product).shortMargin;
    if (shortQty === 0 || share === null) return { marginMinor: 0, valueMinor: 0 };
    const value = valueMinor(shortQty, price, this.decimals);
    return { marginMinor: shareMinor(value, share), valueMinor: value };
  }

  private shortMarginFor(order: OrderRow, price: number): number {
    return this.shortMargin(order, price).marginMinor;
  }

  /**
   * A sell is covered by free holdings; beyond them it sells short, which only MIS, NRML and MARGIN allow, with
   * margin out of free cash (checked at `price`).
   */
  private refuseSell(order: OrderRow, price: number): string | null {
    const { held, free } = this.freeToSell(order);
    if (order.quantity <= free) return null;
    const rule = productRule(order.product);
    if (rule.shortMargin === null) {
      const where = order.product ? ` on ${rule.label}` : '';
      const hint = order.product ? ` ${shortHint(order.product)}` : '';
      if (held <= 0) return `Short selling is not allowed${where}: you hold no ${order.symbol}.${hint}`;
      const promised = round8(held - free);
      const inOrders = promised > 0 ? ` (${promised} already in open sell orders)` : '';
      return `Cannot sell ${order.quantity} ${order.symbol}: you hold ${held}${inOrders}; short selling is not allowed${where}.${hint}`;
    }
    const { marginMinor, valueMinor: value } = this.shortMargin(order, price);
    const available = this.availableMinor(order);
    if (marginMinor <= available) return null;
    const percent = Math.round(rule.shortMargin * 100);
    return (
      `Insufficient cash for the short margin: this order needs ${this.money(marginMinor)} (${percent} % of ` +
      `${this.money(value)}, BrokerVault paper rule for ${order.product}), available ${this.money(available)}.`
    );
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

  private chargesText(estimate: ChargeEstimate): string {
    const parts = estimate.lines.map((l) => `${l.name} ${l.amount.toFixed(this.decimals)}`).join(', ');
    return `Estimated charges ${this.money(toMinor(estimate.total, this.decimals))} (${parts}).`;
  }

  private money(minor: number): string {
    return `${fromMinor(minor, this.decimals).toFixed(this.decimals)} ${this.currency}`;
  }
}
