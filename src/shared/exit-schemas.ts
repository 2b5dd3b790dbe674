import { z } from 'zod';
import { EXIT_KINDS, EXIT_LEG_ROLES } from './exits';
import { IdSchema, ModeSchema, OrderSideSchema, PriceSchema, SymbolSchema } from './schemas';

/**
 * The IPC schemas of protective exits (see exits.ts for the kinds): what the trader asks for, and how a working or
 * finished exit is shown. Messages are predicates in BrokerVault's words, like schemas.ts.
 */

export const ExitKindSchema = z.enum(EXIT_KINDS);
export const ExitLegRoleSchema = z.enum(EXIT_LEG_ROLES);

/** managed: BrokerVault watches the feed and sends the exit order; native: the broker holds the exit itself. */
export const EXIT_HANDLINGS = ['managed', 'native'] as const;
export type ExitHandling = (typeof EXIT_HANDLINGS)[number];

/**
 * placing: a native exit sent, no answer yet; pending-entry: a bracket's entry is working; armed: watching the feed
 * (managed) or held by the broker (native); triggered: the exit order was sent and is working; done: the exit order
 * filled (or the broker's group finished); cancelled: by the trader, the kill switch or because the position went;
 * failed: the entry or exit order was refused, or the exit could not be sent.
 */
export const EXIT_STATES = ['placing', 'pending-entry', 'armed', 'triggered', 'done', 'cancelled', 'failed'] as const;
export type ExitState = (typeof EXIT_STATES)[number];
/** States in which an exit still works and can be cancelled. */
export const WORKING_EXIT_STATES: readonly ExitState[] = ['placing', 'pending-entry', 'armed'];

const TrailSchema = z.union([z.strictObject({ amount: PriceSchema }), z.strictObject({ percent: z.number().positive().max(50) })]);

export const ExitRequestSchema = z
  .strictObject({
    /** Generated once per exit ticket by the UI and reused on every retry: the idempotency key. */
    requestId: z
      .string()
      .max(64, { abort: true })
      .regex(/^[A-Za-z0-9-]{8,64}$/, 'must be a request id'),
    kind: ExitKindSchema,
    symbol: SymbolSchema,
    /** The side of the exit legs: SELL protects a long position; a bracket's entry goes the other way. */
    exitSide: OrderSideSchema,
    quantity: z.number().positive().finite().max(1e9),
    entry: z.strictObject({ type: z.enum(['MARKET', 'LIMIT']), limitPrice: PriceSchema.optional() }).optional(),
    targetPrice: PriceSchema.optional(),
    stopPrice: PriceSchema.optional(),
    stopLimitPrice: PriceSchema.optional(),
    trail: TrailSchema.optional(),
    product: z
      .string()
      .max(8, { abort: true })
      .regex(/^[A-Z]{2,8}$/, 'must be a product code such as CNC, MIS or NRML')
      .optional(),
    /** A confirmation main issued for this request (above a limit). */
    confirmationId: z.string().max(100).optional(),
  })
  .superRefine((r, ctx) => {
    const problem = exitRequestProblem(r);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
  });
export type ExitRequest = z.infer<typeof ExitRequestSchema>;

