import type { z } from 'zod';
import type { BrokerRegistry } from '../brokers/registry';
import type { Logger } from '../log/types';
import type { BrokerService } from '../services/brokers';
import type { ConnectionService } from '../services/connections';
import type { AuditLog } from '../store/audit-log';
import type { Trading } from '../trading';
import type { Market } from '../trading/market';

/** What a local API key may do: read books and data, or also trade. */
export type ApiPermission = 'read' | 'trade';

/** The caller of one request, after its key was checked: which key, which connections it is bound to, what it may do. */
export interface ApiCaller {
  keyId: string;
  connectionIds: readonly string[];
  permission: ApiPermission;
}

/**
 * The services a verb may use: the same graph the IPC handlers use (AppServices' members of these names), so API
 * orders take the one order path. Named member by member, not picked from AppServices, so that the composition root
 * can build the local API without an import cycle.
 */
export interface LocalApiServices {
  trading: Trading;
  connections: ConnectionService;
  brokerCalls: BrokerService;
  market: Market;
  brokers: BrokerRegistry;
  audit: AuditLog;
  log: Logger;
}

export interface VerbContext {
  caller: ApiCaller;
  services: LocalApiServices;
}

/** A reply in OpenAlgo's shape: `{ status: 'success', data }` or `{ status: 'error', message }`, with its HTTP code. */
export interface VerbReply {
  httpStatus: number;
  body: { status: 'success' | 'error'; data?: unknown; message?: string } & Record<string, unknown>;
  /** The body as UTF-8 JSON, when a verb answers the same kept reply many times (encoded once; see keptReply). */
  readonly encoded?: Buffer;
}

/**
 * One verb under /api/v1/<name>. The server checks the key, the permission and the body against `input` (the `apikey`
 * field removed) before `run`; `run` throws ApiError for a refusal in OpenAlgo's error shape.
 */
export interface Verb<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly permission: ApiPermission;
  /** A trade verb that still answers after the kill switch stopped API trading: it only lowers risk (cancels). */
  readonly whileHalted?: boolean;
  readonly input: S;
  run(ctx: VerbContext, input: z.infer<S>): Promise<VerbReply>;
}

/** A refusal with the HTTP code OpenAlgo uses for it, in BrokerVault's words (never a secret). */
/** What a read-only key hears from a trade verb. */
export const READ_ONLY_MESSAGE =
  'This API key is read-only: it cannot place, change or cancel orders. Create a trade key in BrokerVault: Settings → Local API.';

export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
