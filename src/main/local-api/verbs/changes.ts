import { z } from 'zod';
import { isOpenOrderState } from '../../../shared/orders';
import type { OrderChangeInput } from '../../../shared/schemas';
import { ApiError } from '../verb';
import { BOOK_WINDOW, callerOwns, callerVenue, defineVerb, fields, journaledOrder, success, symbolsFor, tradingVenue } from './common';
import { apiTicketId, orderTicket, placeThroughPath } from './place';
import { errorReply } from './run';

const TYPE = { MARKET: 'MARKET', LIMIT: 'LIMIT', SL: 'STOP_LIMIT', 'SL-M': 'STOP' } as const;

/**
 * modifyorder: new quantity, price type, price and trigger price for a working order, through the order path's modify
 * (mode, kill switch, limits, a last look at the broker). symbol, exchange, action and product must be the order's
 * own: a different instrument or side is a new order. In live mode the app asks the trader to confirm every change of a
 * live order; a trade key bound to that connection is the trader's standing confirmation for changes within the
 * limits, so the API confirms that one question itself. A change above a limit is refused.
 */
export const modifyorder = defineVerb({
  name: 'modifyorder',
  permission: 'trade',
  input: z.strictObject({
    strategy: fields.strategy,
    orderid: fields.orderid,
    symbol: fields.symbol,
    exchange: fields.exchange,
    action: fields.action,
    product: fields.product,
    pricetype: fields.pricetype,
    quantity: fields.quantity,
    price: fields.price,
    trigger_price: fields.price,
    disclosed_quantity: fields.disclosedQuantity,
  }),
  async run(ctx, input) {
    const venue = tradingVenue(ctx);
    const order = journaledOrder(ctx, input.orderid);
    const symbols = await symbolsFor(ctx, venue);
    if (symbols.toCommon(input) !== order.symbol || input.action !== order.side) {
      throw new ApiError(400, 'symbol, exchange and action must be the order’s own: cancel it and place a new order to trade something else.');
    }
    const ticket = orderTicket(input, symbols, 'unused-ticket');
    const type = TYPE[input.pricetype];
    const change: OrderChangeInput = {
      quantity: ticket.quantity,
      type,
      ...(ticket.limitPrice !== undefined ? { limitPrice: ticket.limitPrice } : {}),
      ...(ticket.stopPrice !== undefined ? { stopPrice: ticket.stopPrice } : {}),
    };
    const requestId = apiTicketId();
    let result = await ctx.services.trading.orders.modify({ orderId: order.id, requestId, change });
    if (result.status === 'needs-confirmation') {
      // SECURITY: only the live-order question is answered here (it always comes first); any limit reason refuses the change.
      const limitReasons = order.mode === 'live' ? result.reasons.slice(1) : result.reasons;
      if (limitReasons.length > 0) {
        throw new ApiError(
          400,
          `The change breaks your pre-trade limits (${limitReasons.join(' ')}). API changes above a limit are refused; nothing was sent.`,
        );
      }
      result = await ctx.services.trading.orders.modify({ orderId: order.id, requestId, change, confirmationId: result.confirmationId });
      if (result.status !== 'modified') throw new ApiError(400, 'The change needs a confirmation only the app can give; nothing was sent.');
    }
    return success(undefined, { orderid: result.order.id });
  },
});

export const cancelorder = defineVerb({
  name: 'cancelorder',
  permission: 'trade',
  whileHalted: true,
  input: z.strictObject({ strategy: fields.strategy, orderid: fields.orderid }),
  async run(ctx, input) {
    // Cancelling only lowers risk: allowed while the kill switch's lock holds.
    callerVenue(ctx);
    const order = journaledOrder(ctx, input.orderid);
    await ctx.services.trading.orders.cancel(order.id);
    return success(undefined, { orderid: order.id });
  },
});

/** cancelallorder: every working journaled order of the venue the caller trades on now, one by one. */
export const cancelallorder = defineVerb({
  name: 'cancelallorder',
  permission: 'trade',
  whileHalted: true,
  input: z.strictObject({ strategy: fields.strategy }),
  async run(ctx) {
    const venue = callerVenue(ctx);
    const open = ctx.services.trading.orders
      .list({ mode: venue.mode, limit: BOOK_WINDOW })
      .filter((o) => o.connectionId === venue.connectionId && isOpenOrderState(o.state) && callerOwns(ctx, o));
    const canceled: string[] = [];
    const failed: { orderid: string; message: string }[] = [];
    for (const order of open) {
      try {
        await ctx.services.trading.orders.cancel(order.id);
        canceled.push(order.id);
      } catch (error) {
        failed.push({ orderid: order.id, message: String(errorReply(error).body.message) });
      }
    }
    return success(undefined, {
      canceled_orders: canceled,
      failed_cancellations: failed,
      message: `Cancelled ${canceled.length} order${canceled.length === 1 ? '' : 's'}; ${failed.length} could not be cancelled.`,
    });
  },
});

/** closeposition: a MARKET order against every open position of the venue, each through the order path. */
export const closeposition = defineVerb({
  name: 'closeposition',
  permission: 'trade',
  input: z.strictObject({ strategy: fields.strategy }),
  async run(ctx) {
    const venue = tradingVenue(ctx);
    const positions = (await venue.positions()).filter((p) => p.quantity !== 0);
    const failed: string[] = [];
    for (const p of positions) {
      try {
        await placeThroughPath(ctx, venue, {
          ticketId: apiTicketId(),
          symbol: p.symbol,
          side: p.quantity > 0 ? 'SELL' : 'BUY',
          quantity: Math.abs(p.quantity),
          type: 'MARKET',
        });
      } catch (error) {
        failed.push(`${p.symbol}: ${String(errorReply(error).body.message)}`);
      }
    }
    if (failed.length > 0) throw new ApiError(400, `Some positions were not closed. ${failed.join(' ')}`);
    return success(undefined, { message: positions.length ? 'All open positions squared off.' : 'No open positions to square off.' });
  },
});
