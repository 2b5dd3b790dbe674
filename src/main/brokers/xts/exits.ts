import { BrokerError, type BrokerContext, type ProtectiveExitCapability, type ProtectiveExitStatus } from '../types';
import { xtsCall, type XtsProfile } from './client';
import { resolveInstrument, segmentOf } from './instruments';
import { asRows, toBrokerOrder } from './mapping';

/**
 * Brackets as XTS bracket orders (`POST /interactive/orders/bracket`, the SDKs' `place_bracketorder`: a LIMIT entry
 * with `squarOff` (the target's distance from the entry price, as XTS spells it), `stopLossPrice` (the stop's
 * distance) and `trailingStoploss`). Once the entry fills, XTS works a target and a stop-loss order in the order book
 * (`OrderCategoryType` BO, with the entry's `OrderUniqueIdentifier`); a fill of one cancels the other. Cancel is
 * `DELETE /interactive/orders/bracket?boEntryOrderId=` (the whole bracket). Cover orders (entry and stop, no target)
 * fit none of BrokerVault's exit kinds; OCO and trailing stops for held positions stay with BrokerVault.
 */

const FINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']);
const round = (n: number) => Math.round(n * 100) / 100;

async function status(ctx: BrokerContext, profile: XtsProfile, groupId: string): Promise<ProtectiveExitStatus | null> {
  const rows = asRows(await xtsCall(ctx, profile, { api: 'interactive', method: 'GET', path: '/orders' }));
  const entryRow = rows.find((r) => String(r.AppOrderID) === groupId);
  if (!entryRow) return null;
  const tag = String(entryRow.OrderUniqueIdentifier ?? '');
  const legRows = rows.filter((r) => String(r.AppOrderID) !== groupId && r.OrderCategoryType === 'BO' && tag !== '' && r.OrderUniqueIdentifier === tag);
  const legs: ProtectiveExitStatus['legs'] = [{ ...toBrokerOrder(ctx, entryRow), role: 'entry' }];
  for (const r of legRows) legs.push({ ...toBrokerOrder(ctx, r), role: String(r.OrderType).toUpperCase().startsWith('STOP') ? 'stop' : 'target' });
  const entry = legs[0]!;
  return { active: legs.some((l) => !FINAL.has(l.state)) || (entry.state === 'FILLED' && legs.length === 1), legs };
}

export function xtsProtectiveExits(profile: XtsProfile): ProtectiveExitCapability {
  const broker = profile.descriptor.name;
  return {
    kinds: ['bracket'],

    async place(ctx, request) {
      if (request.kind !== 'bracket')
        throw new BrokerError('NOT_SUPPORTED', `${broker} holds only brackets itself (XTS bracket orders); BrokerVault manages this kind.`);
      const entry = request.entry;
      if (!entry || entry.type !== 'LIMIT' || entry.limitPrice === undefined) {
        throw new BrokerError('NOT_SUPPORTED', `A ${broker} bracket order needs a limit entry: its target and stop are distances from the entry price.`);
      }
      if (request.targetPrice === undefined || request.stopPrice === undefined) {
        throw new BrokerError('BROKER_REJECTED', `A ${broker} bracket order needs both a target price and a stop-loss price.`);
      }
      if (request.trail && !('amount' in request.trail)) {
        throw new BrokerError('NOT_SUPPORTED', `${broker}'s trailing stop-loss is a price amount; give the trail as an amount, not a percentage.`);
      }
      const long = request.exitSide === 'SELL';
      const squarOff = round(long ? request.targetPrice - entry.limitPrice : entry.limitPrice - request.targetPrice);
      const stopLoss = round(long ? entry.limitPrice - request.stopPrice : request.stopPrice - entry.limitPrice);
      if (squarOff <= 0 || stopLoss <= 0) {
        throw new BrokerError(
          'BROKER_REJECTED',
          `For a ${long ? 'long' : 'short'} bracket the target must be ${long ? 'above' : 'below'} and the stop ${long ? 'below' : 'above'} the entry price.`,
        );
      }
      const instrument = resolveInstrument(ctx, profile, request.symbol);
      const result = (await xtsCall(ctx, profile, {
        api: 'interactive',
        method: 'POST',
        path: '/orders/bracket',
        json: {
          exchangeSegment: segmentOf(instrument),
          exchangeInstrumentID: Number(instrument.token),
          orderType: 'LIMIT',
          orderSide: long ? 'BUY' : 'SELL',
          disclosedQuantity: 0,
          orderQuantity: request.quantity,
          limitPrice: entry.limitPrice,
          squarOff,
          stopLossPrice: stopLoss,
          trailingStoploss: request.trail && 'amount' in request.trail ? request.trail.amount : 0,
          isProOrder: false,
          orderUniqueIdentifier: request.clientOrderId,
        },
      })) as { AppOrderID?: unknown } | undefined;
      const id = result?.AppOrderID;
      if (typeof id !== 'number' && typeof id !== 'string') {
        throw new BrokerError('BROKER_REJECTED', `${broker} accepted the bracket but returned no AppOrderID; check the order book.`);
      }
      return { groupId: String(id), legs: [{ role: 'entry', brokerOrderId: String(id), state: 'PENDING' }] };
    },

    /** One DELETE for the whole bracket; a bracket that finished meanwhile (or is unknown) is no error. */
    async cancel(ctx, groupId) {
      const now = await status(ctx, profile, groupId);
      if (!now?.active) return;
      try {
        await xtsCall(ctx, profile, { api: 'interactive', method: 'DELETE', path: '/orders/bracket', query: { boEntryOrderId: groupId } });
      } catch (error) {
        if ((await status(ctx, profile, groupId))?.active) throw error;
      }
    },

    status: (ctx, groupId) => status(ctx, profile, groupId),
  };
}
