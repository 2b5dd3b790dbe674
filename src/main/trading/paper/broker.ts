import type { Clock } from '../../clock';
import type { Db } from '../../store/db';
import { BrokerError } from '../../brokers/types';
import type { Funds, Holding, OrderAck, OrderChange, OrderLookup, OrderRequest, Position, Quote, Trade } from '../../brokers/types';
import { Book } from './book';
import { checkContract, type ContractLookup } from './contracts';
import { validateRequest } from './matching';
import { MAX_MINOR, fromMinor, toMinor } from './money';
import { INTRADAY_PRODUCTS, shortBlockMinor } from './products';
import { INTRADAY_SQUARE_OFF, isIntraday, lastSquareOff } from './square-off';
import { DISPLAY_QUOTE_MAX_AGE_MS, SIMULATED, type PriceOrigin, type PriceRequest, type PriceSource, type SourcedPrice } from './price-source';
import { SerialQueue } from '../../vault/serial-queue';
import { PaperStore, type OrderRow, type PositionRow } from '../../store/paper-store';
import type { PaperAccount, PaperOrder, PaperReset, PositionSource, SquareOffPlan } from './types';
import { toHolding, toPaperOrder, toPaperReset, toPosition, toTrade } from './view';
import { valuate } from './valuation';
import { estimateCharges } from './charges';

export interface PaperBrokerOptions {
  db: Db;
  prices: PriceSource;
  clock: Clock;
  /** Several paper accounts can share the tables (e.g. one INR, one USD). */
  accountId?: string;
  /** ISO code; used when the account is created, checked against the stored one after. */
  currency: string;
  /** Used only when the account is created; reset() changes it later. */
  startingCash: number;
  /** Minor-unit digits of the currency (2 for INR/USD); used only at creation. */
  decimals?: number;
  /** Told about every order a price move changed (fills, triggers, fill-time rejections). */
  onUpdate?: (orders: PaperOrder[]) => void;
  /** Lot size and expiry of F&O contracts from the instrument masters; without it every symbol trades in units. */
  contracts?: ContractLookup;
  /** Whether fills book BrokerVault's charges estimate (charges.ts); read at each fill. Off when left out. */
  chargesOn?: () => boolean;
}

/**
 * A paper account behind the same calls as a broker adapter, so the app's one order path serves both.
 * Every call first settles resting orders against current prices (as a real exchange would have done
 * meanwhile), so polling getOrder() sees fills; evaluate() does only that and reports what changed.
 *
 * Every price carries its feed (simulated, or a connection): an open position is valued, and its symbol's
 * orders filled, only from the feed it was opened on; a flat symbol takes the best current feed. Evaluations
 * (settling, placing, live ticks) run one at a time on one queue, so a price fetched before another
 * evaluation's fills is never applied after them.
 */
export class PaperBroker {
  private readonly store: PaperStore;
  private readonly book: Book;
  private readonly queue = new SerialQueue();
  /** Live ticks waiting for the queue, per symbol: the latest wins. */
  private readonly pendingTicks = new Map<string, SourcedPrice>();
  private tickDrainQueued = false;
  /** The trade book as last read, frozen (callers share it), with the paper-orders version it was read at. */
  private keptTrades: { version: number; trades: readonly Trade[] } | null = null;
  readonly currency: string;
  private readonly decimals: number;

  constructor(private readonly options: PaperBrokerOptions) {
    const { db, clock, accountId = 'default' } = options;
    this.store = new PaperStore(db, accountId);
    const existing = this.store.account();
    if (existing && existing.currency !== options.currency) {
      throw new Error(`Paper account "${accountId}" is in ${existing.currency}, not ${options.currency}.`);
    }
    if (!existing) {
      if (!/^[A-Z]{3}$/.test(options.currency)) throw new Error(`"${options.currency}" is not a currency code.`);
      const decimals = options.decimals ?? 2;
      if (!Number.isInteger(decimals) || decimals < 0 || decimals > 8) throw new Error('Currency decimals must be 0 to 8.');
      this.store.createAccount(options.currency, decimals, startingMinor(options.startingCash, decimals), clock.now());
    }
    const account = this.store.account()!;
    this.currency = account.currency;
    this.decimals = account.decimals;
    this.book = new Book(this.store, clock, this.currency, this.decimals, (fill) => (options.chargesOn?.() ? estimateCharges(fill) : null));
  }

