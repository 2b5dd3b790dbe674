import type { SimExchange, SimOrder } from '../exchange';

/**
 * Angel One ROBO (bracket) orders on the shared exchange: a LIMIT entry (`variety` ROBO, `producttype` BO) with
 * `squareoff` and `stoploss` as distances from the entry price and an optional `trailingStopLoss` amount. When the
 * entry fills, the target (LIMIT at fill ± squareoff) and the stop loss (stop-market at fill ∓ stoploss) are placed as
 * orders whose `parentorderid` is the entry; a fill of one cancels the other, and with a trailing amount the stop
 * follows the price by whole steps of it. Leg shapes and the trailing rule are the simulator's reading of the sheet
 * (unconfirmed).
 */
interface Robo {
  entryId: string;
  squareoff: number;
  stoploss: number;
  trailing: number;
  /** The best price since the legs were armed. */
  best: number;
  target: string | null;
  stop: string | null;
}

const round = (n: number) => Math.round(n * 100) / 100;

export class AngelRoboBook {
  readonly robos = new Map<string, Robo>();

  constructor(private readonly exchange: SimExchange) {}

  register(entry: SimOrder, squareoff: number, stoploss: number, trailing: number): void {
    this.robos.set(entry.id, { entryId: entry.id, squareoff, stoploss, trailing, best: 0, target: null, stop: null });
  }

  settle(): void {
    this.exchange.settle();
    for (const robo of this.robos.values()) this.settleOne(robo);
  }

  private settleOne(robo: Robo): void {
    const entry = this.exchange.orders.get(robo.entryId);
    if (!entry || entry.status !== 'FILLED') return;
    const long = entry.side === 'BUY';
    const exit = long ? 'SELL' : 'BUY';
    if (robo.target === null) {
      const fill = entry.averagePrice ?? entry.limitPrice ?? 0;
      robo.best = fill;
      const leg = (type: SimOrder['type'], price: number, ordertype: string) =>
        this.exchange.place({
          symbol: entry.symbol,
          side: exit,
          quantity: entry.quantity,
          type,
          limitPrice: type === 'LIMIT' ? price : null,
          stopPrice: type === 'STOP' ? price : null,
          clientOrderId: entry.clientOrderId,
          extra: { ...entry.extra, ordertype, parentorderid: entry.id, uniqueorderid: `${entry.extra.uniqueorderid ?? ''}-${ordertype}` },
        }).id;
      robo.target = leg('LIMIT', round(long ? fill + robo.squareoff : fill - robo.squareoff), 'LIMIT');
      robo.stop = leg('STOP', round(long ? fill - robo.stoploss : fill + robo.stoploss), 'STOPLOSS_MARKET');
    }
    const target = this.exchange.orders.get(robo.target)!;
    const stop = this.exchange.orders.get(robo.stop!)!;
    if (target.status === 'FILLED' && stop.status === 'OPEN') this.exchange.cancel(stop.id);
    if (stop.status === 'FILLED' && target.status === 'OPEN') this.exchange.cancel(target.id);
    if (robo.trailing > 0 && stop.status === 'OPEN') {
      const favour = long ? this.exchange.price(entry.symbol) - robo.best : robo.best - this.exchange.price(entry.symbol);
      const steps = Math.floor(favour / robo.trailing);
      if (steps > 0) {
        const move = steps * robo.trailing * (long ? 1 : -1);
        robo.best += move;
        this.exchange.modify(stop.id, { stopPrice: round(stop.stopPrice! + move) });
      }
    }
  }
}
