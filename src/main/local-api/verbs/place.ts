import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { OrderTicket, OrderView } from '../../../shared/schemas';
import type { Venue } from '../../trading/venue';
import { SerialQueue } from '../../vault/serial-queue';
import { ApiError, type VerbContext } from '../verb';
import { defineVerb, fields, success, symbolsFor, tradingVenue, type Symbols } from './common';
import { errorReply } from './run';

/** The fields of one order in OpenAlgo's names. */
const orderShape = {
  symbol: fields.symbol,
  exchange: fields.exchange,
  action: fields.action,
  quantity: fields.quantity,
  pricetype: fields.pricetype.default('MARKET'),
  product: fields.product.default('MIS'),
  price: fields.price,
  trigger_price: fields.price,
  disclosed_quantity: fields.disclosedQuantity,
};
const OrderFields = z.strictObject(orderShape);
export type OrderFields = z.infer<typeof OrderFields>;

const TYPE = { MARKET: 'MARKET', LIMIT: 'LIMIT', SL: 'STOP_LIMIT', 'SL-M': 'STOP' } as const;

/** A fresh ticket id per API order: the order path's idempotency key (the journal's client order id is bv-<it>). */
export function apiTicketId(): string {
  return `api-${randomBytes(10).toString('hex')}`;
}

/**
 * OpenAlgo's order fields → BrokerVault's ticket. SL is a stop-limit (price and trigger_price), SL-M a stop order
 * (trigger_price). `product` goes to Indian brokers only; US and crypto brokers pick their own. disclosed_quantity is
 * accepted and not used.
 */
export function orderTicket(input: OrderFields, symbols: Symbols, ticketId = apiTicketId()): OrderTicket {
  const symbol = symbols.toCommon(input);
  if (!symbol.startsWith('CRYPTO:') && !Number.isInteger(input.quantity)) throw new ApiError(400, 'quantity: must be a whole number above 0.');
  const type = TYPE[input.pricetype];
  const price = input.price ?? 0;
  const trigger = input.trigger_price ?? 0;
  if ((type === 'LIMIT' || type === 'STOP_LIMIT') && price <= 0) throw new ApiError(400, `price: a ${input.pricetype} order needs a price above 0.`);
  if ((type === 'STOP' || type === 'STOP_LIMIT') && trigger <= 0) {
    throw new ApiError(400, `trigger_price: a ${input.pricetype} order needs a trigger_price above 0.`);
  }
  const indian = symbols.dialect !== 'us' && symbols.dialect !== 'crypto';
  return {
    ticketId,
    symbol,
    side: input.action,
    quantity: input.quantity,
    type,
    ...(type === 'LIMIT' || type === 'STOP_LIMIT' ? { limitPrice: price } : {}),
    ...(type === 'STOP' || type === 'STOP_LIMIT' ? { stopPrice: trigger } : {}),
    ...(indian ? { product: input.product } : {}),
  };
}

/**
 * One API order through the one order path (source 'api'): mode, limits, kill switch, idempotency, journal. The
 * journal id is the `orderid`. An order above a pre-trade limit is refused: the API cannot give the trader's
 * confirmation. A broker's question before an order waits for the trader's answer in the app.
 */
export async function placeThroughPath(
  ctx: VerbContext,
  venue: Venue,
  ticket: OrderTicket,
): Promise<{ order: OrderView; note: string | null; slices: OrderView[] }> {
  const result = await ctx.services.trading.orders.placeOn(venue, ticket, 'api');
  if (result.status === 'needs-confirmation') {
    throw new ApiError(400, `The order breaks your pre-trade limits (${result.reasons.join(' ')}). API orders above a limit are refused; nothing was sent.`);
  }
  if (result.status === 'needs-broker-answer') {
    return {
      order: result.order,
      note: `The broker asks before placing it: answer in the BrokerVault app. ${result.prompts.join(' ')}`,
      slices: [result.order],
    };
  }
  const order = result.order;
  // Refused before it reached the broker: an error, as OpenAlgo answers a refused placement.
  if (order.state === 'REJECTED' && order.brokerOrderId === null && !result.split) {
    throw new ApiError(400, order.message ?? 'The order was rejected; nothing was placed.');
  }
  return { order, note: result.split?.stopped ?? null, slices: result.split?.orders ?? [order] };
}

export const placeorder = defineVerb({
  name: 'placeorder',
  permission: 'trade',
  input: z.strictObject({ strategy: fields.strategy, ...orderShape }),
  async run(ctx, input) {
    const venue = tradingVenue(ctx);
    const ticket = orderTicket(input, await symbolsFor(ctx, venue));
    const { order, note } = await placeThroughPath(ctx, venue, ticket);
    return success(undefined, { orderid: order.id, ...(note ? { message: note } : {}) });
  },
});

