import type { SimExchange, SimOrder } from '../exchange';
import type { SimRequest, SimResponse } from '../harness';
import { findInstrument } from './instruments';
import { badRequest, CODES, error, success } from './responses';

/**
 * XTS bracket orders on the shared exchange (`POST/DELETE /interactive/orders/bracket`; body as the SDKs'
 * `place_bracketorder`): a LIMIT entry with `squarOff` and `stopLossPrice` as the target's and the stop's distances
 * from the entry price and an optional `trailingStoploss` amount (distances, leg shapes and refusal texts are the
 * simulator's reading: unconfirmed). Once the entry fills, a target (limit) and a stop-loss (stop-market) order are
 * worked with `OrderCategoryType` BO and the entry's `OrderUniqueIdentifier`; a fill of one cancels the other and the
 * stop follows the price by whole trailing steps.
 */
interface Bracket {
  entryId: string;
  squarOff: number;
  stopLoss: number;
  trailing: number;
  best: number;
  target: string | null;
  stop: string | null;
}

const round = (n: number) => Math.round(n * 100) / 100;

function jsonBody(req: SimRequest): Record<string, unknown> | null {
  try {
    const body = req.json<unknown>();
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export class XtsBracketBook {
  readonly brackets = new Map<string, Bracket>();

  constructor(private readonly exchange: SimExchange) {}

  place(req: SimRequest, appOrderId: (simId: string) => number): SimResponse {
    const body = jsonBody(req);
    if (!body) return badRequest('body', '"body" must be a JSON object');
    const need = (field: string, ok: boolean, message: string) => (ok ? null : badRequest(field, `"${field}" ${message}`));
    const quantity = body.orderQuantity;
    const invalid =
      need('orderType', body.orderType === 'LIMIT', 'must be [LIMIT] for a bracket order') ??
      need('orderSide', body.orderSide === 'BUY' || body.orderSide === 'SELL', 'must be one of [BUY, SELL]') ??
      need('orderQuantity', typeof quantity === 'number' && Number.isInteger(quantity) && quantity > 0, 'must be a positive integer') ??
      need('limitPrice', typeof body.limitPrice === 'number' && body.limitPrice > 0, 'must be a positive number') ??
      need('squarOff', typeof body.squarOff === 'number' && body.squarOff > 0, 'must be a positive number') ??
      need('stopLossPrice', typeof body.stopLossPrice === 'number' && body.stopLossPrice > 0, 'must be a positive number') ??
      need('trailingStoploss', typeof body.trailingStoploss === 'number' && body.trailingStoploss >= 0, 'must be a number') ??
      need('orderUniqueIdentifier', typeof body.orderUniqueIdentifier === 'string', 'is required');
    if (invalid) return invalid;
    const instrument = findInstrument(String(body.exchangeSegment ?? ''), Number(body.exchangeInstrumentID));
    if (!instrument) return error(400, CODES.orderRejected, 'Instrument not found');
    if ((quantity as number) % instrument.lotSize !== 0) {
      return error(400, CODES.orderRejected, `Order quantity should be in multiples of lot size ${instrument.lotSize}`);
    }
    const entry = this.exchange.place({
      symbol: instrument.symbol,
      side: body.orderSide as 'BUY' | 'SELL',
      quantity: quantity as number,
      type: 'LIMIT',
      limitPrice: body.limitPrice as number,
      clientOrderId: body.orderUniqueIdentifier as string,
      extra: { productType: 'MIS', timeInForce: 'DAY', category: 'BO' },
    });
    this.brackets.set(entry.id, {
      entryId: entry.id,
      squarOff: body.squarOff as number,
      stopLoss: body.stopLossPrice as number,
      trailing: body.trailingStoploss as number,
      best: 0,
      target: null,
      stop: null,
    });
    this.settle();
    return success('s-orders-0001', 'Request sent', { AppOrderID: appOrderId(entry.id), OrderUniqueIdentifier: entry.clientOrderId });
  }

  /** DELETE ?boEntryOrderId=: the entry while it waits, else the working legs. */
  cancel(entryId: string | undefined): SimResponse {
    this.settle();
    const b = entryId ? this.brackets.get(entryId) : undefined;
    if (!b) return error(400, CODES.orderRejected, 'Bracket order not found');
    const working = [b.entryId, b.target, b.stop].filter((id): id is string => id !== null && this.exchange.orders.get(id)?.status === 'OPEN');
    if (working.length === 0) return error(400, CODES.orderRejected, 'Bracket order cannot be cancelled: it is already complete');
    for (const id of working) this.exchange.cancel(id);
    return success('s-orders-0001', 'Request sent', {});
  }

  settle(): void {
    this.exchange.settle();
    for (const b of this.brackets.values()) {
      const entry = this.exchange.orders.get(b.entryId);
      if (!entry || entry.status !== 'FILLED') continue;
      const long = entry.side === 'BUY';
      if (b.target === null) {
        const fill = entry.averagePrice ?? 0;
        b.best = fill;
        const leg = (type: SimOrder['type'], price: number) =>
          this.exchange.place({
            symbol: entry.symbol,
            side: long ? 'SELL' : 'BUY',
            quantity: entry.quantity,
            type,
            limitPrice: type === 'LIMIT' ? price : null,
            stopPrice: type === 'STOP' ? price : null,
            clientOrderId: entry.clientOrderId,
            extra: { ...entry.extra },
          }).id;
        b.target = leg('LIMIT', round(long ? fill + b.squarOff : fill - b.squarOff));
        b.stop = leg('STOP', round(long ? fill - b.stopLoss : fill + b.stopLoss));
      }
      const target = this.exchange.orders.get(b.target)!;
      const stop = this.exchange.orders.get(b.stop!)!;
      if (target.status === 'FILLED' && stop.status === 'OPEN') this.exchange.cancel(stop.id);
      if (stop.status === 'FILLED' && target.status === 'OPEN') this.exchange.cancel(target.id);
      if (b.trailing > 0 && stop.status === 'OPEN') {
        const price = this.exchange.price(entry.symbol);
        const steps = Math.floor((long ? price - b.best : b.best - price) / b.trailing);
        if (steps > 0) {
          const move = steps * b.trailing * (long ? 1 : -1);
          b.best += move;
          this.exchange.modify(stop.id, { stopPrice: round(stop.stopPrice! + move) });
        }
      }
    }
  }
}
