import type { SimExchange, SimOrder } from '../exchange';

/**
 * FYERS bracket orders (`productType` BO) on the shared exchange: the entry carries `stopLoss` and `takeProfit` as
 * distances from its price (points; unconfirmed). Once it fills, the stop-loss leg (stop-market, id `<entry>-BO-1`)
 * and the target leg (limit, id `<entry>-BO-2`) are placed; a fill of one cancels the other. The `-BO-n` id form is
 * the sheet's; which number is which leg is the simulator's choice (unconfirmed).
 */
interface Bracket {
  entryId: string;
  stopLoss: number;
  takeProfit: number;
  armed: boolean;
}

const round = (n: number) => Math.round(n * 100) / 100;

export class FyersBracketBook {
  readonly brackets = new Map<string, Bracket>();

  constructor(private readonly exchange: SimExchange) {}

  register(entry: SimOrder, stopLoss: number, takeProfit: number): void {
    this.brackets.set(entry.id, { entryId: entry.id, stopLoss, takeProfit, armed: false });
  }

  /** Arms legs of filled entries and cancels the sibling of a filled leg; true when an order changed. */
  settle(): boolean {
    this.exchange.settle();
    let changed = false;
    for (const b of this.brackets.values()) {
      const entry = this.exchange.orders.get(b.entryId);
      if (!entry || entry.status !== 'FILLED') continue;
      const long = entry.side === 'BUY';
      const stopId = `${entry.id}-BO-1`;
      const targetId = `${entry.id}-BO-2`;
      if (!b.armed) {
        b.armed = true;
        changed = true;
        const fill = entry.averagePrice ?? 0;
        const leg = (id: string, type: SimOrder['type'], price: number) =>
          this.exchange.place({
            id,
            symbol: entry.symbol,
            side: long ? 'SELL' : 'BUY',
            quantity: entry.quantity,
            type,
            limitPrice: type === 'LIMIT' ? price : null,
            stopPrice: type === 'STOP' ? price : null,
            clientOrderId: entry.clientOrderId,
            extra: { ...entry.extra, parentId: entry.id },
          });
        leg(stopId, 'STOP', round(long ? fill - b.stopLoss : fill + b.stopLoss));
        leg(targetId, 'LIMIT', round(long ? fill + b.takeProfit : fill - b.takeProfit));
      }
      const stop = this.exchange.orders.get(stopId)!;
      const target = this.exchange.orders.get(targetId)!;
      if (target.status === 'FILLED' && stop.status === 'OPEN') changed = Boolean(this.exchange.cancel(stop.id)) || changed;
      if (stop.status === 'FILLED' && target.status === 'OPEN') changed = Boolean(this.exchange.cancel(target.id)) || changed;
    }
    return changed;
  }
}
