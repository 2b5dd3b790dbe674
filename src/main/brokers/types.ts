import type { BrokerDescriptor, Environment } from '../../shared/brokers';
import type { Candle, ChartInterval } from '../../shared/charts';
import type { ExitKind, ExitLegRole, TrailDistance } from '../../shared/exits';
import type { OrderSide, OrderState, OrderType, TimeInForce } from '../../shared/orders';
import type { BrokerErrorCode } from '../../shared/result';
import type { Clock } from '../clock';
import type { Scheduler } from '../scheduler';
import type { MarketStreamCapability, OrderStreamCapability } from '../streaming/types';
import type { HttpRequest } from './http-types';

// The vocabulary is declared once in src/shared; adapters keep importing it from here.
export type { BrokerErrorCode, OrderSide, OrderState, OrderType, TimeInForce };
export type { Candle, ChartInterval };
export type { ExitKind, ExitLegRole, TrailDistance };

/**
 * A broker failure with a message that is safe to show: our words, plus the broker's own message
 * where it helps (never a header, key, token or URL with credentials).
 */
export class BrokerError extends Error {
  constructor(
    readonly code: BrokerErrorCode,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'BrokerError';
  }
}

/**
 * The broker asks the trader a question before it accepts an order (order reply prompts such as "exceeds your order value limit, send anyway?").
 * The app shows the prompts and answers with the adapter's answerPrompt; it never answers by itself.
 */
export class BrokerPrompt extends BrokerError {
  constructor(
    readonly replyId: string,
    readonly prompts: string[],
    message: string,
  ) {
    super('BROKER_REJECTED', message);
    this.name = 'BrokerPrompt';
  }
}

/** Everything an adapter call may use. Credentials are the decrypted stored fields (user fields and session tokens). */
export interface BrokerContext {
  /** Root URL of the broker API for this connection: the environment's default or the user's override. */
  baseUrl: string;
  environment: Environment;
  credentials: Readonly<Record<string, string>>;
  fetch: typeof fetch;
  clock: Clock;
  /** Timers on the app's scheduler (a manual one in tests): adapters wait on it, never on setTimeout. */
  scheduler: Scheduler;
  /** Per-request timeout in ms. */
  timeoutMs: number;
  /** The broker's instrument master (cached daily) for mapping common symbols to broker tokens. */
  instruments: InstrumentMaster;
  /**
   * Per-connection runtime memory that is not persisted (e.g. the offset to the broker's server time). Adapters stay
   * otherwise stateless; anything that must survive a restart goes into a SessionUpdate.
   */
  memo: Map<string, unknown>;
  /** Waits until the broker's documented rate limits allow this request (see BrokerAdapter.rateLimits). */
  rateGate(request: RateRequest): Promise<void>;
}

/** One tradable instrument from a broker's instrument master. */
export interface Instrument {
  /** Common symbol form, e.g. "NSE:INFY". */
  symbol: string;
  exchange: string;
  /** The broker's own trading symbol, e.g. "INFY-EQ" or "NSE:SBIN-EQ". */
  brokerSymbol: string;
  /** The broker's numeric id (instrument_token, symboltoken, securityId, exchangeInstrumentID); "" when none. */
  token: string;
  name: string;
  lotSize: number;
  tickSize: number;
  /** Broker's segment or instrument type where orders need it (e.g. "NSE_EQ", "EQ"). */
  segment: string;
  /** Last trading day of a derivative (YYYY-MM-DD), where the master gives one. */
  expiry?: string;
}

export interface InstrumentMaster {
  find(symbol: string): Instrument | null;
  search(prefix: string, limit?: number): Instrument[];
}

/** A documented limit: at most `limit` requests (or request weight) per `intervalMs`. */
export interface RateLimit {
  limit: number;
  intervalMs: number;
}

/** What a rate budget sees of one HTTP request: enough to tell which endpoint it is. */
export type RateRequest = Pick<HttpRequest, 'method' | 'path' | 'query'>;

/**
 * A broker's documented request limits, applied by the app to every HTTP request before it is sent.
 * `budgets` are the broker's buckets (e.g. orders, quotes, everything else), each with all its limits
 * (10/s and 400/min); `spend` says which budgets one request draws on and with what weight (1 unless the
 * broker weighs requests, as some exchanges do).
 */
export interface RateLimits<B extends string = string> {
  readonly budgets: Readonly<Record<B, readonly RateLimit[]>>;
  spend(request: RateRequest): Partial<Record<B, number>>;
}

