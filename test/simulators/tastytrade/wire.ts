import type { SimOrder, SimPosition } from '../exchange';
import { dec, LISTINGS } from './market';

const STATUS: Record<SimOrder['status'], string> = { OPEN: 'Live', FILLED: 'Filled', CANCELLED: 'Cancelled', REJECTED: 'Rejected' };
const ORDER_TYPES: Record<SimOrder['type'], string> = { MARKET: 'Market', LIMIT: 'Limit', STOP: 'Stop', STOP_LIMIT: 'Stop Limit' };

export function orderJson(o: SimOrder, account: string, statusOverride?: string): Record<string, unknown> {
  const type = LISTINGS[o.symbol]?.type ?? 'Equity';
  // The placement answer shows the order as just routed: no fills yet, whatever happened since.
  const routed = statusOverride === 'Routed';
  const filled = routed ? 0 : o.filledQuantity;
  const fills =
    filled > 0 && o.averagePrice !== null
      ? [
          {
            'ext-group-fill-id': `G${o.id}`,
            'ext-exec-id': `E${o.id}`,
            'fill-id': `F${o.id}`,
            quantity: String(o.filledQuantity),
            'fill-price': dec(o.averagePrice),
            'filled-at': new Date(o.updatedAt).toISOString(),
          },
        ]
      : [];
  // A complex order's leg waiting on its trigger is Contingent.
  const status = statusOverride ?? (o.status === 'OPEN' && o.extra.held === '1' ? 'Contingent' : STATUS[o.status]);
  const working = o.status === 'OPEN';
  return {
    id: Number(o.id),
    'account-number': account,
    'time-in-force': o.extra.tif ?? 'Day',
    'order-type': ORDER_TYPES[o.type],
    size: o.quantity,
    'underlying-symbol': o.symbol,
    'underlying-instrument-type': type,
    ...(o.limitPrice !== null ? { price: dec(o.limitPrice), 'price-effect': o.extra.priceEffect ?? 'Debit' } : {}),
    ...(o.stopPrice !== null ? { 'stop-trigger': dec(o.stopPrice) } : {}),
    status,
    cancellable: routed || (working && !statusOverride),
    editable: routed || (working && !statusOverride),
    edited: false,
    ...(o.clientOrderId ? { 'external-identifier': o.clientOrderId } : {}),
    ...(o.rejectReason ? { 'reject-reason': o.rejectReason } : {}),
    'received-at': new Date(o.createdAt).toISOString(),
    'updated-at': o.updatedAt,
    ...(o.status === 'FILLED' ? { 'terminal-at': new Date(o.updatedAt).toISOString() } : {}),
    legs: [
      {
        'instrument-type': type,
        symbol: o.symbol,
        quantity: o.quantity,
        'remaining-quantity': o.quantity - filled,
        action: o.extra.action ?? (o.side === 'BUY' ? 'Buy to Open' : 'Sell to Close'),
        fills,
      },
    ],
  };
}

export function positionJson(p: SimPosition, account: string, mark: number | null, at: number): Record<string, unknown> {
  const type = LISTINGS[p.symbol]?.type ?? 'Equity';
  return {
    'account-number': account,
    symbol: p.symbol,
    'instrument-type': type,
    'underlying-symbol': p.symbol,
    quantity: Math.abs(p.quantity),
    'quantity-direction': p.quantity > 0 ? 'Long' : p.quantity < 0 ? 'Short' : 'Zero',
    'close-price': dec(p.averagePrice),
    'average-open-price': dec(p.averagePrice),
    'average-yearly-market-close-price': dec(p.averagePrice),
    'average-daily-market-close-price': dec(p.averagePrice),
    ...(mark !== null ? { mark: dec(mark), 'mark-price': dec(mark) } : {}),
    multiplier: 1,
    'cost-effect': p.quantity >= 0 ? 'Debit' : 'Credit',
    'is-suppressed': false,
    'is-frozen': false,
    'realized-day-gain': dec(Math.abs(p.realizedPnl)),
    'realized-day-gain-effect': p.realizedPnl >= 0 ? 'Credit' : 'Debit',
    'realized-today': dec(Math.abs(p.realizedPnl)),
    'realized-today-effect': p.realizedPnl >= 0 ? 'Credit' : 'Debit',
    'created-at': new Date(at).toISOString(),
    'updated-at': new Date(at).toISOString(),
  };
}
