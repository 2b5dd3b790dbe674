import type { BrokerContext, OrderRequest } from '../types';
import { num } from '../json';
import { toTastySymbol } from './symbols';

const ORDER_TYPES = { MARKET: 'Market', LIMIT: 'Limit', STOP: 'Stop', STOP_LIMIT: 'Stop Limit' } as const;
const TIME_IN_FORCE = { DAY: 'Day', GTC: 'GTC', IOC: 'IOC' } as const;

/** Leg action: opening buys and closing sells by default; product SHORT opens a short, COVER closes one. */
function action(order: OrderRequest, crypto: boolean): string {
  if (crypto) return order.side === 'BUY' ? 'Buy to Open' : 'Sell to Close';
  const product = order.product?.toUpperCase();
  if (order.side === 'SELL') return product === 'SHORT' ? 'Sell to Open' : 'Sell to Close';
  return product === 'COVER' ? 'Buy to Close' : 'Buy to Open';
}

const decimal = (n: number | undefined) => (n === undefined ? undefined : String(n));

/** The JSON body of `POST /accounts/{n}/orders` (and of its dry run). */
export function orderBody(ctx: BrokerContext, order: OrderRequest): Record<string, unknown> {
  const instrument = toTastySymbol(ctx, order.symbol);
  const priced = order.type === 'LIMIT' || order.type === 'STOP_LIMIT';
  const stopped = order.type === 'STOP' || order.type === 'STOP_LIMIT';
  const body: Record<string, unknown> = {
    'time-in-force': TIME_IN_FORCE[order.timeInForce ?? 'DAY'],
    'order-type': ORDER_TYPES[order.type],
    'external-identifier': order.clientOrderId,
    source: 'BrokerVault',
    legs: [
      {
        'instrument-type': instrument.instrumentType,
        symbol: instrument.symbol,
        quantity: order.quantity,
        action: action(order, instrument.instrumentType === 'Cryptocurrency'),
      },
    ],
  };
  if (priced) {
    body.price = decimal(order.limitPrice);
    // Paying for a buy is a debit, receiving for a sell a credit.
    body['price-effect'] = order.side === 'BUY' ? 'Debit' : 'Credit';
  }
  if (stopped) body['stop-trigger'] = decimal(order.stopPrice);
  return body;
}

export interface DryRunResult {
  /** Change in buying power if the order were placed (negative = uses buying power). */
  buyingPowerChange: number | null;
  /** Estimated fees and commissions. */
  fees: number | null;
  warnings: string[];
}

interface Effect {
  'change-in-buying-power'?: string;
  'change-in-buying-power-effect'?: string;
}

export function toDryRun(data: {
  'buying-power-effect'?: Effect;
  'fee-calculation'?: { 'total-fees'?: string };
  warnings?: { message?: string }[];
}): DryRunResult {
  const effect = data['buying-power-effect'];
  const change = num(effect?.['change-in-buying-power']);
  return {
    buyingPowerChange: change === null ? null : effect?.['change-in-buying-power-effect'] === 'Debit' ? -change : change,
    fees: num(data['fee-calculation']?.['total-fees']),
    warnings: (data.warnings ?? []).map((w) => w.message).filter((m): m is string => typeof m === 'string'),
  };
}
