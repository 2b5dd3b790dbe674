import { z } from 'zod';
import { apiHostProblem } from './api-host';
import { BrokerIdSchema, EnvironmentSchema, FIELD_VALUE_MAX } from './brokers';
import { BASKET_ORDER_TYPES, needsLimitPrice, needsStopPrice, ORDER_SIDES, ORDER_SOURCES, ORDER_STATES, ORDER_TYPES, TIMES_IN_FORCE } from './orders';
import { AppErrorSchema } from './result';
import { CHART_INTERVALS } from './charts';

/**
 * Messages set here are predicates in BrokerVault's words ("must be a connection id"); main's input translator puts
 * the field's name before them. Every string is capped with `abort` before any pattern, so no pattern ever runs on
 * more than the cap, and every pattern runs in linear time (no nested or overlapping quantifiers).
 */
const capped = (max: number) => z.string().max(max, { abort: true });

/** Inputs that carry no data still must be a plain empty object: anything else is rejected. */
export const EmptyInput = z.strictObject({});

export const IdSchema = capped(32).regex(/^[0-9a-f]{32}$/, 'must be a connection id');
export const IdInput = z.strictObject({ id: IdSchema });

export const CONNECTION_STATUSES = ['untested', 'valid', 'invalid', 'expired', 'error'] as const;
export const ConnectionStatusSchema = z.enum(CONNECTION_STATUSES);
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

