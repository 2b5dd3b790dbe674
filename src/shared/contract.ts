import { z } from 'zod';
import { BrokerDescriptorSchema } from './brokers';
import { ApiKeyViewSchema, CreateApiKeyInput, CreatedApiKeySchema, LocalApiConfigureInput, LocalApiStatusSchema, UpdateApiKeyInput } from './local-api';
import type { ChannelName, EventName } from './channels';
import { ExitAnswerPromptInput, ExitIdInput, ExitListInput, ExitPlaceResultSchema, ExitRequestSchema, ExitViewSchema } from './exit-schemas';
import {
  AnswerPromptInput,
  ConfirmLiveInput,
  KillSwitchInput,
  KillSwitchReportSchema,
  LimitsSchema,
  LiveRequestSchema,
  ModeStatusSchema,
  OrderIdInput,
  ModifyOrderInput,
  ModifyResultSchema,
  OrderListInput,
  OrderTicketSchema,
  OrderViewSchema,
  PaperAccountSchema,
  PaperResetInput,
  PlaceResultSchema,
  PositionsSchema,
  HoldingsSchema,
  TradesSchema,
  QuotesInput,
  QuotesSchema,
  ModeSchema,
  QuotesWatchInput,
  QuotesWatchSchema,
  FeedViewSchema,
  LiveQuotesEventSchema,
  ScheduleEnableInput,
  ScheduleIdInput,
  ScheduleInput,
  ScheduleViewSchema,
  AccountCheckSchema,
  AppInfoSchema,
  BrokerInput,
  InstrumentSearchInput,
  InstrumentSearchSchema,
  LoginFinishedSchema,
  LoginStartSchema,
  RedirectUriSchema,
  TestConnectionInput,
  AuditListInput,
  AuditPageSchema,
  AuditStatusSchema,
  AuditVerifySchema,
  ConnectionViewSchema,
  CreateConnectionInput,
  EmptyInput,
  IdInput,
  IdSchema,
  PassphraseInput,
  SettingsPatchSchema,
  SettingsSchema,
  UpdateConnectionInput,
  VaultStatusSchema,
  BackupIdInput,
  BackupRestoredSchema,
  BackupViewSchema,
  RecoveryResultSchema,
  StoreStatusSchema,
  ChartHistoryInput,
  PnlCurveInput,
  PnlCurveSchema,
  ChartHistorySchema,
} from './schemas';

export interface ChannelSpec {
  input: z.ZodType;
  output: z.ZodType;
}

/**
 * The whole IPC contract: every channel with its strict input and output schema.
 * Main parses every input and every output against it; the renderer's types come from it.
 */
