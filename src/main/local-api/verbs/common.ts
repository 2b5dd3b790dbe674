import { z } from 'zod';
import type { BrokerId } from '../../../shared/brokers';
import type { OrderState } from '../../../shared/orders';
import type { OrderView } from '../../../shared/schemas';
import type { Instrument } from '../../brokers/types';
import type { Venue } from '../../trading/venue';
import { OPENALGO_EXCHANGES, DEFAULT_DIALECT, fromCommonSymbol, toCommonSymbol, type Dialect, type OpenAlgoSymbol, type SymbolLookup } from '../symbols';
import { PAPER_ACCOUNT_ID } from '../keys';
import { ApiError, type Verb, type VerbContext, type VerbReply } from '../verb';

/** `{ status: 'success', data }` with HTTP 200, plus any top-level fields OpenAlgo puts beside `data`. */
export function success(data?: unknown, extra: Record<string, unknown> = {}): VerbReply {
  return { httpStatus: 200, body: { status: 'success', ...(data === undefined ? {} : { data }), ...extra } };
}

// Field schemas, in OpenAlgo's names. Numbers may come as JSON numbers or numeric strings, as OpenAlgo's clients send both.
const numeric = (what: string) =>
  z.union([z.number(), z.string().regex(/^\s*\d+(\.\d+)?\s*$/, `must be ${what}`)]).transform((v) => (typeof v === 'number' ? v : Number(v)));

export const fields = {
  strategy: z.string().max(64, 'must be at most 64 characters').optional(),
  symbol: z
    .string()
    .min(1, 'is required')
    .max(60, 'must be at most 60 characters')
    .regex(/^[A-Za-z0-9&._\-/ ]+$/, 'must be a trading symbol such as SBIN or NIFTY28MAR24FUT'),
  exchange: z.string().refine((v) => (OPENALGO_EXCHANGES as readonly string[]).includes(v.toUpperCase()), {
    message: `must be one of ${OPENALGO_EXCHANGES.join(', ')}`,
  }),
  action: z.enum(['BUY', 'SELL'], { message: 'must be BUY or SELL' }),
  pricetype: z.enum(['MARKET', 'LIMIT', 'SL', 'SL-M'], { message: 'must be MARKET, LIMIT, SL or SL-M' }),
  product: z.enum(['CNC', 'NRML', 'MIS'], { message: 'must be CNC, NRML or MIS' }),
  /** Whole numbers, except crypto (checked when the symbol is known: see orderTicket). */
  quantity: numeric('a number above 0').pipe(z.number().positive('must be above 0').max(1e9, 'must be at most 1000000000')),
  /** A position size may be 0 or negative (short). */
  positionSize: z
    .union([z.number(), z.string().regex(/^\s*-?\d+\s*$/, 'must be a whole number')])
    .transform((v) => (typeof v === 'number' ? v : Number(v)))
    .pipe(z.number().int('must be a whole number').min(-1e9).max(1e9)),
  price: numeric('a price of 0 or more').pipe(z.number().min(0, 'must be 0 or more').max(1e12)).optional(),
  orderid: z.string().min(1, 'is required').max(64, 'must be at most 64 characters'),
  disclosedQuantity: numeric('a whole number').pipe(z.number().int().min(0)).optional(),
};

/** OpenAlgo's order status words for BrokerVault's states. */
export const ORDER_STATUS: Record<OrderState, string> = {
  PENDING: 'open',
  OPEN: 'open',
  PARTIALLY_FILLED: 'open',
  FILLED: 'complete',
  CANCELLED: 'cancelled',
  REJECTED: 'rejected',
  EXPIRED: 'cancelled',
  UNKNOWN: 'pending',
};

export const PRICE_TYPE: Record<OrderView['type'], string> = { MARKET: 'MARKET', LIMIT: 'LIMIT', STOP: 'SL-M', STOP_LIMIT: 'SL' };

/** Whether the caller's key is bound to the paper account (PAPER_ACCOUNT_ID among its connections, as keys.ts writes it). */
export function callerHasPaper(ctx: VerbContext): boolean {
  return ctx.caller.connectionIds.includes(PAPER_ACCOUNT_ID);
}

/**
 * The venue the caller's orders and books use now: the paper engine in paper mode (OpenAlgo's analyzer mode), only
 * for a key bound to the paper account; or the live connection, only for a key bound to it. One rule for both: a
 * key reaches an account only through its binding.
 */
