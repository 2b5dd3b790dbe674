import type { BrokerId } from '../../shared/brokers';
import type { Mode } from '../../shared/schemas';
import {
  BrokerError,
  type BrokerContext,
  type BrokerOrder,
  type Funds,
  type Holding,
  type ModifiedOrder,
  type OrderChange,
  type OrderAck,
  type OrderLookup,
  type OrderRequest,
  type Position,
  type ProtectiveExitAck,
  type ProtectiveExitRequest,
  type ProtectiveExitStatus,
  type Quote,
  type RateRequest,
  type Trade,
} from '../brokers/types';
import type { ExitKind } from '../../shared/exits';
import type { BrokerService } from '../services/brokers';

/**
 * Where an order goes: the paper engine or one live connection. The order path, the kill switch and
 * reconciliation talk to both through this one shape.
 */
export interface Venue {
  readonly mode: Mode;
  readonly connectionId: string | null;
  /** The live connection's broker, or 'paper' for the paper engine. */
  readonly broker: BrokerId | 'paper';
  /**
   * `guard` is asked when the call starts and after each request's rate-limit gate (after any session
   * refresh too); it throws to stop the order before it leaves.
   */
  place(order: OrderRequest, guard?: SendGuard): Promise<OrderAck>;
  /** `reason` is what the paper engine records on the order; brokers record their own. */
  cancel(brokerOrderId: string, reason?: string): Promise<void>;
  /**
   * Change a working order (see BrokerAdapter.modifyOrder); the ack when the broker gave it a new id, else void.
   * NOT_SUPPORTED for a broker whose API cannot modify. `guard` as for place.
   */
  modify(brokerOrderId: string, change: OrderChange, order: ModifiedOrder, guard?: SendGuard): Promise<OrderAck | void>;
  get(lookup: OrderLookup): Promise<BrokerOrder | null>;
  orders(): Promise<BrokerOrder[]>;
  positions(): Promise<Position[]>;
  /** `forOrder`: the price an order waits for (a live venue's requests then pass reads waiting at the rate limits). */
  quotes(symbols: string[], forOrder?: boolean): Promise<Quote[]>;
  funds(): Promise<Funds>;
  /** Ask the broker to check an order without placing it, where it offers that (a dry run). */
  precheck(order: OrderRequest): Promise<void>;
  /** Answer a question the broker asked about an order (see BrokerPrompt): the ack, or null when declined. */
  answerPrompt(replyId: string, confirmed: boolean, guard?: SendGuard): Promise<OrderAck | null>;
  /** Delivery holdings; absent where the venue's broker offers none through its API. */
  readonly holdings?: () => Promise<Holding[]>;
  /** Today's executions; absent where the venue's broker offers no trade book through its API. */
  readonly trades?: () => Promise<Trade[]>;
  /** Protective exits the venue's broker holds itself (see ProtectiveExitCapability); absent for paper and other brokers. */
  readonly exits?: NativeExits;
}

/** A broker's own protective exits, reached like every other call of the venue. `guard` as for place. */
export interface NativeExits {
  readonly kinds: readonly ExitKind[];
  place(request: ProtectiveExitRequest, guard?: SendGuard): Promise<ProtectiveExitAck>;
  cancel(groupId: string): Promise<void>;
  status(groupId: string): Promise<ProtectiveExitStatus | null>;
}

export type SendGuard = (request?: RateRequest) => void;

/** A broker context whose requests each pass `guard` after their rate-limit gate. The context is the call's own. */
function guarded(ctx: BrokerContext, guard: SendGuard | undefined): BrokerContext {
  if (!guard) return ctx;
  guard();
  const gate = ctx.rateGate;
  ctx.rateGate = async (request) => {
    await gate(request);
    // SECURITY: the last moment before the request is sent; the mode or the lock may have changed while it waited.
    guard(request);
  };
  return ctx;
}

/**
 * A live connection as a venue: every call goes through BrokerService (context, rate limits). Orders and what they
 * wait for pass reads still waiting at the broker's rate limits (BrokerService.call's `urgent`); an `urgent` venue
 * (the kill switch's) sends its reads in that lane too.
 */
export function liveVenue(brokers: BrokerService, connectionId: string, broker: BrokerId, options: { urgent?: boolean } = {}): Venue {
  const symbols = { needsInstruments: true, urgent: options.urgent };
  const order = { needsInstruments: true, urgent: true };
  const adapter = brokers.adapterFor(broker);
  return {
    mode: 'live',
    connectionId,
    broker,
    place: (request, guard) => brokers.call(connectionId, (a, ctx) => a.placeOrder(guarded(ctx, guard), request), order),
    cancel: (id) => brokers.call(connectionId, (a, ctx) => a.cancelOrder(ctx, id), order),
    modify: (id, change, modified, guard) =>
      brokers.call(
        connectionId,
        (a, ctx) => {
          if (!a.modifyOrder)
            throw new BrokerError('NOT_SUPPORTED', `${a.descriptor.name} does not let BrokerVault modify an order; cancel it and place a new one.`);
          return a.modifyOrder(guarded(ctx, guard), id, change, modified);
        },
        order,
      ),
    get: (lookup) => brokers.call(connectionId, (a, ctx) => a.getOrder(ctx, lookup), symbols),
    orders: () => brokers.call(connectionId, (a, ctx) => a.orders(ctx), symbols),
    positions: () => brokers.call(connectionId, (a, ctx) => a.positions(ctx), symbols),
    quotes: (list, forOrder) => brokers.call(connectionId, (a, ctx) => a.quotes(ctx, list), forOrder ? order : symbols),
    funds: () => brokers.call(connectionId, (a, ctx) => a.funds(ctx), { urgent: options.urgent }),
    // Only brokers with a dry run send a request for it.
    precheck: async (request) => {
      if (brokers.adapterFor(broker).precheckOrder) {
        await brokers.call(connectionId, (a, ctx) => a.precheckOrder!(ctx, request), order);
      }
    },
    answerPrompt: (replyId, confirmed, guard) =>
      brokers.call(
        connectionId,
        (a, ctx) => {
          if (!a.answerPrompt) throw new BrokerError('NOT_SUPPORTED', `${a.descriptor.name} asks no questions about orders.`);
          return a.answerPrompt(guarded(ctx, guard), replyId, confirmed);
        },
        { urgent: true },
      ),
    // Only where the broker's API has them: the renderer says so plainly otherwise.
    holdings: adapter.holdings ? () => brokers.call(connectionId, (a, ctx) => a.holdings!(ctx), symbols) : undefined,
    trades: adapter.trades ? () => brokers.call(connectionId, (a, ctx) => a.trades!(ctx), symbols) : undefined,
    // The integration point of the brokers' native exits: the adapter's `protectiveExits`, called through BrokerService.
    exits: adapter.protectiveExits
      ? {
          kinds: adapter.protectiveExits.kinds,
          place: (request, guard) => brokers.call(connectionId, (a, ctx) => a.protectiveExits!.place(guarded(ctx, guard), request), order),
          cancel: (groupId) => brokers.call(connectionId, (a, ctx) => a.protectiveExits!.cancel(ctx, groupId), order),
          status: (groupId) => brokers.call(connectionId, (a, ctx) => a.protectiveExits!.status(ctx, groupId), symbols),
        }
      : undefined,
  };
}