export const contract = {
  'app:info': { input: EmptyInput, output: AppInfoSchema },
  'brokers:list': { input: EmptyInput, output: z.array(BrokerDescriptorSchema) },
  'connections:list': { input: EmptyInput, output: z.array(ConnectionViewSchema) },
  'connections:get': { input: IdInput, output: ConnectionViewSchema },
  'connections:create': { input: CreateConnectionInput, output: ConnectionViewSchema },
  'connections:update': { input: UpdateConnectionInput, output: ConnectionViewSchema },
  'connections:delete': { input: IdInput, output: z.strictObject({ deleted: z.literal(true) }) },
  'connections:setDefault': { input: IdInput, output: ConnectionViewSchema },
  'connections:activate': { input: IdInput, output: ConnectionViewSchema },
  'connections:deactivate': { input: IdInput, output: ConnectionViewSchema },
  'connections:test': { input: TestConnectionInput, output: AccountCheckSchema },
  'connections:connect': { input: CreateConnectionInput, output: ConnectionViewSchema },
  'connections:login': { input: IdInput, output: LoginStartSchema },
  'connections:cancelLogin': { input: IdInput, output: z.strictObject({ cancelled: z.boolean() }) },
  'connections:validate': { input: IdInput, output: ConnectionViewSchema },
  'connections:validateAll': { input: EmptyInput, output: z.array(ConnectionViewSchema) },
  'connections:disconnect': { input: IdInput, output: ConnectionViewSchema },
  'brokers:redirectUri': { input: BrokerInput, output: RedirectUriSchema },
  'instruments:search': { input: InstrumentSearchInput, output: InstrumentSearchSchema },
  'mode:get': { input: EmptyInput, output: ModeStatusSchema },
  'mode:requestLive': { input: z.strictObject({ connectionId: IdSchema }), output: LiveRequestSchema },
  'mode:confirmLive': { input: ConfirmLiveInput, output: ModeStatusSchema },
  'mode:goPaper': { input: EmptyInput, output: ModeStatusSchema },
  'mode:unlock': { input: EmptyInput, output: ModeStatusSchema },
  'orders:place': { input: OrderTicketSchema, output: PlaceResultSchema },
  'orders:answerPrompt': { input: AnswerPromptInput, output: PlaceResultSchema },
  'orders:cancel': { input: OrderIdInput, output: OrderViewSchema },
  'orders:modify': { input: ModifyOrderInput, output: ModifyResultSchema },
  'orders:list': { input: OrderListInput, output: z.array(OrderViewSchema) },
  'orders:refresh': { input: EmptyInput, output: z.array(OrderViewSchema) },
  /** Set up a protective exit (bracket, stop-loss with target, trailing stop): native at the live broker where it holds the kind, else managed. */
  'exits:place': { input: ExitRequestSchema, output: ExitPlaceResultSchema },
  /** Protective exits, newest first (only the working ones with `working`). */
  'exits:list': { input: ExitListInput, output: z.array(ExitViewSchema) },
  'exits:cancel': { input: ExitIdInput, output: ExitViewSchema },
  'exits:answerPrompt': { input: ExitAnswerPromptInput, output: ExitPlaceResultSchema },
  'positions:list': { input: EmptyInput, output: PositionsSchema },
  'holdings:list': { input: EmptyInput, output: HoldingsSchema },
  'trades:list': { input: EmptyInput, output: TradesSchema },
  'quotes:get': { input: QuotesInput, output: QuotesSchema },
  'quotes:watch': { input: QuotesWatchInput, output: QuotesWatchSchema },
  'feeds:list': { input: EmptyInput, output: z.array(FeedViewSchema) },
  'chart:history': { input: ChartHistoryInput, output: ChartHistorySchema },
  'pnl:curve': { input: PnlCurveInput, output: PnlCurveSchema },
  'paper:account': { input: EmptyInput, output: PaperAccountSchema },
  'paper:reset': { input: PaperResetInput, output: PaperAccountSchema },
  'limits:get': { input: EmptyInput, output: LimitsSchema },
  'limits:set': { input: LimitsSchema, output: LimitsSchema },
  'killswitch:engage': { input: KillSwitchInput, output: KillSwitchReportSchema },
  'schedules:list': { input: EmptyInput, output: z.array(ScheduleViewSchema) },
  'schedules:create': { input: ScheduleInput, output: ScheduleViewSchema },
  'schedules:delete': { input: ScheduleIdInput, output: z.strictObject({ deleted: z.literal(true) }) },
  /** Pause or resume a schedule: a paused one runs nothing, and what fell due while paused is not reported missed. */
  'schedules:setEnabled': { input: ScheduleEnableInput, output: ScheduleViewSchema },
  'vault:status': { input: EmptyInput, output: VaultStatusSchema },
  'vault:rotateKey': { input: EmptyInput, output: VaultStatusSchema },
  'vault:setupPassphrase': { input: PassphraseInput, output: VaultStatusSchema },
  'vault:unlock': { input: PassphraseInput, output: VaultStatusSchema },
  /** Load the key again (a keychain that was unreachable or timed out may be back); pushes vault:changed. */
  'vault:retry': { input: EmptyInput, output: VaultStatusSchema },
  'audit:list': { input: AuditListInput, output: AuditPageSchema },
  'audit:verify': { input: EmptyInput, output: AuditVerifySchema },
  'audit:status': { input: EmptyInput, output: AuditStatusSchema },
  'settings:get': { input: EmptyInput, output: SettingsSchema },
  'settings:set': { input: SettingsPatchSchema, output: SettingsSchema },
  /** Open, or damaged with what is wrong, the file, the log and the backups (the recovery screen). */
  'store:status': { input: EmptyInput, output: StoreStatusSchema },
  /** Recovery: rename the damaged file (and its -wal/-shm) aside, never deleting it, and start with an empty database. */
  'store:moveAside': { input: EmptyInput, output: RecoveryResultSchema },
  /** Recovery: set the damaged file aside and put a verified backup in its place. */
  'store:restore': { input: BackupIdInput, output: RecoveryResultSchema },
  /** Recovery: leave everything as it is and quit (exit code 1: start-up did not succeed). */
  'store:quit': { input: EmptyInput, output: z.strictObject({ quitting: z.literal(true) }) },
  'backups:list': { input: EmptyInput, output: z.array(BackupViewSchema) },
  /** Take a backup now (kind manual), verified like the automatic ones. */
  'backups:create': { input: EmptyInput, output: BackupViewSchema },
  /** Settings: set the current database aside and reopen the services on a copy of this backup. */
  'backups:restore': { input: BackupIdInput, output: BackupRestoredSchema },
  /** The local API: settings, listeners (a taken port with a free one offered), keys and the kill switch's halt. */
  'localApi:status': { input: EmptyInput, output: LocalApiStatusSchema },
  'localApi:configure': { input: LocalApiConfigureInput, output: LocalApiStatusSchema },
  /** The answer holds the key itself, once: it is never stored or shown again. */
  'localApi:createKey': { input: CreateApiKeyInput, output: CreatedApiKeySchema },
  'localApi:updateKey': { input: UpdateApiKeyInput, output: ApiKeyViewSchema },
  'localApi:revokeKey': { input: IdInput, output: ApiKeyViewSchema },
  /** Turn API trading back on after the kill switch (only here, never through the API). */
  'localApi:resumeTrading': { input: EmptyInput, output: LocalApiStatusSchema },
} as const satisfies Record<ChannelName, ChannelSpec>;