const Label = z.string().trim().min(1, 'is required').max(64);
const FieldName = capped(40).regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'is not a field name');
/** The longest any field takes; each field's own, shorter cap (by kind) is checked in main before its pattern. */
const FieldValue = capped(FIELD_VALUE_MAX);
/** No broker asks for more than a handful of fields. */
const Fields = z.record(FieldName, FieldValue).refine((fields) => Object.keys(fields).length <= 16, 'Credentials can have at most 16 fields.');
// SECURITY: the saved secrets go to this address: https, or plain http to this computer only (capped first).
const ApiHost = capped(300).superRefine((value, ctx) => {
  const problem = apiHostProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const FieldViewSchema = z.strictObject({
  name: z.string(),
  secret: z.boolean(),
  /** Non-secret fields show their value; secret ones a masked preview such as "••••7f3a". */
  preview: z.string(),
});

export const ConnectionViewSchema = z.strictObject({
  id: IdSchema,
  broker: BrokerIdSchema,
  label: z.string(),
  environment: EnvironmentSchema,
  status: ConnectionStatusSchema,
  lastValidatedAt: z.number().int().nullable(),
  lastError: z.string().nullable(),
  latencyMs: z.number().nullable(),
  tokenExpiresAt: z.number().int().nullable(),
  accountMasked: z.string().nullable(),
  accountType: z.string().nullable(),
  buyingPower: z.number().nullable(),
  currency: z.string().nullable(),
  apiHost: z.string().nullable(),
  isDefault: z.boolean(),
  isActive: z.boolean(),
  /** The fields the trader entered (the broker descriptor's), never the session values a login obtained. */
  fields: z.array(FieldViewSchema),
  /** A login obtained and stored a session (tokens the trader never typed); it ends at tokenExpiresAt when known. */
  signedIn: z.boolean(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type ConnectionView = z.infer<typeof ConnectionViewSchema>;

export const CreateConnectionInput = z.strictObject({
  broker: BrokerIdSchema,
  label: Label,
  environment: EnvironmentSchema,
  fields: Fields,
  apiHost: ApiHost.nullable().optional(),
});
export type CreateConnectionInput = z.infer<typeof CreateConnectionInput>;

export const UpdateConnectionInput = z.strictObject({
  id: IdSchema,
  label: Label.optional(),
  environment: EnvironmentSchema.optional(),
  /** Only the fields given change; an empty string clears an optional field. */
  fields: Fields.optional(),
  apiHost: ApiHost.nullable().optional(),
});
export type UpdateConnectionInput = z.infer<typeof UpdateConnectionInput>;

export const VAULT_STATES = ['ready', 'no-key-yet', 'keystore-unavailable', 'key-missing', 'locked'] as const;
export const VaultStatusSchema = z.strictObject({
  backend: z.enum(['keychain', 'passphrase']),
  state: z.enum(VAULT_STATES),
  keyId: z.string().nullable(),
  secretCount: z.number().int(),
  /** What the user can do about a state other than ready, in plain words. */
  guidance: z.string().nullable(),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

export const PassphraseInput = z.strictObject({
  passphrase: z.string().min(12, 'must be at least 12 characters').max(1024),
});

export const AUDIT_ACTIONS = [
  'connection.create',
  'connection.update',
  'connection.delete',
  'connection.activate',
  'connection.deactivate',
  'connection.setDefault',
  'connection.validate',
  'connection.login',
  'connection.disconnect',
  'vault.keyCreated',
  'vault.keyRotated',
  'vault.passphraseSetup',
  'mode.switch',
  'order.submit',
  'order.update',
  'order.cancel',
  'order.modify',
  'killswitch.engage',
  'schedule.create',
  'schedule.update',
  'schedule.delete',
  'schedule.run',
  'exit.arm',
  'exit.trigger',
  'exit.cancel',
  'exit.update',
  'api.settings',
  'api.keyCreate',
  'api.keyUpdate',
  'api.keyRevoke',
  'api.call',
  'api.resume',
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

const AuditDetailValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
export const AuditDetailSchema = z.record(z.string(), AuditDetailValue);
export type AuditDetail = z.infer<typeof AuditDetailSchema>;

export const AuditEntrySchema = z.strictObject({
  seq: z.number().int(),
  at: z.number().int(),
  action: AuditActionSchema,
  connectionId: z.string().nullable(),
  detail: AuditDetailSchema,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditListInput = z.strictObject({
  /** Return entries older than this sequence number (for the next page). */
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  connectionId: IdSchema.optional(),
  action: AuditActionSchema.optional(),
});
export const AuditPageSchema = z.strictObject({
  entries: z.array(AuditEntrySchema),
  nextBefore: z.number().int().nullable(),
});

export const AuditVerifySchema = z.strictObject({
  ok: z.boolean(),
  checked: z.number().int(),
  brokenAt: z.number().int().nullable(),
  reason: z.string().nullable(),
  /** Entries covered by the keyed seal (the audit anchor); the rest are linked but not yet sealed. */
  sealed: z.number().int(),
  /** Why some entries are not sealed yet (vault locked, no key yet), in words; null when all are. */
  note: z.string().nullable(),
});
export type AuditVerify = z.infer<typeof AuditVerifySchema>;

/** The audit trail's standing, checked at start, daily and on request; pushed as audit:changed. */
export const AuditStatusSchema = z.strictObject({
  state: z.enum(['unchecked', 'intact', 'broken']),
  report: AuditVerifySchema.nullable(),
  checkedAt: z.number().int().nullable(),
  /** When BrokerVault first found the trail broken (kept until it verifies intact again). */
  brokenSince: z.number().int().nullable(),
});
export type AuditStatus = z.infer<typeof AuditStatusSchema>;

export const THEMES = ['system', 'light', 'dark'] as const;
export const SettingsSchema = z.strictObject({
  theme: z.enum(THEMES),
  checkIntervalSec: z.number().int().min(30).max(3600),
  notificationsEnabled: z.boolean(),
  /** Log in again by itself where the broker allows it without a browser (TOTP, app key, refresh token). */
  autoRelogin: z.boolean(),
  /** Paper fills book BrokerVault's estimate of brokerage, taxes and fees (docs/paper-trading.md). Off by default. */
  paperChargesEstimate: z.boolean(),
});
export type Settings = z.infer<typeof SettingsSchema>;
export const SettingsPatchSchema = SettingsSchema.partial().strict();

export const AppInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
});

/** Unsaved credentials to try before saving (no label: nothing is stored). */
export const TestConnectionInput = CreateConnectionInput.omit({ label: true });

export const AccountCheckSchema = z.strictObject({
  accountMasked: z.string(),
  accountType: z.string(),
  buyingPower: z.number(),
  currency: z.string(),
  latencyMs: z.number(),
});

export const LoginStartSchema = z.discriminatedUnion('status', [
  /** Main opened the broker's sign-in page in the system browser and waits for the redirect. */
  z.strictObject({ status: z.literal('browser'), redirectUri: z.string(), loginHost: z.string() }),
  z.strictObject({ status: z.literal('logged-in'), connection: ConnectionViewSchema }),
]);

export const BrokerInput = z.strictObject({ broker: BrokerIdSchema });
export const RedirectUriSchema = z.strictObject({ redirectUri: z.string() });

export const LoginFinishedSchema = z.strictObject({
  connectionId: IdSchema,
  ok: z.boolean(),
  error: AppErrorSchema.nullable(),
  connection: ConnectionViewSchema.nullable(),
});

export const InstrumentSearchInput = z.strictObject({
  connectionId: IdSchema,
  query: z.string().trim().min(1, 'is required').max(40),
});
export const InstrumentViewSchema = z.strictObject({
  symbol: z.string(),
  name: z.string(),
  exchange: z.string(),
  lotSize: z.number(),
  tickSize: z.number(),
});
export const InstrumentSearchSchema = z.strictObject({
  results: z.array(InstrumentViewSchema),
  /** Day of the cached master, null for brokers that have none (symbols are looked up live). */
  masterDay: z.string().nullable(),
  stale: z.boolean(),
  lastError: z.string().nullable(),
});

// ---- Trading: mode, orders, positions, quotes, paper account, limits, kill switch, schedules ----

export const ModeSchema = z.enum(['paper', 'live']);
export type Mode = z.infer<typeof ModeSchema>;

export const ModeStatusSchema = z.strictObject({
  mode: ModeSchema,
  /** The connection live orders go to; null in paper mode. */
  live: z
    .strictObject({ connectionId: IdSchema, label: z.string(), broker: BrokerIdSchema, environment: EnvironmentSchema, accountMasked: z.string().nullable() })
    .nullable(),
  /** Set by the kill switch: live stays off until the trader re-enables it. */
  locked: z.boolean(),
  /** The last switch and why, so the app can say why it is back in paper even with notifications off. */
  lastChange: z.strictObject({ at: z.number().int(), to: ModeSchema, by: z.enum(['trader', 'app']), reason: z.string() }).nullable(),
});
export type ModeStatus = z.infer<typeof ModeStatusSchema>;

export const LiveRequestSchema = z.strictObject({
  confirmationId: z.string(),
  expiresAt: z.number().int(),
  /** The words the trader must type to confirm. */
  phrase: z.string(),
  connection: z.strictObject({ id: IdSchema, label: z.string(), broker: BrokerIdSchema, environment: EnvironmentSchema, accountMasked: z.string().nullable() }),
});
export const ConfirmLiveInput = z.strictObject({ confirmationId: z.string().max(100), typed: z.string().max(100) });

export const SymbolSchema = capped(53).regex(/^[A-Z0-9_]{1,12}:[A-Z0-9&._\-/ ]{1,40}$/, 'must look like EXCHANGE:SYMBOL, e.g. NSE:INFY or US:AAPL');
const Symbol = SymbolSchema;
export const PriceSchema = z.number().positive().finite();
const Price = PriceSchema;
export const OrderSideSchema = z.enum(ORDER_SIDES);
export const OrderTypeSchema = z.enum(ORDER_TYPES);
export const BasketOrderTypeSchema = z.enum(BASKET_ORDER_TYPES);
export const OrderStateSchema = z.enum(ORDER_STATES);
export const TimeInForceSchema = z.enum(TIMES_IN_FORCE);

export const OrderTicketSchema = z
  .strictObject({
    /** Generated once per order ticket by the UI and reused on every retry: the idempotency key. */
    ticketId: capped(64).regex(/^[A-Za-z0-9-]{8,64}$/, 'must be a ticket id'),
    symbol: Symbol,
    side: OrderSideSchema,
    quantity: z.number().positive().finite().max(1e9),
    type: OrderTypeSchema,
    limitPrice: Price.optional(),
    stopPrice: Price.optional(),
    product: capped(8)
      .regex(/^[A-Z]{2,8}$/, 'must be a product code such as CNC, MIS or NRML')
      .optional(),
    timeInForce: TimeInForceSchema.optional(),
    /** A confirmation main issued for this ticket (orders above a limit). */
    confirmationId: z.string().max(100).optional(),
  })
  .refine((t) => needsLimitPrice(t.type) === (t.limitPrice !== undefined), {
    message: 'A limit price is required for LIMIT and STOP_LIMIT orders, and only for them.',
    path: ['limitPrice'],
  })
  .refine((t) => needsStopPrice(t.type) === (t.stopPrice !== undefined), {
    message: 'A stop price is required for STOP and STOP_LIMIT orders, and only for them.',
    path: ['stopPrice'],
  });
export type OrderTicket = z.infer<typeof OrderTicketSchema>;

export const OrderViewSchema = z.strictObject({
  id: z.string(),
  clientOrderId: z.string(),
  mode: ModeSchema,
  connectionId: IdSchema.nullable(),
  broker: z.string(),
  symbol: z.string(),
  side: OrderSideSchema,
  quantity: z.number(),
  type: OrderTypeSchema,
  limitPrice: z.number().nullable(),
  stopPrice: z.number().nullable(),
  product: z.string().nullable(),
  state: OrderStateSchema,
  brokerOrderId: z.string().nullable(),
  filledQuantity: z.number(),
  averagePrice: z.number().nullable(),
  message: z.string().nullable(),
  source: z.enum(ORDER_SOURCES),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  /** Set on each slice of an order split at the exchange's freeze quantity: the parent ticket's id, shared by all. */
  parentId: z.string().nullable(),
});
export type OrderView = z.infer<typeof OrderViewSchema>;

export const PlaceResultSchema = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('placed'),
    order: OrderViewSchema,
    /** Present when the order was split at the exchange's freeze quantity: every slice sent, and why the rest were not. */
    split: z
      .strictObject({
        parentId: z.string(),
        slices: z.number().int(),
        orders: z.array(OrderViewSchema),
        /** Why the remaining slices were not sent (a failed slice, the kill switch); null when all were. */
        stopped: z.string().nullable(),
      })
      .optional(),
  }),
  /** The order breaks a pre-trade limit: place it again with this confirmation to go ahead. */
  z.strictObject({ status: z.literal('needs-confirmation'), confirmationId: z.string(), reasons: z.array(z.string()) }),
  /** The broker asked a question about the order: show the prompts and answer with orders:answerPrompt. */
  z.strictObject({ status: z.literal('needs-broker-answer'), order: OrderViewSchema, replyId: z.string(), prompts: z.array(z.string()) }),
]);

export const AnswerPromptInput = z.strictObject({
  orderId: z.string().max(64),
  replyId: z.string().max(100),
  confirm: z.boolean(),
});

export const OrderIdInput = z.strictObject({ orderId: z.string().max(64) });

/** A change to a working order: the new values of what changes (at least one). */
export const OrderChangeSchema = z
  .strictObject({
    quantity: z.number().positive().finite().max(1e9).optional(),
    type: OrderTypeSchema.optional(),
    limitPrice: Price.optional(),
    stopPrice: Price.optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'Say what to change: quantity, type, limit price or stop price.' });
export type OrderChangeInput = z.infer<typeof OrderChangeSchema>;

export const ModifyOrderInput = z.strictObject({
  orderId: z.string().max(64),
  /** Generated once per modify dialog by the UI and reused on every retry: the idempotency key of the change. */
  requestId: capped(64).regex(/^[A-Za-z0-9-]{8,64}$/, 'must be a request id'),
  change: OrderChangeSchema,
  /** A confirmation main issued for this change (live orders, and changes above a limit). */
  confirmationId: z.string().max(100).optional(),
});
export type ModifyOrderRequest = z.infer<typeof ModifyOrderInput>;

export const ModifyResultSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('modified'), order: OrderViewSchema }),
  /** A live order, or a change above a limit: send the same change again with this confirmation to go ahead. */
  z.strictObject({ status: z.literal('needs-confirmation'), confirmationId: z.string(), reasons: z.array(z.string()) }),
]);
export type ModifyResult = z.infer<typeof ModifyResultSchema>;
export const OrderListInput = z.strictObject({
  mode: ModeSchema.optional(),
  before: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

export const PositionViewSchema = z.strictObject({
  symbol: z.string(),
  quantity: z.number(),
  averagePrice: z.number(),
  lastPrice: z.number().nullable(),
  unrealizedPnl: z.number().nullable(),
  realizedPnl: z.number().nullable(),
});
export const PositionsSchema = z.strictObject({ mode: ModeSchema, connectionId: IdSchema.nullable(), positions: z.array(PositionViewSchema) });

export const HoldingViewSchema = z.strictObject({
  symbol: z.string(),
  quantity: z.number(),
  averagePrice: z.number(),
  lastPrice: z.number().nullable(),
  pnl: z.number().nullable(),
});
/** `offered` is false where the venue's broker has no holdings through its API (the list is then empty). */
export const HoldingsSchema = z.strictObject({
  mode: ModeSchema,
  connectionId: IdSchema.nullable(),
  offered: z.boolean(),
  holdings: z.array(HoldingViewSchema),
});
export const TradeViewSchema = z.strictObject({
  tradeId: z.string(),
  brokerOrderId: z.string(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  quantity: z.number(),
  price: z.number(),
  executedAt: z.number().nullable(),
});
/** `offered` is false where the venue's broker has no trade book through its API (the list is then empty). */
export const TradesSchema = z.strictObject({
  mode: ModeSchema,
  connectionId: IdSchema.nullable(),
  offered: z.boolean(),
  trades: z.array(TradeViewSchema),
});

export const QuotesInput = z.strictObject({ symbols: z.array(Symbol).min(1).max(50) });
export const QuotesSchema = z.strictObject({
  /** True when prices come from BrokerVault's built-in simulated feed rather than a broker. */
  simulated: z.boolean(),
  quotes: z.array(z.strictObject({ symbol: z.string(), last: z.number(), bid: z.number().nullable(), ask: z.number().nullable(), at: z.number().nullable() })),
});

/** The renderer's watch list: every symbol its panels show now (it replaces the previous list). */
export const QuotesWatchInput = z.strictObject({ symbols: z.array(Symbol).max(200) });
export const FEED_STATUSES = ['live', 'reconnecting', 'stale', 'polling'] as const;
export const FeedStatusSchema = z.enum(FEED_STATUSES);
export const FeedViewSchema = z.strictObject({ connectionId: IdSchema, status: FeedStatusSchema.nullable() });
export const PRICE_SOURCES = ['stream', 'poll'] as const;
export const WatchedSymbolSchema = z.strictObject({
  symbol: z.string(),
  /** The connection streaming it, or null when it is polled. */
  connectionId: IdSchema.nullable(),
  source: z.enum(PRICE_SOURCES),
  /** Why it is polled, in BrokerVault's words (no streaming connection, a broker's instrument limit). */
  note: z.string().nullable(),
});
export const QuotesWatchSchema = z.strictObject({ symbols: z.array(WatchedSymbolSchema), feeds: z.array(FeedViewSchema) });
export const LiveQuoteSchema = z.strictObject({ symbol: z.string(), last: z.number(), bid: z.number().nullable(), ask: z.number().nullable(), at: z.number() });
export const LiveQuotesEventSchema = z.strictObject({
  quotes: z.array(LiveQuoteSchema),
  sources: z.array(z.strictObject({ symbol: z.string(), source: z.enum(PRICE_SOURCES) })),
});

/** Chart history: bars of `interval` between `from` and `to` (epoch ms; defaults: the last 300 bars up to now). */
export const ChartHistoryInput = z
  .strictObject({
    symbol: Symbol,
    interval: z.enum(CHART_INTERVALS),
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
  })
  .refine((i) => i.from === undefined || i.to === undefined || i.from < i.to, { message: 'from must be before to', path: ['from'] });
export const CandleSchema = z.strictObject({ time: z.number(), open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number() });
export const ChartHistorySchema = z.strictObject({
  symbol: z.string(),
  interval: z.enum(CHART_INTERVALS),
  /** True when the bars come from BrokerVault's simulated feed, not a broker. */
  simulated: z.boolean(),
  /** The intervals the source offers, for the chart's picker. */
  intervals: z.array(z.enum(CHART_INTERVALS)),
  candles: z.array(CandleSchema),
});

/** A P&L curve: one account's journaled fills on one trading day, realised plus open positions marked. */
export const PnlCurveInput = z.strictObject({
  /** 'paper' (the paper account since its last reset), or a connection id: that live account's journaled orders. */
  account: z.union([z.literal('paper'), IdSchema]),
  /** The trading day as YYYY-MM-DD in `timeZone`; today when left out. */
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day such as 2026-12-07')
    .optional(),
  /** IANA time zone the day runs in (the exchange's). */
  timeZone: capped(64).regex(/^[A-Za-z_]+(\/[A-Za-z_+-]+){0,2}$/, 'must be a time zone such as Asia/Kolkata'),
});
export const PnlPointSchema = z.strictObject({
  time: z.number(),
  /** Realised on this day up to `time`. */
  realized: z.number(),
  /** Open positions at `time`, marked (at the last fill price then; at the venue's quote for the last point of today). */
  unrealized: z.number(),
  total: z.number(),
});
export const PnlCurveSchema = z.strictObject({
  account: z.string(),
  mode: ModeSchema,
  day: z.string(),
  timeZone: z.string(),
  from: z.number(),
  to: z.number(),
  /** Journaled fills on the day (each order's fill, at the time the journal recorded it). */
  fills: z.number().int(),
  /** How the last point marks open positions: the venue's quotes, the last fill prices, or nothing open. */
  marked: z.enum(['quote', 'last-fill', 'flat']),
  points: z.array(PnlPointSchema),
});
export type PnlCurve = z.infer<typeof PnlCurveSchema>;

export const PaperAccountSchema = z.strictObject({
  currency: z.string(),
  startingCash: z.number(),
  cash: z.number(),
  equity: z.number(),
  realizedPnl: z.number(),
  unrealizedPnl: z.number(),
  /** True when simulated prices are behind these figures (any held position on the simulated feed, or nothing held and no broker to price). */
  pricesSimulated: z.boolean(),
  /** Each held position's one price feed: "simulated" or the connection's label; priced false = valued at cost for now. */
  positionSources: z.array(z.strictObject({ symbol: z.string(), simulated: z.boolean(), label: z.string(), priced: z.boolean() })),
});
export const PaperResetInput = z.strictObject({
  startingCash: z.number().positive().max(1e12).optional(),
  currency: capped(3)
    .regex(/^[A-Z]{3}$/, 'must be a three-letter currency code such as USD or INR')
    .optional(),
});

export const LimitsSchema = z.strictObject({
  maxQuantity: z.number().positive().nullable(),
  maxOrderValue: z.number().positive().nullable(),
  maxOrdersPerMinute: z.number().int().positive().max(1000).nullable(),
});
export type Limits = z.infer<typeof LimitsSchema>;

export const KillSwitchInput = z.strictObject({ closePositions: z.boolean() });
export const KillSwitchReportSchema = z.strictObject({
  results: z.array(
    z.strictObject({
      mode: ModeSchema,
      connectionId: IdSchema.nullable(),
      target: z.string(),
      action: z.enum(['cancel', 'close']),
      outcome: z.enum(['done', 'failed']),
      message: z.string().nullable(),
    }),
  ),
  mode: ModeStatusSchema,
});

const Clock24 = capped(5).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 15:10');
export const ScheduleBasketItem = z.strictObject({
  symbol: Symbol,
  side: OrderSideSchema,
  quantity: z.number().positive().finite().max(1e9),
  type: BasketOrderTypeSchema,
  limitPrice: Price.optional(),
  product: capped(8)
    .regex(/^[A-Z]{2,8}$/, 'must be a product code such as CNC, MIS or NRML')
    .optional(),
});
export const ScheduleInput = z.strictObject({
  name: z.string().trim().min(1).max(64),
  time: Clock24,
  /** IANA time zone the time is in, e.g. Asia/Kolkata. */
  timeZone: capped(64).regex(/^[A-Za-z_]+(\/[A-Za-z_+-]+){0,2}$/, 'must be a time zone such as Asia/Kolkata'),
  /** ISO weekdays 1 (Monday) to 7 (Sunday) the basket runs on. */
  days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  orders: z.array(ScheduleBasketItem).min(1).max(20),
});
export const ScheduleViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  time: z.string(),
  timeZone: z.string(),
  days: z.array(z.number().int()),
  orders: z.array(ScheduleBasketItem),
  enabled: z.boolean(),
  /** The next run on a day at least one order's exchange is open (known holidays are skipped). */
  nextRunAt: z.number().int().nullable(),
  /**
   * The exchanges of the basket and what BrokerVault knows of their closed days: a holiday list reaching to
   * `holidaysThrough` (after it, runs happen on every selected weekday), always open (crypto), or unknown.
   */
  markets: z.array(
    z.strictObject({
      market: z.string(),
      name: z.string(),
      calendar: z.enum(['holidays', 'always-open', 'unknown']),
      holidaysThrough: z.string().nullable(),
    }),
  ),
  lastRun: z.strictObject({ at: z.number().int(), outcome: z.enum(['ran', 'missed', 'failed', 'skipped']), message: z.string().nullable() }).nullable(),
});
export const ScheduleIdInput = z.strictObject({ id: z.string().max(64) });
export const ScheduleEnableInput = z.strictObject({ id: z.string().max(64), enabled: z.boolean() });

// ---- Nothing lost: backups and the recovery screen (issue 11, item 10) ----

/** A backup is named by its file name only (never a path): brokervault-<kind>-<time>Z-v<schema>.sqlite. */
export const BackupIdSchema = z
  .string()
  .max(120)
  .regex(/^brokervault-(daily|pre-migration|manual)-\d{8}T\d{9}Z-v\d{1,6}\.sqlite$/, 'must be a backup from the list');

export const BackupViewSchema = z.strictObject({
  id: BackupIdSchema,
  kind: z.enum(['daily', 'pre-migration', 'manual']),
  createdAt: z.number().int().nonnegative(),
  sizeBytes: z.number().int().nonnegative(),
  schemaVersion: z.number().int().nonnegative(),
});

export const BackupIdInput = z.strictObject({ id: BackupIdSchema });

/**
 * Whether the database is open, or what is wrong with it in BrokerVault's words: a damaged file, one from a
 * newer BrokerVault, or an update (migration) that failed. While damaged, only the store:* channels answer.
 */
export const StoreStatusSchema = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('open') }),
  z.strictObject({
    state: z.literal('damaged'),
    problem: z.enum(['damaged-file', 'newer-version', 'migration-failed']),
    message: z.string().max(2000),
    file: z.string().max(4096),
    logFile: z.string().max(4096).nullable(),
    backups: z.array(BackupViewSchema),
  }),
]);

/** After a recovery action: where the set-aside file now is (null: there was none) and the store's new state. */
export const RecoveryResultSchema = z.strictObject({ setAside: z.string().max(4096).nullable(), status: StoreStatusSchema });

export const BackupRestoredSchema = z.strictObject({ restored: BackupViewSchema, setAside: z.string().max(4096).nullable() });