/** Declare a broker's rate limits with its budget names checked by the compiler. */
export function rateLimits<const B extends string>(limits: RateLimits<B>): RateLimits {
  return limits as unknown as RateLimits;
}

/** True when the request changes something (place, modify, cancel) rather than reads. */
export function isWrite(request: RateRequest): boolean {
  return request.method !== 'GET';
}

/** Tokens obtained by a login, stored encrypted as fields of the connection, and when they expire. */
export interface SessionUpdate {
  fields: Record<string, string>;
  expiresAt: number | null;
}

export interface AccountSummary {
  /** Account id with all but the last 4 characters masked, e.g. "••••1234". */
  accountMasked: string;
  accountType: string;
  buyingPower: number;
  currency: string;
}

export interface Funds {
  available: number;
  used: number;
  total: number;
  currency: string;
}

export interface OrderRequest {
  /** Common symbol form, e.g. "NSE:INFY", "US:AAPL", "CRYPTO:BTCUSDT". */
  symbol: string;
  side: OrderSide;
  quantity: number;
  type: OrderType;
  limitPrice?: number;
  stopPrice?: number;
  /** Broker product where it matters (e.g. CNC/MIS/NRML in India); adapters pick a sensible default. */
  product?: string;
  timeInForce?: TimeInForce;
  /** Generated once per order ticket, reused on every retry; mapped to the broker's own field. */
  clientOrderId: string;
}

export interface OrderAck {
  brokerOrderId: string;
  state: OrderState;
}

/**
 * A change to a working order: the new values of the fields that change (absolute, not deltas, so a resent
 * change sets the same terms). `type` may switch between the four order types; the prices it needs must then be given
 * or already be on the order.
 */
export interface OrderChange {
  quantity?: number;
  type?: OrderType;
  limitPrice?: number;
  stopPrice?: number;
}

/** A working order's full terms after a change, as adapters send them (most brokers want every field again). */
export interface ModifiedOrder {
  symbol: string;
  side: OrderSide;
  quantity: number;
  type: OrderType;
  limitPrice?: number;
  stopPrice?: number;
  product?: string;
  clientOrderId: string;
}

export interface BrokerOrder {
  brokerOrderId: string;
  clientOrderId: string | null;
  symbol: string;
  side: OrderSide;
  quantity: number;
  filledQuantity: number;
  averagePrice: number | null;
  type: OrderType;
  limitPrice: number | null;
  state: OrderState;
  /** The broker's own status text or rejection reason. */
  message: string | null;
  updatedAt: number | null;
}

export interface Position {
  symbol: string;
  quantity: number;
  averagePrice: number;
  lastPrice: number | null;
  unrealizedPnl: number | null;
  realizedPnl: number | null;
}

/**
 * A delivery holding: settled shares in the account (demat, T+1 and later), as opposed to today's positions.
 * Brokers without a separate holdings book (US and crypto) document what they report here in their adapter.
 */
export interface Holding {
  symbol: string;
  quantity: number;
  averagePrice: number;
  lastPrice: number | null;
  /** Unrealised P&L at lastPrice; null when the broker does not say and there is no price. */
  pnl: number | null;
}

/** One execution in the trade book (today's fills): a partly filled order has one trade per fill. */
export interface Trade {
  tradeId: string;
  brokerOrderId: string;
  symbol: string;
  side: OrderSide;
  quantity: number;
  price: number;
  /** Epoch ms of the execution; null when the broker does not say. */
  executedAt: number | null;
}

export interface Quote {
  symbol: string;
  last: number;
  bid: number | null;
  ask: number | null;
  at: number | null;
}

/**
 * A protective exit the broker holds itself (see src/shared/exits.ts for the kinds). `exitSide` is the side of the
 * exit legs (SELL protects a long); a bracket's entry goes the other way.
 */
export interface ProtectiveExitRequest {
  kind: ExitKind;
  symbol: string;
  exitSide: OrderSide;
  quantity: number;
  /** bracket only: the entry order. */
  entry?: { type: 'MARKET' | 'LIMIT'; limitPrice?: number };
  /** Take-profit limit price (bracket, oco). */
  targetPrice?: number;
  /** Stop-loss trigger price (bracket, oco); with stopLimitPrice the stop is a stop-limit where the broker allows. */
  stopPrice?: number;
  stopLimitPrice?: number;
  /** trailing only: how far the stop keeps from the best price since it was armed. */
  trail?: TrailDistance;
  product?: string;
  timeInForce?: TimeInForce;
  /** Generated once per exit ticket and reused on every retry; legs derive their own ids from it where the broker needs them. */
  clientOrderId: string;
}

