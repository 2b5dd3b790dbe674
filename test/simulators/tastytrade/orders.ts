import type { SimRequest, SimResponse } from '../harness';
import type { SimExchange, SimOrderType } from '../exchange';
import { dec, LISTINGS } from './market';

const ORDER_TYPES: Record<string, SimOrderType> = { Market: 'MARKET', Limit: 'LIMIT', Stop: 'STOP', 'Stop Limit': 'STOP_LIMIT' };
const TIME_IN_FORCE = ['Day', 'GTC', 'GTD', 'Ext', 'Ext Overnight', 'GTC Ext', 'GTC Ext Overnight', 'IOC'];
const ACTIONS = ['Buy to Open', 'Buy to Close', 'Sell to Open', 'Sell to Close', 'Buy', 'Sell'];

export interface ParsedOrder {
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: number;
  type: SimOrderType;
  limitPrice: number | null;
  stopPrice: number | null;
  externalId: string | null;
  extra: Record<string, string>;
}

export function validation(message: string): SimResponse {
  return { status: 400, json: { error: { code: 'validation_error', message: 'Request validation failed', errors: [{ code: 'invalid_parameter', message }] } } };
}

export function preflight(code: string, message: string): SimResponse {
  return { status: 422, json: { error: { code: 'preflight_check_failure', message: 'One or more preflight checks failed', errors: [{ code, message }] } } };
}

/** Parse and check an order body the way the order endpoints do: schema → 400, preflight → 422. */
export function parseOrder(req: SimRequest, exchange: SimExchange): { order: ParsedOrder } | { refusal: SimResponse } {
  const result = check(req, exchange);
  return 'symbol' in result ? { order: result } : { refusal: result };
}

function check(req: SimRequest, exchange: SimExchange): ParsedOrder | SimResponse {
  let body: Record<string, unknown>;
  try {
    body = req.json();
  } catch {
    return validation('Malformed JSON');
  }
  return checkBody(body, exchange);
}

/** Check one order object (also each order of a complex order); a SimResponse is the refusal. */
export function checkBody(body: Record<string, unknown>, exchange: SimExchange): ParsedOrder | SimResponse {
  if (typeof body !== 'object' || body === null) return validation('order must be an object');
  const legs = body.legs as Record<string, unknown>[] | undefined;
  const leg = Array.isArray(legs) && legs.length === 1 ? legs[0]! : null;
  if (!leg) return validation('legs must hold exactly one leg in this simulator');
  const type = ORDER_TYPES[String(body['order-type'])];
  if (!type) return validation('order-type is not valid');
  if (!TIME_IN_FORCE.includes(String(body['time-in-force']))) return validation('time-in-force is not valid');
  const action = String(leg.action);
  if (!ACTIONS.includes(action)) return validation('legs[0].action is not valid');
  const quantity = Number(leg.quantity);
  if (!(quantity > 0)) return validation('legs[0].quantity must be greater than 0');
  const needsPrice = type === 'LIMIT' || type === 'STOP_LIMIT';
  const price = body.price === undefined ? null : Number(body.price);
  if (needsPrice && (price === null || !(price > 0))) return validation('price is required for this order type');
  const stop = body['stop-trigger'] === undefined ? null : Number(body['stop-trigger']);
  if ((type === 'STOP' || type === 'STOP_LIMIT') && (stop === null || !(stop > 0))) return validation('stop-trigger is required for this order type');
  const side = action.startsWith('Buy') ? 'BUY' : 'SELL';
  const effect = String(body['price-effect'] ?? '');
  if (needsPrice && effect !== 'Debit' && effect !== 'Credit') return validation('price-effect is required with a price');
  const symbol = String(leg.symbol ?? '');
  const listing = LISTINGS[symbol];
  if (!listing || listing.type !== leg['instrument-type'])
    return preflight('invalid_symbol', `Symbol ${symbol.slice(0, 16)} is not tradable as ${String(leg['instrument-type']).slice(0, 20)}`);
  if (needsPrice && side === 'BUY' && effect === 'Credit') return preflight('cant_buy_for_credit', 'You cannot buy for a credit.');
  if (needsPrice && side === 'SELL' && effect === 'Debit') return preflight('cant_sell_for_debit', 'You cannot sell for a debit.');
  const cost = quantity * (price ?? exchange.price(symbol));
  if (side === 'BUY' && cost > exchange.cash) {
    return preflight('insufficient_buying_power', `This order requires $${cost.toFixed(2)} of buying power; $${exchange.cash.toFixed(2)} is available.`);
  }
  const externalId = typeof body['external-identifier'] === 'string' ? body['external-identifier'] : null;
  return {
    symbol,
    side,
    quantity,
    type,
    limitPrice: needsPrice ? price : null,
    stopPrice: stop,
    externalId,
    extra: { tif: String(body['time-in-force']), action, ...(needsPrice ? { priceEffect: effect } : {}) },
  };
}

/** The dry-run extras also returned on placement. */
export function effects(order: ParsedOrder, exchange: SimExchange): Record<string, unknown> {
  const cost = order.quantity * (order.limitPrice ?? exchange.price(order.symbol));
  const fees = Math.round(order.quantity * 0.0008 * 100) / 100;
  const debit = order.side === 'BUY';
  const after = debit ? exchange.cash - cost : exchange.cash;
  return {
    'buying-power-effect': {
      'change-in-margin-requirement': dec(debit ? cost : 0),
      'change-in-margin-requirement-effect': debit ? 'Debit' : 'None',
      'change-in-buying-power': dec(debit ? cost : 0),
      'change-in-buying-power-effect': debit ? 'Debit' : 'None',
      'current-buying-power': dec(exchange.cash),
      'current-buying-power-effect': 'Credit',
      'new-buying-power': dec(after),
      'new-buying-power-effect': 'Credit',
      'isolated-order-margin-requirement': dec(debit ? cost : 0),
      'isolated-order-margin-requirement-effect': debit ? 'Debit' : 'None',
      'is-spread': false,
      impact: dec(debit ? cost : 0),
      effect: debit ? 'Debit' : 'None',
    },
    'fee-calculation': {
      'regulatory-fees': '0.0',
      'regulatory-fees-effect': 'None',
      'clearing-fees': dec(fees),
      'clearing-fees-effect': 'Debit',
      commission: '0.0',
      'commission-effect': 'None',
      'proprietary-index-option-fees': '0.0',
      'proprietary-index-option-fees-effect': 'None',
      'total-fees': dec(fees),
      'total-fees-effect': 'Debit',
    },
    warnings: order.type === 'MARKET' ? [{ code: 'market_order_warning', message: 'Market orders fill at the prevailing price.' }] : [],
  };
}