/** Payload schemas of the events main pushes to the renderer. */
export const events = {
  'connections:changed': z.strictObject({ connections: z.array(ConnectionViewSchema) }),
  'vault:changed': VaultStatusSchema,
  'settings:changed': SettingsSchema,
  'login:finished': LoginFinishedSchema,
  'mode:changed': ModeStatusSchema,
  'orders:changed': z.strictObject({ order: OrderViewSchema }),
  /** Every schedule, after one was created, paused, resumed or deleted, or an occurrence ran, failed, was missed or skipped. */
  'schedules:changed': z.strictObject({ schedules: z.array(ScheduleViewSchema) }),
  /** Where a running kill switch is: "Cancelling 3 of 5…", or waiting for a broker's rate limit. */
  'killswitch:progress': z.strictObject({ done: z.number().int().min(0), total: z.number().int().min(0), message: z.string() }),
  /** The audit trail was checked and its standing changed (most of all: found broken). */
  'audit:changed': AuditStatusSchema,
  /** Streamed prices of the watched symbols, at most one batch every few ms, latest value per symbol. */
  'quotes:live': LiveQuotesEventSchema,
  /** A connection's market-data feed changed: live, reconnecting, stale, polling, or null when nothing streams on it. */
  'feeds:changed': FeedViewSchema,
  /** Positions and P&L of this mode read differently now (streamed prices moved them); at most once a second. */
  'positions:changed': z.strictObject({ mode: ModeSchema }),
  /** A protective exit was set up, armed, triggered, cancelled or finished (or a trailing stop moved). */
  'exits:changed': z.strictObject({ exit: ExitViewSchema }),
  'localApi:changed': LocalApiStatusSchema,
} as const satisfies Record<EventName, z.ZodType>;

export type Contract = typeof contract;
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;
