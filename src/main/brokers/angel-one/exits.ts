import { BrokerError, type BrokerContext, type ExitLegRole, type ProtectiveExitCapability, type ProtectiveExitStatus } from '../types';
import { angelCall, PATHS } from './client';
import { requireInstrument } from './instruments';
import { orderTag, toBrokerOrder, type AngelOrderRow } from './mapping';

/**
 * Brackets as Angel One ROBO orders (SmartAPI placeOrder, `variety` ROBO, `producttype` BO): a LIMIT entry with
 * `squareoff` (the target's distance from the entry price), `stoploss` (the stop's distance) and `trailingStopLoss`
 * (a trail amount), all in price points. Once the entry fills Angel places the target and stop-loss legs as orders
 * whose `parentorderid` is the entry; a fill of one cancels the other. OCO and trailing stops for positions already
 * held are left to BrokerVault (Angel's GTT rules are not used: see docs/brokers/angel-one.md).
 */

const FINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']);
const round = (n: number) => Math.round(n * 100) / 100;

function roleOf(row: AngelOrderRow, groupId: string): ExitLegRole {
  if (String(row.orderid) === groupId) return 'entry';
  return String(row.ordertype).toUpperCase().startsWith('STOPLOSS') ? 'stop' : 'target';
}

async function group(ctx: BrokerContext, groupId: string): Promise<AngelOrderRow[]> {
  const rows = (await angelCall<AngelOrderRow[] | null>(ctx, { method: 'GET', path: PATHS.orderBook })) ?? [];
  return rows.filter((r) => String(r.orderid) === groupId || String(r.parentorderid) === groupId);
}

async function status(ctx: BrokerContext, groupId: string): Promise<ProtectiveExitStatus | null> {
  const rows = await group(ctx, groupId);
  if (!rows.some((r) => String(r.orderid) === groupId)) return null;
  const legs = rows.map((r) => ({ ...toBrokerOrder(r), role: roleOf(r, groupId) }));
  const entry = legs.find((l) => l.role === 'entry')!;
  const armed = legs.length > 1;
  // A filled entry whose legs Angel has not listed yet still has its exits to come.
  const active = legs.some((l) => !FINAL.has(l.state)) || (entry.state === 'FILLED' && !armed);
  return { active, legs };
}

export const angelProtectiveExits: ProtectiveExitCapability = {
  kinds: ['bracket'],

  async place(ctx, request) {
    if (request.kind !== 'bracket')
      throw new BrokerError('NOT_SUPPORTED', 'Angel One holds only brackets itself (ROBO orders); BrokerVault manages this kind.');
    const entry = request.entry;
    if (!entry || entry.type !== 'LIMIT' || entry.limitPrice === undefined) {
      throw new BrokerError('NOT_SUPPORTED', 'An Angel One ROBO bracket needs a limit entry: its target and stop are distances from the entry price.');
    }
    if (request.targetPrice === undefined || request.stopPrice === undefined) {
      throw new BrokerError('BROKER_REJECTED', 'An Angel One ROBO bracket needs both a target price and a stop-loss price.');
    }
    if (request.trail && !('amount' in request.trail)) {
      throw new BrokerError('NOT_SUPPORTED', "Angel One's trailing stop-loss is a price amount; give the trail as an amount, not a percentage.");
    }
    const long = request.exitSide === 'SELL';
    const squareoff = round(long ? request.targetPrice - entry.limitPrice : entry.limitPrice - request.targetPrice);
    const stoploss = round(long ? entry.limitPrice - request.stopPrice : request.stopPrice - entry.limitPrice);
    if (squareoff <= 0 || stoploss <= 0) {
      throw new BrokerError(
        'BROKER_REJECTED',
        `For a ${long ? 'long' : 'short'} bracket the target must be ${long ? 'above' : 'below'} and the stop ${long ? 'below' : 'above'} the entry price.`,
      );
    }
    const instrument = requireInstrument(ctx, request.symbol);
    const data = await angelCall<{ orderid?: string } | null>(ctx, {
      method: 'POST',
      path: PATHS.placeOrder,
      json: {
        variety: 'ROBO',
        tradingsymbol: instrument.brokerSymbol,
        symboltoken: instrument.token,
        transactiontype: long ? 'BUY' : 'SELL',
        exchange: instrument.exchange,
        ordertype: 'LIMIT',
        producttype: 'BO',
        duration: 'DAY',
        price: String(entry.limitPrice),
        triggerprice: '0',
        squareoff: String(squareoff),
        stoploss: String(stoploss),
        trailingStopLoss: String(request.trail && 'amount' in request.trail ? request.trail.amount : 0),
        quantity: String(request.quantity),
        ordertag: orderTag(request.clientOrderId),
      },
    });
    if (!data?.orderid) throw new BrokerError('BROKER_REJECTED', 'Angel One accepted the bracket without an order id. Check the order book.');
    // A SUCCESS only means "received": acceptance or rejection shows in the order book.
    return { groupId: data.orderid, legs: [{ role: 'entry', brokerOrderId: data.orderid, state: 'PENDING' }] };
  },

  /** Cancels the entry while it waits, or the target and stop legs once it filled; finished legs are skipped. */
  async cancel(ctx, groupId) {
    // Two passes: an entry that fills while it is being cancelled arms its legs, which the second pass cancels.
    for (let pass = 0; pass < 2; pass++) {
      const now = await status(ctx, groupId);
      if (!now?.active) return;
      for (const leg of now.legs) {
        if (FINAL.has(leg.state)) continue;
        try {
          await angelCall(ctx, { method: 'POST', path: PATHS.cancelOrder, json: { variety: 'ROBO', orderid: leg.brokerOrderId } });
        } catch (error) {
          // Filled or cancelled meanwhile (a sibling's fill cancels it): not an error.
          const again = (await status(ctx, groupId))?.legs.find((l) => l.brokerOrderId === leg.brokerOrderId);
          if (again && !FINAL.has(again.state)) throw error;
        }
      }
    }
  },

  status,
};