/** Smart-order queues per service graph (its trading core), keyed by venue and symbol. */
const smartQueues = new WeakMap<object, Map<string, SerialQueue>>();

function smartQueue(ctx: VerbContext, key: string): SerialQueue {
  let queues = smartQueues.get(ctx.services.trading);
  if (!queues) smartQueues.set(ctx.services.trading, (queues = new Map()));
  let queue = queues.get(key);
  if (!queue) queues.set(key, (queue = new SerialQueue()));
  return queue;
}

/**
 * placesmartorder: trade to a target net position. The order is the difference between position_size and what is
 * held in the symbol now (BUY to go up, SELL to go down); `action` and `quantity` are checked but the difference
 * decides. Nothing is placed when the position already matches.
 */
export const placesmartorder = defineVerb({
  name: 'placesmartorder',
  permission: 'trade',
  input: z.strictObject({ strategy: fields.strategy, ...orderShape, position_size: fields.positionSize }),
  async run(ctx, input) {
    const venue = tradingVenue(ctx);
    const symbols = await symbolsFor(ctx, venue);
    const common = symbols.toCommon(input);
    // SECURITY: one smart order at a time per venue and symbol, so two never read the same position and both trade the difference.
    return smartQueue(ctx, `${venue.mode}:${venue.connectionId ?? ''}:${common}`).run(async () => {
      const held = (await venue.positions()).filter((p) => p.symbol === common).reduce((s, p) => s + p.quantity, 0);
      const delta = input.position_size - held;
      if (delta === 0) return success(undefined, { message: `No order placed: the position in ${input.symbol.toUpperCase()} is already ${held}.` });
      const ticket = orderTicket({ ...input, action: delta > 0 ? 'BUY' : 'SELL', quantity: Math.abs(delta) }, symbols);
      const { order, note } = await placeThroughPath(ctx, venue, ticket);
      return success(undefined, { orderid: order.id, ...(note ? { message: note } : {}) });
    });
  },
});

const MAX_BASKET = 20;

/** basketorder: up to 20 orders, BUY legs sent before SELL legs (margin); each answers on its own, in the order given. */
export const basketorder = defineVerb({
  name: 'basketorder',
  permission: 'trade',
  input: z.strictObject({
    strategy: fields.strategy,
    orders: z.array(OrderFields).min(1, 'must hold at least one order').max(MAX_BASKET, `must hold at most ${MAX_BASKET} orders`),
  }),
  async run(ctx, input) {
    const venue = tradingVenue(ctx);
    const symbols = await symbolsFor(ctx, venue);
    const results: Record<string, unknown>[] = new Array(input.orders.length);
    const sequence = input.orders.map((o, i) => ({ o, i })).sort((a, b) => Number(a.o.action === 'SELL') - Number(b.o.action === 'SELL'));
    for (const { o, i } of sequence) {
      try {
        const { order, note } = await placeThroughPath(ctx, venue, orderTicket(o, symbols));
        results[i] = { symbol: o.symbol, status: 'success', orderid: order.id, ...(note ? { message: note } : {}) };
      } catch (error) {
        results[i] = { symbol: o.symbol, status: 'error', message: errorReply(error).body.message };
      }
    }
    return success(undefined, { results });
  },
});

const MAX_SPLITS = 50;

/** splitorder: `quantity` sent as orders of `splitsize` (the last one smaller), each through the order path. */
export const splitorder = defineVerb({
  name: 'splitorder',
  permission: 'trade',
  input: z.strictObject({ strategy: fields.strategy, ...orderShape, splitsize: fields.quantity }),
  async run(ctx, input) {
    const venue = tradingVenue(ctx);
    const symbols = await symbolsFor(ctx, venue);
    if (!Number.isInteger(input.splitsize)) throw new ApiError(400, 'splitsize: must be a whole number above 0.');
    const count = Math.ceil(input.quantity / input.splitsize);
    if (count > MAX_SPLITS) throw new ApiError(400, `splitsize: ${count} orders is more than the ${MAX_SPLITS} one split may send; use a larger splitsize.`);
    const results: Record<string, unknown>[] = [];
    for (let n = 1, left = input.quantity; left > 0; n++) {
      const quantity = Math.min(input.splitsize, left);
      left -= quantity;
      try {
        const { order } = await placeThroughPath(ctx, venue, orderTicket({ ...input, quantity }, symbols));
        results.push({ order_num: n, orderid: order.id, quantity, status: 'success' });
      } catch (error) {
        results.push({ order_num: n, quantity, status: 'error', message: errorReply(error).body.message });
      }
    }
    return success(undefined, { split_size: input.splitsize, total_quantity: input.quantity, results });
  },
});