  get simulated(): boolean {
    return this.options.prices.simulated;
  }

  async placeOrder(order: OrderRequest): Promise<OrderAck> {
    validateRequest(order);
    const existing = this.store.orderByClientId(order.clientOrderId);
    if (existing) return ack(existing);
    checkContract(order.symbol, order.quantity, this.options.contracts?.(order.symbol) ?? null, this.options.clock.now());
    return this.queue.run(async () => {
      this.report(await this.settle());
      const priced = await this.priceOf(order.symbol, 'order');
      // Re-check inside the transaction: another call with the same id may have landed while we awaited.
      return ack(this.store.tx(() => this.store.orderByClientId(order.clientOrderId) ?? this.book.place(order, priced, this.squareOffReason(order, priced))));
    });
  }

  async cancelOrder(brokerOrderId: string, reason?: string): Promise<void> {
    await this.evaluate();
    this.store.tx(() => {
      const row = this.store.order(brokerOrderId);
      if (!row) throw new BrokerError('BROKER_REJECTED', `No paper order ${brokerOrderId}.`);
      if (row.state !== 'OPEN') {
        throw new BrokerError('BROKER_REJECTED', `Paper order ${brokerOrderId} is already ${row.state}; it cannot be cancelled.`);
      }
      this.book.cancel(row, reason);
    });
  }

  /**
   * Change a resting order's quantity, type or prices. On the queue, after settling, so a price that filled the
   * order meanwhile wins: a filled or cancelled order is refused in words that say so, and nothing changes.
   */
  async modifyOrder(brokerOrderId: string, change: OrderChange): Promise<OrderAck> {
    return this.queue.run(async () => {
      this.report(await this.settle());
      const current = this.store.order(brokerOrderId);
      if (!current) throw new BrokerError('BROKER_REJECTED', `No paper order ${brokerOrderId}.`);
      const priced = await this.priceOf(current.symbol, 'order');
      const changed = this.store.tx(() => {
        // Re-read inside the transaction: the last moment before the change is applied.
        const row = this.store.order(brokerOrderId)!;
        if (row.state !== 'OPEN') {
          throw new BrokerError('BROKER_REJECTED', `Paper order ${brokerOrderId} is already ${row.state}; it cannot be modified.`);
        }
        const type = change.type ?? row.order_type;
        const terms = {
          quantity: change.quantity ?? row.quantity,
          type,
          limitPrice: change.limitPrice ?? row.limit_price ?? undefined,
          stopPrice: change.stopPrice ?? row.stop_price ?? undefined,
        };
        validateRequest({ clientOrderId: row.client_order_id, symbol: row.symbol, side: row.side, ...terms });
        return this.book.modify(row, terms, priced);
      });
      if (changed.state !== 'OPEN') this.report([changed]);
      return ack(changed);
    });
  }

  async getOrder(lookup: OrderLookup): Promise<PaperOrder | null> {
    await this.evaluate();
    const row = lookup.brokerOrderId ? this.store.order(lookup.brokerOrderId) : lookup.clientOrderId ? this.store.orderByClientId(lookup.clientOrderId) : null;
    return row ? toPaperOrder(row, this.decimals) : null;
  }

  /** The order history since the last reset, newest first. */
  async orders(): Promise<PaperOrder[]> {
    await this.evaluate();
    return this.store.allOrders().map((r) => toPaperOrder(r, this.decimals));
  }

  async positions(): Promise<Position[]> {
    await this.evaluate();
    const rows = this.store.positions();
    const prices = await this.pricesFor(rows.filter((r) => r.quantity !== 0).map((r) => r.symbol));
    return rows.map((r) => toPosition(r, prices.get(r.symbol)?.price, this.decimals));
  }

