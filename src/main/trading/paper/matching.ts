import { ORDER_TYPES, TIMES_IN_FORCE, needsLimitPrice, needsStopPrice } from '../../../shared/orders';
import { BrokerError, type OrderRequest } from '../../brokers/types';
import { checkProduct } from './products';
import type { Working } from './types';

/** What happens to a working order at a price: nothing, a STOP_LIMIT trigger, or a fill at `price`. */
export type Decision = { kind: 'none' } | { kind: 'trigger' } | { kind: 'fill'; price: number };

/** Buy limits fill at or below the limit, sell limits at or above. */
function limitCrossed(o: Working, price: number): boolean {
  return o.limitPrice !== null && (o.side === 'BUY' ? price <= o.limitPrice : price >= o.limitPrice);
}

/** Buy stops trigger at or above the stop, sell stops at or below. */
function stopCrossed(o: Working, price: number): boolean {
  return o.stopPrice !== null && (o.side === 'BUY' ? price >= o.stopPrice : price <= o.stopPrice);
}

/**
 * Limits fill at the limit price (conservative: between two observations we cannot know a better
 * price was reached); stops fill at the market price that triggered them.
 */
export function decide(o: Working, price: number): Decision {
  switch (o.type) {
    case 'MARKET':
      return { kind: 'fill', price };
    case 'LIMIT':
      return limitCrossed(o, price) ? { kind: 'fill', price: o.limitPrice! } : { kind: 'none' };
    case 'STOP':
      return stopCrossed(o, price) ? { kind: 'fill', price } : { kind: 'none' };
    case 'STOP_LIMIT': {
      if (!o.triggered && !stopCrossed(o, price)) return { kind: 'none' };
      if (limitCrossed(o, price)) return { kind: 'fill', price: o.limitPrice! };
      return o.triggered ? { kind: 'none' } : { kind: 'trigger' };
    }
  }
}

const MAX_QUANTITY = 1e9;

function reject(message: string): never {
  throw new BrokerError('BROKER_REJECTED', message);
}

function checkPrice(name: string, value: number | undefined): void {
  if (value === undefined || !Number.isFinite(value) || value <= 0) reject(`${name} must be a positive number.`);
}

/**
 * Malformed requests are refused outright (nothing is stored), as a broker's API would. Orders that are
 * well formed but unaffordable are stored as REJECTED instead, so they show in the history.
 */
export function validateRequest(req: OrderRequest): void {
  if (typeof req.clientOrderId !== 'string' || req.clientOrderId.trim() === '') reject('A client order id is required.');
  if (typeof req.symbol !== 'string' || req.symbol.trim() === '') reject('A symbol is required.');
  if (req.side !== 'BUY' && req.side !== 'SELL') reject(`Unknown side "${String(req.side)}".`);
  const q = req.quantity;
  if (typeof q !== 'number' || !Number.isFinite(q) || q <= 0 || q > MAX_QUANTITY) {
    reject(`Quantity must be a positive number up to ${MAX_QUANTITY}.`);
  }
  if (req.symbol.startsWith('CRYPTO:')) {
    if (Number(q.toFixed(8)) !== q) reject('Crypto quantities can have at most 8 decimal places.');
  } else if (!Number.isInteger(q)) {
    reject(`Quantity for ${req.symbol} must be a whole number; only CRYPTO: symbols can be fractional.`);
  }
  if (!(ORDER_TYPES as readonly string[]).includes(req.type)) reject(`Unknown order type "${String(req.type)}".`);
  if (needsLimitPrice(req.type)) checkPrice('Limit price', req.limitPrice);
  if (needsStopPrice(req.type)) checkPrice('Stop price', req.stopPrice);
  checkProduct(req.product);
  if (req.timeInForce !== undefined && !(TIMES_IN_FORCE as readonly string[]).includes(req.timeInForce)) {
    reject(`Unknown time in force "${String(req.timeInForce)}".`);
  }
}
