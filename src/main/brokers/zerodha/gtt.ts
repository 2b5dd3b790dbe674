import {
  BrokerError,
  type BrokerContext,
  type ExitLegRole,
  type ProtectiveExitCapability,
  type ProtectiveExitRequest,
  type ProtectiveExitStatus,
} from '../types';
import { isRecord, num, record, text, type JsonRecord } from '../json';
import { kite } from './client';
import { toBrokerOrder, toKiteInstrument } from './mapping';

/**
 * Protective exits as Kite GTTs (kite.trade/docs/connect/v3/gtt): an OCO is a two-leg GTT (`trigger_values` [lower,
 * upper], `orders` in the same order: Kite places the order at the index of the trigger that is hit and the GTT is
 * spent, so the other leg never reaches the exchange); a stop or a target alone is a single GTT. GTT orders are
 * LIMIT orders: the target leg's price is the target, the stop leg's is `stopLimitPrice` or else the trigger price.
 * Kite has no bracket order (BO was withdrawn) and no trailing GTT, so those kinds are left to BrokerVault.
 */

const DERIVATIVE_EXCHANGES = new Set(['NFO', 'BFO', 'CDS', 'BCD', 'MCX', 'NSEIX']);
const PRODUCTS = new Set(['CNC', 'NRML', 'MIS', 'MTF']);
/** GTT states in which the trigger still waits for its price. */
const ACTIVE_GTT = 'active';

interface Leg {
  role: 'target' | 'stop';
  trigger: number;
  price: number;
}

function legsOf(request: ProtectiveExitRequest): Leg[] {
  const legs: Leg[] = [];
  if (request.stopPrice !== undefined) legs.push({ role: 'stop', trigger: request.stopPrice, price: request.stopLimitPrice ?? request.stopPrice });
  if (request.targetPrice !== undefined) legs.push({ role: 'target', trigger: request.targetPrice, price: request.targetPrice });
  if (legs.length === 0) throw new BrokerError('BROKER_REJECTED', 'A Zerodha GTT needs a stop price, a target price or both.');
  // A SELL exit's stop is the lower trigger; a BUY exit (covering a short) has its stop above. Kite reads the lower first.
  return request.exitSide === 'SELL' ? legs : legs.reverse();
}

async function lastPrice(ctx: BrokerContext, key: string): Promise<number> {
  const data = record(await kite(ctx, { kind: 'read', method: 'GET', path: `/quote/ltp?i=${encodeURIComponent(key)}` }));
  const price = num(record(data[key]).last_price);
  if (price === null || price <= 0) throw new BrokerError('BROKER_REJECTED', `Zerodha has no last price for ${key}, which a GTT needs.`);
  return price;
}

/** Which role a GTT order plays: for a SELL exit a trigger below the price at placement is the stop; for a BUY, above. */
function roleOf(trigger: number, last: number, side: string): ExitLegRole {
  const below = trigger < last;
  return (side === 'SELL') === below ? 'stop' : 'target';
}

async function gtt(ctx: BrokerContext, id: string): Promise<JsonRecord | null> {
  try {
    return record(await kite(ctx, { kind: 'read', method: 'GET', path: `/gtt/triggers/${encodeURIComponent(id)}` }));
  } catch (error) {
    if (error instanceof BrokerError && error.code === 'BROKER_REJECTED' && /not found|invalid|no such/i.test(error.message)) return null;
    throw error;
  }
}

/** The orders a triggered GTT placed, each with its role, read from the order book (GET /orders/{id}). */
async function legOrders(ctx: BrokerContext, trigger: JsonRecord): Promise<ProtectiveExitStatus['legs']> {
  const condition = record(trigger.condition);
  const values = Array.isArray(condition.trigger_values) ? condition.trigger_values.map((v) => num(v) ?? 0) : [];
  const last = num(condition.last_price) ?? 0;
  const orders = Array.isArray(trigger.orders) ? trigger.orders.filter(isRecord) : [];
  const legs: ProtectiveExitStatus['legs'] = [];
  for (const [i, leg] of orders.entries()) {
    const orderId = text(record(record(leg.result).order_result).order_id);
    if (!orderId) continue;
    const history = await kite<unknown[]>(ctx, { kind: 'read', method: 'GET', path: `/orders/${encodeURIComponent(orderId)}` });
    const latest = Array.isArray(history) ? history.at(-1) : undefined;
    if (latest === undefined) continue;
    legs.push({ ...toBrokerOrder(latest), role: roleOf(values[i] ?? 0, last, text(leg.transaction_type) ?? 'SELL') });
  }
  return legs;
}

const FINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED']);

async function status(ctx: BrokerContext, groupId: string): Promise<ProtectiveExitStatus | null> {
  const trigger = await gtt(ctx, groupId);
  if (!trigger) return null;
  const legs = await legOrders(ctx, trigger);
  return { active: text(trigger.status) === ACTIVE_GTT || legs.some((l) => !FINAL.has(l.state)), legs };
}

export const kiteProtectiveExits: ProtectiveExitCapability = {
  kinds: ['oco'],

  async place(ctx, request) {
    if (request.kind !== 'oco') throw new BrokerError('NOT_SUPPORTED', 'Zerodha holds only OCO exits itself (a GTT); BrokerVault manages this kind.');
    if (request.timeInForce === 'IOC') throw new BrokerError('NOT_SUPPORTED', 'A Zerodha GTT order is a DAY limit order once it triggers; IOC is not offered.');
    const { exchange, tradingsymbol } = toKiteInstrument(ctx, request.symbol);
    const product = request.product && PRODUCTS.has(request.product) ? request.product : DERIVATIVE_EXCHANGES.has(exchange) ? 'NRML' : 'CNC';
    const legs = legsOf(request);
    const last = await lastPrice(ctx, `${exchange}:${tradingsymbol}`);
    const orders = legs.map((leg) => ({
      exchange,
      tradingsymbol,
      transaction_type: request.exitSide,
      quantity: request.quantity,
      order_type: 'LIMIT',
      product,
      price: leg.price,
    }));
    const data = record(
      await kite(ctx, {
        kind: 'order',
        method: 'POST',
        path: '/gtt/triggers',
        form: {
          type: legs.length === 2 ? 'two-leg' : 'single',
          condition: JSON.stringify({ exchange, tradingsymbol, trigger_values: legs.map((l) => l.trigger), last_price: last }),
          orders: JSON.stringify(orders),
        },
      }),
    );
    const id = num(data.trigger_id) ?? text(data.trigger_id);
    if (id === null) throw new BrokerError('BROKER_REJECTED', 'Zerodha accepted the GTT but returned no trigger id. Check the GTT list in Kite.');
    return { groupId: String(id), legs: [] };
  },

  /** Deletes the GTT while it waits; once it has triggered, cancels the leg order it placed if that still works. */
  async cancel(ctx, groupId) {
    const trigger = await gtt(ctx, groupId);
    if (!trigger) return;
    if (text(trigger.status) === ACTIVE_GTT) {
      try {
        await kite(ctx, { kind: 'order', method: 'DELETE', path: `/gtt/triggers/${encodeURIComponent(groupId)}` });
        return;
      } catch (error) {
        // It may have triggered between the read and the delete: fall through to its legs.
        const now = await gtt(ctx, groupId);
        if (!now || text(now.status) === ACTIVE_GTT) throw error;
        return cancelLegs(ctx, now);
      }
    }
    return cancelLegs(ctx, trigger);
  },

  status,
};

async function cancelLegs(ctx: BrokerContext, trigger: JsonRecord): Promise<void> {
  for (const leg of await legOrders(ctx, trigger)) {
    if (FINAL.has(leg.state)) continue;
    const path = `/orders/regular/${encodeURIComponent(leg.brokerOrderId)}`;
    try {
      await kite(ctx, { kind: 'order', method: 'DELETE', path });
    } catch (error) {
      // Filled or cancelled meanwhile: a finished leg is not an error.
      const latest = (await legOrders(ctx, trigger)).find((l) => l.brokerOrderId === leg.brokerOrderId);
      if (!latest || !FINAL.has(latest.state)) throw error;
    }
  }
}