  /** Paper settles at once (no T+1): every long position is a holding, valued on its own feed. */
  async holdings(): Promise<Holding[]> {
    await this.evaluate();
    const held = this.store.positions().filter((r) => r.quantity > 0);
    const prices = await this.pricesFor(held.map((r) => r.symbol));
    return held.map((r) => toHolding(toPosition(r, prices.get(r.symbol)?.price, this.decimals)));
  }

  /** The trade book since the last reset, newest first: paper fills an order whole, so one trade per filled order. */
  async trades(): Promise<Trade[]> {
    await this.evaluate();
    // Kept until the paper orders change: a script polling the trade book reads and maps thousands of rows once.
    const version = this.store.ordersVersion();
    if (this.keptTrades?.version !== version) {
      this.keptTrades = { version, trades: Object.freeze(this.store.allOrders().flatMap((row) => toTrade(row).map((t) => Object.freeze(t)))) };
    }
    return this.keptTrades.trades as Trade[];
  }

  /**
   * Quotes as a fill would see them: a held symbol from its position's feed. A display read, so a broker quote polled
   * within the last second may be reused (DISPLAY_QUOTE_MAX_AGE_MS); fills are always priced afresh.
   */
  async quotes(symbols: string[]): Promise<Quote[]> {
    const at = this.options.clock.now();
    return Promise.all(symbols.map(async (symbol) => ({ symbol, last: (await this.priceOf(symbol, 'display')).price, bid: null, ask: null, at })));
  }

  /** total = cash balance; used = cash blocked by open orders and short positions; available = the rest. */
  async funds(): Promise<Funds> {
    await this.evaluate();
    const account = this.store.account()!;
    const used = this.blockedMinor();
    return {
      available: fromMinor(account.cash_minor - used, this.decimals),
      used: fromMinor(used, this.decimals),
      total: fromMinor(account.cash_minor, this.decimals),
      currency: this.currency,
    };
  }

  async account(): Promise<PaperAccount> {
    await this.evaluate();
    const rows = this.store.positions();
    const held = rows.filter((r) => r.quantity !== 0);
    const prices = await this.pricesFor(held.map((r) => r.symbol));
    const sources: PositionSource[] = held.map((r) => ({
      symbol: r.symbol,
      source: r.price_source,
      label: this.options.prices.describe(r.price_source),
      priced: prices.has(r.symbol),
    }));
    return valuate({
      account: this.store.account()!,
      positions: rows,
      prices: new Map([...prices].map(([symbol, p]) => [symbol, p.price])),
      reservedMinor: this.blockedMinor(),
      resets: this.store.resets().length,
      // Simulated prices are behind the figures when any held position is on the simulated feed, or, with
      // nothing held, when the next fill would be (no valid connection).
      simulated: held.length > 0 ? held.some((r) => r.price_source === SIMULATED) : this.simulated,
      positionSources: sources,
    });
  }

  /** Back to starting cash (or a new amount): orders and positions go, a paper_resets row records the old state. */
  async reset(startingCash?: number): Promise<PaperAccount> {
    const before = await this.account();
    const current = this.store.account()!;
    const nextMinor = startingCash === undefined ? current.starting_cash_minor : startingMinor(startingCash, this.decimals);
    this.store.tx(() =>
      this.store.reset(
        {
          at: this.options.clock.now(),
          previous_starting_cash_minor: current.starting_cash_minor,
          previous_cash_minor: current.cash_minor,
          previous_equity_minor: before.unpricedSymbols.length ? null : toMinor(before.equity, this.decimals),
          previous_realized_minor: toMinor(before.realizedPnl, this.decimals),
          orders_cleared: this.store.orderCount(),
          new_starting_cash_minor: nextMinor,
        },
        nextMinor,
      ),
    );
    return this.account();
  }

  /** Every reset of this account, oldest first. */
  resets(): PaperReset[] {
    return this.store.resets().map((r) => toPaperReset(r, this.decimals));
  }

  /** Re-check resting orders against current prices; returns the orders that changed. */
  async evaluate(): Promise<PaperOrder[]> {
    return this.report(await this.queue.run(() => this.settle()));
  }

