import type { z } from 'zod';
import type { PaperAccountSchema } from '../../shared/schemas';
import type { Clock } from '../clock';
import type { AppSettings } from '../store/app-settings';
import type { Db } from '../store/db';
import { Emitter } from '../events';
import { PaperBroker, type PaperOrder, type PriceSource } from './paper';
import type { PaperBook } from './venue';

const CURRENCY_KEY = 'paper.currency';
export const DEFAULT_PAPER = { currency: 'INR', startingCash: 1_000_000 };

/**
 * The trader's paper account. One account per currency shares the paper tables; the chosen currency
 * is remembered, and a reset may switch to another (e.g. USD for US brokers).
 */
export class PaperDesk implements PaperBook {
  private broker: PaperBroker;
  private readonly didUpdateOrders = new Emitter<PaperOrder[]>();
  /** Fires with the orders a price move changed (fills, triggers, fill-time rejections). */
  readonly onDidUpdateOrders = this.didUpdateOrders.event;
  private readonly didReset = new Emitter<void>();
  /** Fires after a reset: the orders of the account before it are gone. */
  readonly onDidReset = this.didReset.event;

  constructor(
    private readonly db: Db,
    private readonly settings: AppSettings,
    private readonly prices: PriceSource,
    private readonly clock: Clock,
  ) {
    this.broker = this.open(settings.get<string>(CURRENCY_KEY) ?? DEFAULT_PAPER.currency, DEFAULT_PAPER.startingCash);
  }

  private open(currency: string, startingCash: number): PaperBroker {
    return new PaperBroker({ db: this.db, prices: this.prices, clock: this.clock, accountId: `paper-${currency.toLowerCase()}`, currency, startingCash, onUpdate: (orders) => this.didUpdateOrders.fire(orders) });
  }

  async account(): Promise<z.infer<typeof PaperAccountSchema>> {
    const a = await this.broker.account();
    return {
      currency: a.currency,
      startingCash: a.startingCash,
      cash: a.cash,
      equity: a.equity,
      realizedPnl: a.realizedPnl,
      unrealizedPnl: a.unrealizedPnl,
      pricesSimulated: a.simulatedPrices,
    };
  }

  async reset(startingCash?: number, currency?: string): Promise<z.infer<typeof PaperAccountSchema>> {
    if (currency && currency !== this.broker.currency) {
      this.broker = this.open(currency, startingCash ?? DEFAULT_PAPER.startingCash);
      this.settings.set(CURRENCY_KEY, currency);
    }
    await this.broker.reset(startingCash);
    this.didReset.fire();
    return this.account();
  }

  placeOrder: PaperBook['placeOrder'] = (order) => this.broker.placeOrder(order);
  cancelOrder: PaperBook['cancelOrder'] = (id, reason) => this.broker.cancelOrder(id, reason);
  getOrder: PaperBook['getOrder'] = (lookup) => this.broker.getOrder(lookup);
  orders: PaperBook['orders'] = () => this.broker.orders();
  positions: PaperBook['positions'] = () => this.broker.positions();
  quotes: PaperBook['quotes'] = (symbols) => this.broker.quotes(symbols);
  funds: PaperBook['funds'] = () => this.broker.funds();
  evaluate: PaperBook['evaluate'] = () => this.broker.evaluate();
}
