import { BrokerError, type BrokerContext, type ProtectiveExitCapability, type ProtectiveExitStatus } from '../types';
import { isRecord, num, text } from '../json';
import { fyers } from './client';
import { toBrokerOrder } from './mapping';
import { fyersTag, toFyersSymbol } from './symbols';

/**
 * Brackets as FYERS bracket orders (`POST /api/v3/orders/sync` with `productType` BO): a LIMIT entry with `stopLoss`
 * and `takeProfit` as the stop's and the target's distances from the entry price. Once the entry fills FYERS places
 * the legs with ids `<entry id>-BO-<n>`; a fill of one cancels the other. Cover orders (CO: entry and stop, no
 * target) fit none of BrokerVault's exit kinds; OCO and trailing stops stay with BrokerVault.
 */

const FINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']);
const round = (n: number) => Math.round(n * 100) / 100;

async function status(ctx: BrokerContext, groupId: string): Promise<ProtectiveExitStatus | null> {
  const book = await fyers(ctx, { kind: 'read', method: 'GET', path: '/api/v3/orders' });
  const rows = (Array.isArray(book.orderBook) ? book.orderBook : []).filter(isRecord);
  const mine = rows.filter((r) => text(r.id) === groupId || (text(r.id) ?? '').startsWith(`${groupId}-BO-`));
  if (!mine.some((r) => text(r.id) === groupId)) return null;
  const legs = mine.map((r) => {
    const role = text(r.id) === groupId ? ('entry' as const) : num(r.type) === 3 || num(r.type) === 4 ? ('stop' as const) : ('target' as const);
    return { ...toBrokerOrder(ctx, r), role };
  });
  const entry = legs.find((l) => l.role === 'entry')!;
  return { active: legs.some((l) => !FINAL.has(l.state)) || (entry.state === 'FILLED' && legs.length === 1), legs };
}

export const fyersProtectiveExits: ProtectiveExitCapability = {
  kinds: ['bracket'],

  async place(ctx, request) {
    if (request.kind !== 'bracket') throw new BrokerError('NOT_SUPPORTED', 'FYERS holds only brackets itself (BO orders); BrokerVault manages this kind.');
    const entry = request.entry;
    if (!entry || entry.type !== 'LIMIT' || entry.limitPrice === undefined) {
      throw new BrokerError('NOT_SUPPORTED', 'A FYERS bracket order needs a limit entry: its stop and target are distances from the entry price.');
    }
    if (request.targetPrice === undefined || request.stopPrice === undefined) {
      throw new BrokerError('BROKER_REJECTED', 'A FYERS bracket order needs both a target price and a stop-loss price.');
    }
    if (request.trail) throw new BrokerError('NOT_SUPPORTED', 'FYERS bracket orders do not trail their stop; BrokerVault manages trailing stops.');
    const long = request.exitSide === 'SELL';
    const takeProfit = round(long ? request.targetPrice - entry.limitPrice : entry.limitPrice - request.targetPrice);
    const stopLoss = round(long ? entry.limitPrice - request.stopPrice : request.stopPrice - entry.limitPrice);
    if (takeProfit <= 0 || stopLoss <= 0) {
      throw new BrokerError(
        'BROKER_REJECTED',
        `For a ${long ? 'long' : 'short'} bracket the target must be ${long ? 'above' : 'below'} and the stop ${long ? 'below' : 'above'} the entry price.`,
      );
    }
    const tag = fyersTag(request.clientOrderId);
    const body = await fyers(ctx, {
      kind: 'order',
      method: 'POST',
      path: '/api/v3/orders/sync',
      json: {
        symbol: toFyersSymbol(ctx, request.symbol),
        qty: request.quantity,
        type: 1,
        side: long ? 1 : -1,
        productType: 'BO',
        limitPrice: entry.limitPrice,
        stopPrice: 0,
        validity: 'DAY',
        disclosedQty: 0,
        offlineOrder: false,
        stopLoss,
        takeProfit,
        ...(tag ? { orderTag: tag } : {}),
      },
    });
    const id = text(body.id);
    if (!id) throw new BrokerError('BROKER_REJECTED', 'FYERS accepted the bracket but returned no order id. Check the order book.');
    return { groupId: id, legs: [{ role: 'entry', brokerOrderId: id, state: 'OPEN' }] };
  },

  /** Cancels the entry while it waits, or the working legs once it filled (two passes, for an entry filling meanwhile). */
  async cancel(ctx, groupId) {
    for (let pass = 0; pass < 2; pass++) {
      const now = await status(ctx, groupId);
      if (!now?.active) return;
      for (const leg of now.legs) {
        if (FINAL.has(leg.state)) continue;
        try {
          await fyers(ctx, { kind: 'order', method: 'DELETE', path: '/api/v3/orders/sync', json: { id: leg.brokerOrderId } });
        } catch (error) {
          const again = (await status(ctx, groupId))?.legs.find((l) => l.brokerOrderId === leg.brokerOrderId);
          if (again && !FINAL.has(again.state)) throw error;
        }
      }
    }
  },

  status,
};