  /**
   * A live price for `symbol` from a streaming connection: its resting orders are checked against it as soon as
   * the queue is free. Ticks that arrive meanwhile replace it (the latest wins); nothing queues per tick.
   */
  offerTick(symbol: string, priced: SourcedPrice): void {
    if (!Number.isFinite(priced.price) || priced.price <= 0) return;
    this.pendingTicks.set(symbol, priced);
    if (this.tickDrainQueued) return;
    this.tickDrainQueued = true;
    // Nobody awaits a tick: a failure here (a listener, the disk) must not become an unhandled rejection in main.
    // The orders stay open and the next refresh or tick settles them.
    this.queue.run(() => this.report(this.drainTicks())).catch(() => undefined);
  }

  /** Symbols the engine wants live prices for, each pinned to its position's feed when it has one. */
  watchList(): PriceRequest[] {
    const wanted = new Map<string, PriceRequest>();
    for (const p of this.store.positions()) if (p.quantity !== 0) wanted.set(p.symbol, { symbol: p.symbol, from: p.price_source });
    for (const o of this.store.openOrders()) if (!wanted.has(o.symbol)) wanted.set(o.symbol, { symbol: o.symbol });
    return [...wanted.values()];
  }

  /** Settle resting orders against current prices. Runs on the queue only. */
  private async settle(): Promise<OrderRow[]> {
    const symbols = [...new Set(this.store.openOrders().map((o) => o.symbol))];
    if (symbols.length === 0) return [];
    const prices = await this.pricesFor(symbols);
    // Re-read inside the transaction: orders may have been placed or cancelled while prices were fetched.
    return this.store.tx(() => this.stepAll(this.store.openOrders(), prices));
  }

  /**
   * The intraday square-off (square-off.ts), as a plan: once the clock has passed 15:20 IST, open MIS orders from
   * before it are to be cancelled and MIS positions last filled before it closed at market. Nothing changes here: the
   * app carries the plan out through its one order path (trading/paper-square-off.ts), so every step is journaled and
   * audited. A position its feed cannot price just now waits for the next plan.
   */
  async squareOffPlan(): Promise<SquareOffPlan> {
    return this.queue.run(async () => {
      this.report(await this.settle());
      const none: SquareOffPlan = { cutoff: null, cancel: [], close: [] };
      if (!this.store.hasProduct(INTRADAY_PRODUCTS)) return none;
      const cutoff = lastSquareOff(this.options.clock.now());
      if (cutoff === null) return none;
      const cancel = this.store
        .openOrders()
        .filter((o) => isIntraday(o.product) && o.created_at <= cutoff)
        .map((o) => toPaperOrder(o, this.decimals));
      const due = this.store.positions().filter((p) => this.dueForSquareOff(p, cutoff));
      const prices = due.length ? await this.pricesFor(due.map((p) => p.symbol)) : new Map<string, SourcedPrice>();
      const close = due
        .filter((p) => prices.has(p.symbol))
        .map((p) => ({ symbol: p.symbol, side: p.quantity < 0 ? ('BUY' as const) : ('SELL' as const), quantity: Math.abs(p.quantity), product: p.product }));
      return { cutoff, cancel, close };
    });
  }

  private dueForSquareOff(p: PositionRow, cutoff: number): boolean {
    return p.quantity !== 0 && isIntraday(p.product) && p.updated_at <= cutoff;
  }

  /**
   * The square-off's closing order: a market order closing a whole intraday position that is past its square-off
   * time is admitted whatever the cash (a broker's risk desk does not ask), and says why it was made. Null for any other.
   */
  private squareOffReason(order: OrderRequest, priced: SourcedPrice): string | undefined {
    if (order.type !== 'MARKET') return undefined;
    const p = this.store.position(order.symbol);
    // The square-off time is worked out only for an intraday position (it costs dozens of time-zone conversions).
    if (!p || p.quantity === 0 || !isIntraday(p.product)) return undefined;
    const cutoff = lastSquareOff(this.options.clock.now());
    if (cutoff === null || !this.dueForSquareOff(p, cutoff)) return undefined;
    if (order.side !== (p.quantity < 0 ? 'BUY' : 'SELL') || order.quantity !== Math.abs(p.quantity)) return undefined;
    return `Squared off at ${priced.price}: ${p.product} positions are closed at ${INTRADAY_SQUARE_OFF.label} (BrokerVault paper rule, as NSE intraday).`;
  }

