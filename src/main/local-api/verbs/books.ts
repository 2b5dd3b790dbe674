import { z } from 'zod';
import type { OrderView } from '../../../shared/schemas';
import type { Venue } from '../../trading/venue';
import type { VerbContext, VerbReply } from '../verb';
import {
  BOOK_WINDOW,
  ORDER_STATUS,
  PRICE_TYPE,
  callerOwns,
  callerVenue,
  defineVerb,
  fields,
  journaledOrder,
  money,
  success,
  symbolsFor,
  timestamp,
  type Symbols,
} from './common';

/** The journal's orders of the venue the caller trades on now (the newest BOOK_WINDOW): UI, schedule and API orders alike. */
function venueOrders(ctx: VerbContext, venue: Venue): OrderView[] {
  return ctx.services.trading.orders.list({ mode: venue.mode, limit: BOOK_WINDOW }).filter((o) => o.connectionId === venue.connectionId && callerOwns(ctx, o));
}

/** One journaled order in OpenAlgo's order-book fields (orderid is BrokerVault's journal id). */
export function orderRow(order: OrderView, symbols: Symbols) {
  const oa = symbols.fromCommon(order.symbol);
  return {
    action: order.side,
    symbol: oa.symbol,
    exchange: oa.exchange,
    orderid: order.id,
    product: order.product ?? '',
    quantity: order.quantity,
    filled_quantity: order.filledQuantity,
    price: order.limitPrice ?? 0,
    pricetype: PRICE_TYPE[order.type],
    order_status: ORDER_STATUS[order.state],
    trigger_price: order.stopPrice ?? 0,
    average_price: order.averagePrice ?? 0,
    timestamp: timestamp(order.createdAt),
    broker_orderid: order.brokerOrderId ?? '',
    message: order.message ?? '',
  };
}

/** Kept answers per verb: a few keys times a few venues; past this the oldest is dropped. */
const KEPT_SCOPES = 32;

/**
 * A verb's last reply per caller scope (the venue and the accounts the key is bound to), with what it was made from.
 * A script polling at hundreds of requests a second is answered from it, frozen and already encoded, while every one
 * of those inputs is the same (===); any change (a journal write, a new trade list, a new copy of the broker's master)
 * makes the next call build it again. Safe across service graphs in one process: journal versions and master copies
 * are unique in the process (store/write-versions.ts), and a trade list is an object of its own graph.
 */
class KeptReplies {
  private readonly kept = new Map<string, { inputs: readonly unknown[]; reply: VerbReply }>();

  answer(ctx: VerbContext, venue: Venue, inputs: readonly unknown[], build: () => VerbReply): VerbReply {
    const scope = `${venue.mode}|${venue.connectionId ?? ''}|${ctx.caller.connectionIds.join(',')}`;
    const hit = this.kept.get(scope);
    if (hit && hit.inputs.length === inputs.length && hit.inputs.every((input, i) => input === inputs[i])) return hit.reply;
    const built = build();
    const reply = Object.freeze({ ...built, encoded: Buffer.from(JSON.stringify(built.body)) });
    this.kept.delete(scope);
    if (this.kept.size >= KEPT_SCOPES) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(scope, { inputs, reply });
    return reply;
  }
}

const keptBooks = new KeptReplies();

function buildBook(ctx: VerbContext, venue: Venue, symbols: Symbols): VerbReply {
  const orders = venueOrders(ctx, venue).map((order) => orderRow(order, symbols));
  const statistics = { total_buy_orders: 0, total_sell_orders: 0, total_completed_orders: 0, total_open_orders: 0, total_rejected_orders: 0 };
  for (const o of orders) {
    if (o.action === 'BUY') statistics.total_buy_orders++;
    if (o.action === 'SELL') statistics.total_sell_orders++;
    if (o.order_status === 'complete') statistics.total_completed_orders++;
    if (o.order_status === 'open') statistics.total_open_orders++;
    if (o.order_status === 'rejected') statistics.total_rejected_orders++;
  }
  return success({ orders, statistics });
}

export const orderbook = defineVerb({
  name: 'orderbook',
  permission: 'read',
  input: z.strictObject({ strategy: fields.strategy }),
  async run(ctx) {
    const venue = callerVenue(ctx);
    const symbols = await symbolsFor(ctx, venue);
    // Read after the await: the version and the orders below are read in one synchronous step.
    const journal = ctx.services.trading.orders.journalVersion();
    return keptBooks.answer(ctx, venue, [journal, symbols.key], () => buildBook(ctx, venue, symbols));
  },
});

export const orderstatus = defineVerb({
  name: 'orderstatus',
  permission: 'read',
  input: z.strictObject({ strategy: fields.strategy, orderid: fields.orderid }),
  async run(ctx, input) {
    const venue = callerVenue(ctx);
    const order = journaledOrder(ctx, input.orderid);
    return success(orderRow(order, await symbolsFor(ctx, venue)));
  },
});

const keptTradeBooks = new KeptReplies();