/** What is wrong with an exit request's shape or prices, in BrokerVault's words; null when it is sound. */
export function exitRequestProblem(r: {
  kind: (typeof EXIT_KINDS)[number];
  exitSide: 'BUY' | 'SELL';
  entry?: { type: 'MARKET' | 'LIMIT'; limitPrice?: number };
  targetPrice?: number;
  stopPrice?: number;
  stopLimitPrice?: number;
  trail?: { amount: number } | { percent: number };
}): { field: string; message: string } | null {
  const legs = r.kind === 'trailing' ? 'a trailing stop' : r.kind === 'bracket' ? 'a bracket' : 'a stop-loss with target';
  if (r.kind === 'bracket' && !r.entry) return { field: 'entry', message: 'A bracket needs its entry order.' };
  if (r.kind !== 'bracket' && r.entry) return { field: 'entry', message: `Only a bracket has an entry order, not ${legs}.` };
  if (r.entry && (r.entry.type === 'LIMIT') !== (r.entry.limitPrice !== undefined)) {
    return { field: 'entry', message: 'A limit price is required for a LIMIT entry, and only for it.' };
  }
  if (r.kind === 'trailing') {
    if (!r.trail) return { field: 'trail', message: 'A trailing stop needs its distance (an amount or a percentage).' };
    if (r.targetPrice !== undefined || r.stopPrice !== undefined || r.stopLimitPrice !== undefined) {
      return { field: 'stopPrice', message: 'A trailing stop sets its own stop from the trail; leave target and stop empty.' };
    }
    return null;
  }
  if (r.trail) return { field: 'trail', message: `Only a trailing stop has a trail, not ${legs}.` };
  if (r.targetPrice === undefined) return { field: 'targetPrice', message: `${capital(legs)} needs a target price.` };
  if (r.stopPrice === undefined) return { field: 'stopPrice', message: `${capital(legs)} needs a stop price.` };
  // SELL protects a long: the stop is below the target; BUY protects a short: the stop is above it.
  const long = r.exitSide === 'SELL';
  if (long ? r.stopPrice >= r.targetPrice : r.stopPrice <= r.targetPrice) {
    return { field: 'stopPrice', message: `The stop must be ${long ? 'below' : 'above'} the target when the exit ${long ? 'sells' : 'buys'}.` };
  }
  const entry = r.entry?.limitPrice;
  if (entry !== undefined && (long ? !(r.stopPrice < entry && entry < r.targetPrice) : !(r.targetPrice < entry && entry < r.stopPrice))) {
    return { field: 'entry', message: 'The entry price must lie between the stop and the target.' };
  }
  if (r.stopLimitPrice !== undefined && (long ? r.stopLimitPrice > r.stopPrice : r.stopLimitPrice < r.stopPrice)) {
    return { field: 'stopLimitPrice', message: `The stop's limit price must be at or ${long ? 'below' : 'above'} the stop price.` };
  }
  return null;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const ExitViewSchema = z.strictObject({
  id: z.string(),
  kind: ExitKindSchema,
  handling: z.enum(EXIT_HANDLINGS),
  mode: ModeSchema,
  connectionId: IdSchema.nullable(),
  symbol: z.string(),
  exitSide: OrderSideSchema,
  quantity: z.number(),
  entry: z.strictObject({ type: z.enum(['MARKET', 'LIMIT']), limitPrice: z.number().nullable() }).nullable(),
  targetPrice: z.number().nullable(),
  stopPrice: z.number().nullable(),
  stopLimitPrice: z.number().nullable(),
  trail: TrailSchema.nullable(),
  /** Trailing: the best price since it was armed, and the stop that follows from it. */
  trailBest: z.number().nullable(),
  currentStop: z.number().nullable(),
  state: z.enum(EXIT_STATES),
  /** Journal ids of the bracket's entry order and of the exit order BrokerVault sent. */
  entryOrderId: z.string().nullable(),
  exitOrderId: z.string().nullable(),
  triggeredBy: ExitLegRoleSchema.nullable(),
  /** The broker's id for a native exit's group. */
  groupId: z.string().nullable(),
  message: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type ExitView = z.infer<typeof ExitViewSchema>;

export const ExitPlaceResultSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('placed'), exit: ExitViewSchema }),
  /** The exit breaks a pre-trade limit: send the request again with this confirmation to go ahead. */
  z.strictObject({ status: z.literal('needs-confirmation'), confirmationId: z.string(), reasons: z.array(z.string()) }),
  /** The broker asked a question about a native exit: show the prompts and answer with exits:answerPrompt. */
  z.strictObject({ status: z.literal('needs-broker-answer'), exit: ExitViewSchema, replyId: z.string(), prompts: z.array(z.string()) }),
]);
export type ExitPlaceResult = z.infer<typeof ExitPlaceResultSchema>;

export const ExitIdInput = z.strictObject({ exitId: z.string().max(64) });
export const ExitAnswerPromptInput = z.strictObject({ exitId: z.string().max(64), replyId: z.string().max(100), confirm: z.boolean() });
export const ExitListInput = z.strictObject({ working: z.boolean().optional() });