export function callerVenue(ctx: VerbContext): Venue {
  const venue = ctx.services.trading.venue();
  // SECURITY: a key reaches a live account only through a connection it is bound to.
  if (venue.mode === 'live' && !ctx.caller.connectionIds.includes(venue.connectionId!)) {
    throw new ApiError(403, 'BrokerVault is live on a connection this API key is not bound to. Bind the key to it in the app, or switch to paper.');
  }
  // SECURITY: and the paper account only when it is bound to it.
  if (venue.mode === 'paper' && !callerHasPaper(ctx)) {
    throw new ApiError(
      403,
      'BrokerVault is in paper mode (analyzer) and this API key is not bound to the paper account. Bind the key to the paper account in the app.',
    );
  }
  return venue;
}

/** The venue for an order verb: as callerVenue, and refused while the kill switch's lock holds. */
export function tradingVenue(ctx: VerbContext): Venue {
  // SECURITY: after the kill switch, API trading stays off (paper included) until the trader re-enables trading in the app.
  if (ctx.services.trading.mode.locked) {
    throw new ApiError(403, 'The kill switch stopped trading. API orders are refused until you turn trading back on in the BrokerVault app.');
  }
  return callerVenue(ctx);
}

/** Whether a journaled order belongs to what this caller may see and change. */
export function callerOwns(ctx: VerbContext, order: OrderView): boolean {
  if (order.mode === 'paper') return callerHasPaper(ctx);
  return order.connectionId !== null && ctx.caller.connectionIds.includes(order.connectionId);
}

/** How far back the books reach: the newest this many journal orders, and as many fills (OpenAlgo's books are the day's). */
export const BOOK_WINDOW = 500;

/** A journaled order by its id (the `orderid` the verbs hand out), among the newest BOOK_WINDOW; 404 when not found or not the caller's. */
export function journaledOrder(ctx: VerbContext, orderId: string): OrderView {
  const order = ctx.services.trading.orders.list({ limit: BOOK_WINDOW }).find((o) => o.id === orderId);
  if (!order || !callerOwns(ctx, order)) throw new ApiError(404, `No order ${orderId.slice(0, 64)} in BrokerVault's journal for this key.`);
  return order;
}

/** The connection whose broker serves data and instruments for the caller: the live one, else the key's first active one. */
export function dataConnection(ctx: VerbContext, venue: VenueRef): { id: string; broker: BrokerId } | null {
  if (venue.mode === 'live') return { id: venue.connectionId!, broker: venue.broker as BrokerId };
  for (const id of ctx.caller.connectionIds) {
    const c = ctx.services.connections.list().find((x) => x.id === id);
    if (c && c.isActive) return { id: c.id, broker: c.broker };
  }
  return null;
}

/** What symbol mapping reads of a venue: whether it is live, and on which connection. */
export type VenueRef = Pick<Venue, 'mode' | 'connectionId' | 'broker'>;

/** Symbol mapping for one call: the dialect of the data connection's broker and its master (where it has one). */
export interface Symbols {
  /** Names this mapping (dialect, broker, which copy of its master): answers mapped under the same key map the same. */
  key: string;
  dialect: Dialect;
  connection: { id: string; broker: BrokerId } | null;
  master: SymbolLookup | null;
  toCommon(input: OpenAlgoSymbol): string;
  fromCommon(common: string): OpenAlgoSymbol;
  instrument(common: string): Instrument | null;
}

export async function symbolsFor(ctx: VerbContext, venue: VenueRef): Promise<Symbols> {
  const connection = dataConnection(ctx, venue);
  const dialect = connection ? ctx.services.brokerCalls.adapterFor(connection.broker).symbolDialect : DEFAULT_DIALECT;
  let master: SymbolLookup | null = null;
  let copy: number | null = null;
  if (connection && ctx.services.brokerCalls.adapterFor(connection.broker).fetchInstruments) {
    try {
      ({ master, copy } = await ctx.services.brokerCalls.instrumentMaster(connection.id));
    } catch (error) {
      // Live orders need the broker's master (the adapter maps through it too); paper falls back to the dialect's own form.
      if (venue.mode === 'live') throw error;
      ctx.services.log.warn('local API: no instrument master for symbol mapping; using the broker dialect alone', { connectionId: connection.id, error });
    }
  }
  const instrument = (common: string) => master?.find(common) ?? null;
  return {
    key: `${dialect}|${connection?.broker ?? ''}|${copy ?? 'no master'}`,
    dialect,
    connection,
    master,
    instrument,
    toCommon: (input) => toCommonSymbol(dialect, input, master),
    fromCommon: (common) => fromCommonSymbol(dialect, common, instrument(common)),
  };
}

/** Two decimals as OpenAlgo writes money in funds. */
export const money = (n: number | null | undefined): string => (n ?? 0).toFixed(2);

/** A verb with its input type inferred from its schema. */
export function defineVerb<S extends z.ZodType>(verb: Verb<S>): Verb<S> {
  return verb;
}

/** An epoch-ms time as OpenAlgo's clients read it: ISO 8601 in UTC. */
export const timestamp = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '' : new Date(ms).toISOString());
