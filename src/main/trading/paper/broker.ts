import type { Clock } from '../../clock';
import type { Db } from '../../store/db';
import { BrokerError } from '../../brokers/types';
import type { Funds, OrderAck, OrderLookup, OrderRequest, Position, Quote } from '../../brokers/types';
import { Book } from './book';
import { validateRequest } from './matching';
import { MAX_MINOR, fromMinor, toMinor } from './money';
import type { PriceSource } from './price-source';
import { PaperStore, type OrderRow } from '../../store/paper-store';
import type { PaperAccount, PaperOrder, PaperReset } from './types';
import { toPaperOrder, toPaperReset, toPosition } from './view';
import { valuate } from './valuation';

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
}

/**
 * A paper account behind the same calls as a broker adapter, so the app's one order path serves both.
 * Every call first settles resting orders against current prices (as a real exchange would have done
 * meanwhile), so polling getOrder() sees fills; evaluate() does only that and reports what changed.
 */
export class PaperBroker {
  private readonly store: PaperStore;
  private readonly book: Book;
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
    this.book = new Book(this.store, clock, this.currency, this.decimals);
  }

  get simulated(): boolean {
    return this.options.prices.simulated;
  }

  async placeOrder(order: OrderRequest): Promise<OrderAck> {
    validateRequest(order);
    const existing = this.store.orderByClientId(order.clientOrderId);
    if (existing) return ack(existing);
    await this.evaluate();
    const price = await this.priceOf(order.symbol);
    // Re-check inside the transaction: another call with the same id may have landed while we awaited.
    return ack(this.store.tx(() => this.store.orderByClientId(order.clientOrderId) ?? this.book.place(order, price)));
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
    const prices = await this.pricesFor(rows.filter((r) => r.quantity > 0).map((r) => r.symbol));
    return rows.map((r) => toPosition(r, prices.get(r.symbol), this.decimals));
  }

  async quotes(symbols: string[]): Promise<Quote[]> {
    const at = this.options.clock.now();
    return Promise.all(symbols.map(async (symbol) => ({ symbol, last: await this.priceOf(symbol), bid: null, ask: null, at })));
  }

  /** total = cash balance; used = cash blocked by open buy orders; available = the rest. */
  async funds(): Promise<Funds> {
    await this.evaluate();
    const account = this.store.account()!;
    const used = this.store.reservedMinor();
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
    const prices = await this.pricesFor(rows.filter((r) => r.quantity > 0).map((r) => r.symbol));
    return valuate({
      account: this.store.account()!,
      positions: rows,
      prices,
      reservedMinor: this.store.reservedMinor(),
      resets: this.store.resets().length,
      simulated: this.simulated,
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
    const symbols = [...new Set(this.store.openOrders().map((o) => o.symbol))];
    if (symbols.length === 0) return [];
    const prices = await this.pricesFor(symbols);
    // Re-read inside the transaction: orders may have been placed or cancelled while prices were fetched.
    const changed = this.store.tx(() => {
      const out: OrderRow[] = [];
      for (const order of this.store.openOrders()) {
        const price = prices.get(order.symbol);
        const next = price === undefined ? null : this.book.step(order, price);
        if (next) out.push(next);
      }
      return out;
    });
    const orders = changed.map((r) => toPaperOrder(r, this.decimals));
    if (orders.length > 0) this.options.onUpdate?.(orders);
    return orders;
  }

  private async priceOf(symbol: string): Promise<number> {
    let price: number;
    try {
      price = await this.options.prices.price(symbol);
    } catch (error) {
      throw new BrokerError('NETWORK', `No price for ${symbol}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!Number.isFinite(price) || price <= 0) throw new BrokerError('NETWORK', `No usable price for ${symbol} (got ${price}).`);
    return price;
  }

  /** Prices for many symbols; a symbol whose price fails is left out (its orders wait, its P&L shows null). */
  private async pricesFor(symbols: string[]): Promise<Map<string, number>> {
    const entries = await Promise.all(symbols.map(async (s) => [s, await this.priceOf(s).catch(() => undefined)] as const));
    return new Map(entries.filter((e): e is readonly [string, number] => e[1] !== undefined));
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