/** One leg of a native exit as the broker shows it. */
export interface ExitLegAck {
  role: ExitLegRole;
  brokerOrderId: string;
  state: OrderState;
}

/** The broker's answer to a native exit: its id for the group and the legs it already shows as orders. */
export interface ProtectiveExitAck {
  /** The broker's id for the whole exit: an OCO list id, a GTT or forever-order trigger id, a bracket's parent order id. */
  groupId: string;
  /** Legs that exist as orders now (a GTT has none until it triggers). */
  legs: ExitLegAck[];
}

/** A native exit as the broker shows it now. */
export interface ProtectiveExitStatus {
  /** True while any leg (or an untriggered trigger) still works at the broker. */
  active: boolean;
  /** The legs as orders, each with its role; empty for a trigger that has not fired. */
  legs: (BrokerOrder & { role: ExitLegRole })[];
}

/**
 * Brokers whose API holds protective exits itself (bracket, OCO, GTT, forever or super orders, trailing stops).
 * BrokerVault manages every kind not listed here from the live feed instead.
 */
export interface ProtectiveExitCapability {
  readonly kinds: readonly ExitKind[];
  /** Place the exit; a request the broker's own rules refuse (e.g. a target on the wrong side) is BROKER_REJECTED in its words. */
  place(ctx: BrokerContext, request: ProtectiveExitRequest): Promise<ProtectiveExitAck>;
  /** Cancel every leg or trigger of the group still working. Cancelling a finished group is not an error. */
  cancel(ctx: BrokerContext, groupId: string): Promise<void>;
  /** The group as the broker shows it now; null when the broker has no such group. */
  status(ctx: BrokerContext, groupId: string): Promise<ProtectiveExitStatus | null>;
}

export interface OrderLookup {
  brokerOrderId?: string;
  clientOrderId?: string;
}

/**
 * One broker. Adapters are stateless: every call gets the connection's context, and a login returns
 * the tokens to store rather than keeping them. Optional members are absent where the broker has no such flow.
 */
/**
 * How a broker's instrument master writes derivatives, so the local API can map OpenAlgo's symbols to it and back
 * (src/main/local-api/symbols.ts). Cash symbols are the same everywhere (`NSE:SBIN`).
 * - `ddmmmyy`: OpenAlgo's own form, expiry as DDMMMYY (`NFO:NIFTY28MAR24FUT`, `NFO:NIFTY28MAR2420800CE`);
 * - `yymmm`: monthly `NIFTY24MARFUT` / `NIFTY24MAR20800CE` (no day: the master's expiry decides), weekly options
 *   `NIFTY2431420800CE` (YY, month 1–9/O/N/D, DD);
 * - `dashed`: `NIFTY-Mar2024-FUT` / `NIFTY-Mar2024-20800-CE` (upper-cased in the common form), no day either;
 * - `us`: US listings, `US:AAPL`;
 * - `crypto`: `CRYPTO:BTCUSDT`.
 */
export type SymbolDialect = 'ddmmmyy' | 'yymmm' | 'dashed' | 'us' | 'crypto';

