import type { Mode } from '../../shared/schemas';
import type { BrokerOrder, Funds, OrderAck, OrderLookup, OrderRequest, Position, Quote } from '../brokers/types';
import type { BrokerService } from '../services/brokers';

/**
 * Where an order goes: the paper engine or one live connection. The order path, the kill switch and
 * reconciliation talk to both through this one shape.
 */
export interface Venue {
  readonly mode: Mode;
  readonly connectionId: string | null;
  readonly broker: string;
  place(order: OrderRequest): Promise<OrderAck>;
  cancel(brokerOrderId: string): Promise<void>;
  get(lookup: OrderLookup): Promise<BrokerOrder | null>;
  orders(): Promise<BrokerOrder[]>;
  positions(): Promise<Position[]>;
  quotes(symbols: string[]): Promise<Quote[]>;
  funds(): Promise<Funds>;
}

/** The paper engine's side of a venue (implemented by PaperBroker). */
export interface PaperBook {
  placeOrder(order: OrderRequest): Promise<OrderAck>;
  cancelOrder(brokerOrderId: string): Promise<void>;
  getOrder(lookup: OrderLookup): Promise<BrokerOrder | null>;
  orders(): Promise<BrokerOrder[]>;
  positions(): Promise<Position[]>;
  quotes(symbols: string[]): Promise<Quote[]>;
  funds(): Promise<Funds>;
  /** Re-check resting orders against current prices; returns the orders that changed. */
  evaluate(): Promise<BrokerOrder[]>;
}

export function paperVenue(book: PaperBook): Venue {
  return {
    mode: 'paper',
    connectionId: null,
    broker: 'paper',
    place: (order) => book.placeOrder(order),
    cancel: (id) => book.cancelOrder(id),
    get: (lookup) => book.getOrder(lookup),
    orders: () => book.orders(),
    positions: () => book.positions(),
    quotes: (symbols) => book.quotes(symbols),
    funds: () => book.funds(),
  };
}

/** A live connection as a venue: every call goes through BrokerService (context, rate limits). */
export function liveVenue(brokers: BrokerService, connectionId: string, broker: string): Venue {
  const symbols = { needsInstruments: true };
  return {
    mode: 'live',
    connectionId,
    broker,
    place: (order) => brokers.call(connectionId, 'orders', (a, ctx) => a.placeOrder(ctx, order), symbols),
    cancel: (id) => brokers.call(connectionId, 'orders', (a, ctx) => a.cancelOrder(ctx, id), symbols),
    get: (lookup) => brokers.call(connectionId, 'reads', (a, ctx) => a.getOrder(ctx, lookup), symbols),
    orders: () => brokers.call(connectionId, 'reads', (a, ctx) => a.orders(ctx), symbols),
    positions: () => brokers.call(connectionId, 'reads', (a, ctx) => a.positions(ctx), symbols),
    quotes: (list) => brokers.call(connectionId, 'reads', (a, ctx) => a.quotes(ctx, list), symbols),
    funds: () => brokers.call(connectionId, 'reads', (a, ctx) => a.funds(ctx)),
  };
}
