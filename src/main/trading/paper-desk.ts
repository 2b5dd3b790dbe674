import { z } from 'zod';
import type { PaperAccountSchema } from '../../shared/schemas';
import { BrokerError } from '../brokers/types';
import type { Clock } from '../clock';
import { Emitter } from '../events';
import type { AppSettings } from '../store/app-settings';
import type { Db } from '../store/db';
import { PaperBroker, type PaperOrder, type PriceOrigin, type PriceRequest, type PriceSource, type SourcedPrice, type SquareOffPlan } from './paper';
import type { ContractLookup } from './paper/contracts';
import type { Venue } from './venue';

const CURRENCY_KEY = 'paper.currency';
export const DEFAULT_PAPER = { currency: 'INR', startingCash: 1_000_000 };

/**
 * The trader's paper account, and the paper side of every order path (a Venue). One account per
 * currency shares the paper tables; the chosen currency is remembered, and a reset may switch to
 * another (e.g. USD for US brokers), which replaces the engine behind the desk.
 */
export class PaperDesk implements Venue {
  readonly mode = 'paper';
  readonly connectionId = null;
  readonly broker = 'paper';
  private engine: PaperBroker;
  private readonly didUpdateOrders = new Emitter<PaperOrder[]>();
  /** Fires with the orders a price move changed (fills, triggers, fill-time rejections). */
  readonly onDidUpdateOrders = this.didUpdateOrders.event;
  private readonly didReset = new Emitter<void>();
  /** Fires after a reset: the orders of the account before it are gone. */
  readonly onDidReset = this.didReset.event;
  private readonly didChangeBook = new Emitter<void>();
  /** Fires after anything that may change which symbols the engine wants live prices for (orders, fills, a reset). */
  readonly onDidChangeBook = this.didChangeBook.event;

  constructor(
    private readonly db: Db,
    private readonly settings: AppSettings,
    private readonly prices: PriceSource,
    private readonly clock: Clock,
    /** F&O lot sizes and expiries from the instrument masters. */
    private readonly contracts?: ContractLookup,
    /** Whether paper fills book the charges estimate (the trader's setting). */
    private readonly chargesOn?: () => boolean,
  ) {
    this.engine = this.open(settings.get(CURRENCY_KEY, z.string()) ?? DEFAULT_PAPER.currency, DEFAULT_PAPER.startingCash);
  }

  private open(currency: string, startingCash: number): PaperBroker {
    return new PaperBroker({
      db: this.db,
      prices: this.prices,
      clock: this.clock,
      accountId: `paper-${currency.toLowerCase()}`,
      currency,
      startingCash,
      contracts: this.contracts,
      chargesOn: this.chargesOn,
      onUpdate: (orders) => {
        this.didUpdateOrders.fire(orders);
        this.didChangeBook.fire();
      },
    });
  }

  async account(): Promise<z.infer<typeof PaperAccountSchema>> {
    const a = await this.engine.account();
    return {
      currency: a.currency,
      startingCash: a.startingCash,
      cash: a.cash,
      equity: a.equity,
      realizedPnl: a.realizedPnl,
      unrealizedPnl: a.unrealizedPnl,
      pricesSimulated: a.simulatedPrices,
      positionSources: a.positionSources.map((p) => ({ symbol: p.symbol, simulated: p.source === 'simulated', label: p.label, priced: p.priced })),
    };
  }

  async reset(startingCash?: number, currency?: string): Promise<z.infer<typeof PaperAccountSchema>> {
    if (currency && currency !== this.engine.currency) {
      this.engine = this.open(currency, startingCash ?? DEFAULT_PAPER.startingCash);
      this.settings.set(CURRENCY_KEY, currency);
    }
    await this.engine.reset(startingCash);
    this.didReset.fire();
    this.didChangeBook.fire();
    return this.account();
  }

  /** Re-check resting orders against current prices; returns the orders that changed. */
  evaluate(): Promise<PaperOrder[]> {
    return this.engine.evaluate();
  }

  /** When the current paper account was last reset (its book started flat then); null if never. */
  lastResetAt(): number | null {
    return this.engine.resets().at(-1)?.at ?? null;
  }

  /** What the intraday square-off must do now; carried out through the order path (paper-square-off.ts). */
  squareOffPlan(): Promise<SquareOffPlan> {
    return this.engine.squareOffPlan();
  }

  /** A live tick for `symbol` from a streaming connection (see PaperStreaming). */
  offerTick(symbol: string, priced: SourcedPrice): void {
    this.engine.offerTick(symbol, priced);
  }

  /** The feed that prices `symbol` for this account: its open position's, or undefined when it is flat. */
  feedOf(symbol: string): PriceOrigin | undefined {
    return this.engine.pinOf(symbol);
  }

  /** Symbols the engine wants live prices for, each pinned to its position's feed when it has one. */
  watchList(): PriceRequest[] {
    return this.engine.watchList();
  }

  // ---- Venue ------------------------------------------------------------------------------------
  place: Venue['place'] = async (order, guard) => {
    guard?.();
    try {
      return await this.engine.placeOrder(order);
    } finally {
      this.didChangeBook.fire();
    }
  };
  cancel: Venue['cancel'] = async (id, reason) => {
    try {
      await this.engine.cancelOrder(id, reason);
    } finally {
      this.didChangeBook.fire();
    }
  };
  modify: Venue['modify'] = async (id, change, _order, guard) => {
    guard?.();
    try {
      return await this.engine.modifyOrder(id, change);
    } finally {
      this.didChangeBook.fire();
    }
  };
  get: Venue['get'] = (lookup) => this.engine.getOrder(lookup);
  orders: Venue['orders'] = () => this.engine.orders();
  positions: Venue['positions'] = () => this.engine.positions();
  quotes: Venue['quotes'] = (symbols) => this.engine.quotes(symbols);
  funds: Venue['funds'] = () => this.engine.funds();
  precheck: Venue['precheck'] = async () => undefined;
  holdings: NonNullable<Venue['holdings']> = () => this.engine.holdings();
  trades: NonNullable<Venue['trades']> = () => this.engine.trades();
  answerPrompt: Venue['answerPrompt'] = () => Promise.reject(new BrokerError('NOT_SUPPORTED', 'The paper engine asks no questions about orders.'));
}