export interface BrokerAdapter {
  readonly descriptor: BrokerDescriptor;
  /** How the broker's master writes symbols, for the local API's OpenAlgo symbol mapping. */
  readonly symbolDialect: SymbolDialect;
  /** The broker's documented request limits, which the app enforces on every request before sending it. */
  readonly rateLimits: RateLimits;
  /** Download and parse the broker's instrument master (brokers that need one to map symbols). */
  fetchInstruments?(ctx: BrokerContext): Promise<Instrument[]>;
  /**
   * Brokers without a downloadable master: search the broker's symbol lookup live (at most `limit` hits).
   * Results are in the common symbol form (e.g. `US:AAPL`) with name and exchange; `token` is the broker's id
   * where it has one (e.g. a contract id), lotSize 1 and tickSize 0.01 where the broker does not say.
   */
  searchSymbols?(ctx: BrokerContext, query: string, limit: number): Promise<Instrument[]>;
  /** OAuth redirect brokers: the URL to open in the system browser (some ask the broker for it first). */
  loginUrl?(ctx: BrokerContext, redirectUri: string, state: string): string | Promise<string>;
  /**
   * The broker's redirect brings no `state` back (a consent flow that drops it): the loopback listener matches it by
   * broker, one sign-in at a time, and completeLogin must check the session is for this connection's account.
   */
  readonly statelessRedirect?: boolean;
  /** OAuth redirect brokers: exchange the query parameters of the redirect for a session. */
  completeLogin?(ctx: BrokerContext, params: Record<string, string>, redirectUri: string): Promise<SessionUpdate>;
  /** Brokers whose login needs no browser (TOTP, app key, refresh token): log in with stored fields. */
  login?(ctx: BrokerContext): Promise<SessionUpdate>;
  validate(ctx: BrokerContext): Promise<AccountSummary>;
  funds(ctx: BrokerContext): Promise<Funds>;
  placeOrder(ctx: BrokerContext, order: OrderRequest): Promise<OrderAck>;
  cancelOrder(ctx: BrokerContext, brokerOrderId: string): Promise<void>;
  /**
   * Change a working order's price, quantity, trigger or type (brokers whose API can). `order` is the full new terms,
   * `change` what differs. Returns the ack when the broker gives the order a new id (a cancel-replace), else void.
   * The broker's own rules apply (e.g. Kite's cap on modifications per order): a refusal is BROKER_REJECTED in its words.
   */
  modifyOrder?(ctx: BrokerContext, brokerOrderId: string, change: OrderChange, order: ModifiedOrder): Promise<OrderAck | void>;
  /** Look an order up by broker id or by client order id; null when the broker has no such order. */
  getOrder(ctx: BrokerContext, lookup: OrderLookup): Promise<BrokerOrder | null>;
  orders(ctx: BrokerContext): Promise<BrokerOrder[]>;
  positions(ctx: BrokerContext): Promise<Position[]>;
  quotes(ctx: BrokerContext, symbols: string[]): Promise<Quote[]>;
  /**
   * Answer a BrokerPrompt placeOrder threw: the order's acknowledgement when confirmed, null when declined.
   * It may throw another BrokerPrompt when the broker asks a further question.
   */
  answerPrompt?(ctx: BrokerContext, replyId: string, confirmed: boolean): Promise<OrderAck | null>;
  /** Ask the broker to check an order without placing it (a dry run); throws BROKER_REJECTED with its reasons. */
  precheckOrder?(ctx: BrokerContext, order: OrderRequest): Promise<void>;
  /** The account's delivery holdings, where the broker's API offers them. */
  holdings?(ctx: BrokerContext): Promise<Holding[]>;
  /** The trade book (today's executions), where the broker's API offers it. */
  trades?(ctx: BrokerContext): Promise<Trade[]>;
  /** Brokers that hold protective exits themselves (see ProtectiveExitCapability). */
  readonly protectiveExits?: ProtectiveExitCapability;
  /** When the stored session expires, by the broker's rule (e.g. 06:00 IST the next day). */
  sessionExpiry(ctx: BrokerContext): number | null;
  /** Brokers that stream market data: the declared limits and how to open a socket; the subscription manager alone calls it. */
  readonly marketStream?: MarketStreamCapability<BrokerContext>;
  /** Brokers that push order updates: how to open the account's order socket; the order-update service alone calls it. */
  readonly orderStream?: OrderStreamCapability<BrokerContext>;
  /** The chart intervals the broker's historical-data endpoint offers (with `history`). */
  readonly historyIntervals?: readonly ChartInterval[];
  /** Bars of `interval` opening in [from, to) (epoch ms), oldest first, from the broker's historical-data endpoint. */
  history?(ctx: BrokerContext, symbol: string, interval: ChartInterval, from: number, to: number): Promise<Candle[]>;
}

export function maskAccount(id: string): string {
  const tail = id.slice(-4);
  return `••••${tail}`;
}

/** An in-memory instrument master, used by tests and filled from the SQLite cache by the app. */
export class MemoryInstrumentMaster implements InstrumentMaster {
  private readonly bySymbol = new Map<string, Instrument>();
  constructor(instruments: Instrument[] = []) {
    for (const i of instruments) this.bySymbol.set(i.symbol, i);
  }
  find(symbol: string): Instrument | null {
    return this.bySymbol.get(symbol) ?? null;
  }
  search(prefix: string, limit = 20): Instrument[] {
    const p = prefix.toUpperCase();
    const out: Instrument[] = [];
    for (const i of this.bySymbol.values()) {
      if (i.symbol.includes(p)) out.push(i);
      if (out.length >= limit) break;
    }
    return out;
  }
}