  /** Apply the latest tick of each symbol. Runs on the queue only; synchronous, so no tick lands half-way. */
  private drainTicks(): OrderRow[] {
    this.tickDrainQueued = false;
    const ticks = new Map(this.pendingTicks);
    this.pendingTicks.clear();
    return this.store.tx(() =>
      this.stepAll(
        this.store.openOrders().filter((o) => ticks.has(o.symbol)),
        ticks,
      ),
    );
  }

  private stepAll(orders: OrderRow[], prices: Map<string, SourcedPrice>): OrderRow[] {
    const out: OrderRow[] = [];
    for (const order of orders) {
      const priced = prices.get(order.symbol);
      const next = priced === undefined ? null : this.book.step(order, priced);
      if (next) out.push(next);
    }
    return out;
  }

  private report(changed: OrderRow[]): PaperOrder[] {
    const orders = changed.map((r) => toPaperOrder(r, this.decimals));
    if (orders.length > 0) this.options.onUpdate?.(orders);
    return orders;
  }

  /** The feed a symbol must be priced from: its open position's, or any (undefined) when it is flat. */
  pinOf(symbol: string): PriceOrigin | undefined {
    const held = this.store.position(symbol);
    return held && held.quantity !== 0 ? held.price_source : undefined;
  }

  /** Cash blocked by open orders, and by short positions (their proceeds plus margin, see products.ts). */
  private blockedMinor(): number {
    const shorts = this.store.positions().filter((p) => p.quantity < 0);
    return this.store.reservedMinor() + shorts.reduce((sum, p) => sum + shortBlockMinor(p.cost_minor, p.product), 0);
  }

  /** An order's price (asked afresh, ahead of display reads), or a display read's (may reuse a quote a second old). */
  private async priceOf(symbol: string, use: 'order' | 'display'): Promise<SourcedPrice> {
    const from = this.pinOf(symbol);
    const request = use === 'order' ? { symbol, from, forOrder: true } : { symbol, from, maxAgeMs: DISPLAY_QUOTE_MAX_AGE_MS };
    let priced: SourcedPrice | undefined;
    try {
      priced = (await this.options.prices.prices([request])).get(symbol);
    } catch (error) {
      throw new BrokerError('NETWORK', `No price for ${symbol}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!priced && from !== undefined) {
      const feed = this.options.prices.describe(from);
      throw new BrokerError('NETWORK', `No price for ${symbol} from ${feed}, which prices your paper position in it; try again when that feed is back.`);
    }
    if (!priced) throw new BrokerError('NETWORK', `No price for ${symbol} just now.`);
    if (!Number.isFinite(priced.price) || priced.price <= 0) throw new BrokerError('NETWORK', `No usable price for ${symbol} (got ${priced.price}).`);
    return priced;
  }

  /**
   * Prices for many symbols, each held one from its position's feed; a symbol that cannot be priced is left out
   * (its orders wait, its P&L shows null, the account values it at cost).
   */
  private async pricesFor(symbols: string[]): Promise<Map<string, SourcedPrice>> {
    let prices: Map<string, SourcedPrice>;
    try {
      prices = await this.options.prices.prices(symbols.map((symbol) => ({ symbol, from: this.pinOf(symbol) })));
    } catch {
      return new Map();
    }
    return new Map([...prices].filter(([symbol, p]) => symbols.includes(symbol) && Number.isFinite(p.price) && p.price > 0));
  }
}

function ack(row: OrderRow): OrderAck {
  return { brokerOrderId: row.id, state: row.state };
}

function startingMinor(amount: number, decimals: number): number {
  const minor = Number.isFinite(amount) ? toMinor(amount, decimals) : NaN;
  if (!(minor > 0) || minor > MAX_MINOR) throw new BrokerError('BROKER_REJECTED', 'Starting cash must be a positive amount.');
  return minor;
}