export const tradebook = defineVerb({
  name: 'tradebook',
  permission: 'read',
  input: z.strictObject({ strategy: fields.strategy }),
  async run(ctx) {
    const venue = callerVenue(ctx);
    const symbols = await symbolsFor(ctx, venue);
    const trades = venue.trades ? await venue.trades() : [];
    // A venue that keeps its trade book hands out the same list while it is unchanged (paper); a broker's is new each read.
    const journal = ctx.services.trading.orders.journalVersion();
    return keptTradeBooks.answer(ctx, venue, [trades, journal, symbols.key], () => {
      const journaled = new Map(venueOrders(ctx, venue).map((o) => [o.brokerOrderId, o]));
      // The newest fills first, as many as the order book's orders: a paper book holds every fill since its reset.
      const newest = [...trades].sort((a, b) => (b.executedAt ?? -Infinity) - (a.executedAt ?? -Infinity)).slice(0, BOOK_WINDOW);
      return success(
        newest.map((t) => {
          const oa = symbols.fromCommon(t.symbol);
          const order = journaled.get(t.brokerOrderId);
          return {
            action: t.side,
            symbol: oa.symbol,
            exchange: oa.exchange,
            orderid: order?.id ?? t.brokerOrderId,
            product: order?.product ?? '',
            quantity: t.quantity,
            average_price: t.price,
            trade_value: Number((t.quantity * t.price).toFixed(2)),
            timestamp: timestamp(t.executedAt),
          };
        }),
      );
    });
  },
});

export const positionbook = defineVerb({
  name: 'positionbook',
  permission: 'read',
  input: z.strictObject({ strategy: fields.strategy }),
  async run(ctx) {
    const venue = callerVenue(ctx);
    const symbols = await symbolsFor(ctx, venue);
    const positions = await venue.positions();
    return success(
      positions.map((p) => {
        const oa = symbols.fromCommon(p.symbol);
        return {
          symbol: oa.symbol,
          exchange: oa.exchange,
          product: '',
          quantity: p.quantity,
          average_price: p.averagePrice,
          ltp: p.lastPrice ?? 0,
          pnl: Number(((p.unrealizedPnl ?? 0) + (p.realizedPnl ?? 0)).toFixed(2)),
        };
      }),
    );
  },
});

export const holdings = defineVerb({
  name: 'holdings',
  permission: 'read',
  input: z.strictObject({ strategy: fields.strategy }),
  async run(ctx) {
    const venue = callerVenue(ctx);
    const symbols = await symbolsFor(ctx, venue);
    const rows = venue.holdings ? await venue.holdings() : [];
    const invested = rows.reduce((s, h) => s + h.quantity * h.averagePrice, 0);
    const value = rows.reduce((s, h) => s + h.quantity * (h.lastPrice ?? h.averagePrice), 0);
    const pnl = rows.reduce((s, h) => s + (h.pnl ?? 0), 0);
    return success({
      holdings: rows.map((h) => {
        const oa = symbols.fromCommon(h.symbol);
        const cost = h.quantity * h.averagePrice;
        return {
          symbol: oa.symbol,
          exchange: oa.exchange,
          product: 'CNC',
          quantity: h.quantity,
          pnl: Number((h.pnl ?? 0).toFixed(2)),
          pnlpercent: cost ? Number((((h.pnl ?? 0) / cost) * 100).toFixed(2)) : 0,
        };
      }),
      statistics: {
        totalholdingvalue: Number(value.toFixed(2)),
        totalinvvalue: Number(invested.toFixed(2)),
        totalprofitandloss: Number(pnl.toFixed(2)),
        totalpnlpercentage: invested ? Number(((pnl / invested) * 100).toFixed(2)) : 0,
      },
    });
  },
});

export const funds = defineVerb({
  name: 'funds',
  permission: 'read',
  input: z.strictObject({}),
  async run(ctx) {
    const venue = callerVenue(ctx);
    const [account, positions] = await Promise.all([venue.funds(), venue.positions()]);
    return success({
      availablecash: money(account.available),
      collateral: money(0),
      m2mrealized: money(positions.reduce((s, p) => s + (p.realizedPnl ?? 0), 0)),
      m2munrealized: money(positions.reduce((s, p) => s + (p.unrealizedPnl ?? 0), 0)),
      utiliseddebits: money(account.used),
    });
  },
});

/** openposition: the net quantity held in one symbol (OpenAlgo answers it as a string beside `status`). */
export const openposition = defineVerb({
  name: 'openposition',
  permission: 'read',
  input: z.strictObject({ strategy: fields.strategy, symbol: fields.symbol, exchange: fields.exchange, product: fields.product }),
  async run(ctx, input) {
    const venue = callerVenue(ctx);
    const symbols = await symbolsFor(ctx, venue);
    const common = symbols.toCommon(input);
    const held = (await venue.positions()).filter((p) => p.symbol === common).reduce((s, p) => s + p.quantity, 0);
    return success(undefined, { quantity: String(held) });
  },
});
