import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { apiHostProblem } from '../../shared/api-host';
import type { BrokerId, Environment } from '../../shared/brokers';
import type { AppErrorShape } from '../../shared/result';
import type { AccountCheckSchema, ConnectionStatus, ConnectionView, CreateConnectionInput, LoginStartSchema } from '../../shared/schemas';
import {
  MemoryInstrumentMaster,
  BrokerError,
  BrokerPrompt,
  type AccountSummary,
  type BrokerAdapter,
  type BrokerContext,
  type InstrumentMaster,
} from '../brokers/types';
import type { BrokerRegistry } from '../brokers/registry';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { Emitter } from '../events';
import type { Scheduler } from '../scheduler';
import type { Logger } from '../log/types';
import { isSafeError, toSafeError } from '../safe-error';
import type { SecretRegistry } from '../log/redact';
import { isAllowedExternalUrl } from '../security/navigation';
import type { ConnectionRow } from '../store/connections-repo';
import type { ConnectionService } from './connections';
import type { InstrumentService } from './instruments';
import type { OAuthListener } from './oauth-listener';
import type { RateLimiter } from './rate-limiter';

const REQUEST_TIMEOUT_MS = 15_000;

export interface BrokerServiceDeps {
  registry: BrokerRegistry;
  connections: ConnectionService;
  instruments: InstrumentService;
  limiter: RateLimiter;
  oauth: OAuthListener;
  fetch: typeof fetch;
  clock: Clock;
  /** Timers adapters wait on (a quote snapshot's retry pause, say); the manual scheduler in tests. */
  scheduler: Scheduler;
  log: Logger;
  openExternal: (url: string) => Promise<void>;
  /** Knows every connection's secrets; every error out of an adapter call is scrubbed through it. */
  secrets: SecretRegistry;
}

/** The end of a browser sign-in, whichever way it ended. */
export interface LoginFinished {
  connectionId: string;
  ok: boolean;
  error: AppErrorShape | null;
  connection: ConnectionView | null;
}

/** What a failed check means for the connection's status in the health panel. */
function statusFor(error: unknown): ConnectionStatus {
  if (isSafeError(error)) {
    if (error.code === 'INVALID_CREDENTIALS') return 'invalid';
    if (error.code === 'TOKEN_EXPIRED') return 'expired';
  }
  return 'error';
}

/** The secret values a call holds: the descriptor's secret fields and every session token (fields it does not declare). */
function secretValues(adapter: BrokerAdapter, credentials: Readonly<Record<string, string>>): string[] {
  const plain = new Set(adapter.descriptor.fields.filter((f) => !f.secret).map((f) => f.name));
  return Object.entries(credentials)
    .filter(([name, value]) => !plain.has(name) && value !== '')
    .map(([, value]) => value);
}

/**
 * Brokers count their limits per account (API key, client code) and host, not per BrokerVault connection:
 * requests with the same broker, host and non-secret fields share one budget, whether the connection is saved
 * yet or not (the wizard's test and the first calls after saving count together). Secrets stay out of the key.
 */
function rateBudgetKey(adapter: BrokerAdapter, environment: Environment, baseUrl: string, credentials: Readonly<Record<string, string>>): string {
  const identity = adapter.descriptor.fields.filter((f) => !f.secret).map((f) => [f.name, credentials[f.name]?.trim() ?? '']);
  return createHash('sha256')
    .update(JSON.stringify([adapter.descriptor.id, environment, baseUrl, identity]))
    .digest('base64url');
}

/**
 * Main-process owner of every call to a broker: builds each call's context (decrypted credentials,
 * the connection's host, its instrument master), applies the broker's rate limits, runs the login
 * flows (loopback OAuth redirect or a direct login), and records validation results as connection health.
 */
/** How one call reaches the broker. */
export interface CallOptions {
  /** The call maps symbols: the broker's instrument master is made fresh first. */
  needsInstruments?: boolean;
  /**
   * An order (place, modify, cancel) or a price an order waits for: its requests pass reads still waiting at the
   * broker's rate limits (RateLimiter), so chart, quote panel and position reads never hold an order back.
   */
  urgent?: boolean;
}

export class BrokerService {
  private readonly memos = new Map<string, Map<string, unknown>>();
  private readonly pendingLogins = new Map<string, string>();
  private readonly didFinishLogin = new Emitter<LoginFinished>();
  /** Fires when a browser sign-in ends, validated or failed. */
  readonly onDidFinishLogin = this.didFinishLogin.event;

  constructor(private readonly deps: BrokerServiceDeps) {}

  adapterFor(broker: BrokerId): BrokerAdapter {
    const adapter = this.deps.registry.get(broker);
    if (!adapter) throw new AppError('NOT_SUPPORTED', `This version of BrokerVault cannot connect to ${broker}.`);
    return adapter;
  }

  private baseUrl(adapter: BrokerAdapter, environment: Environment, apiHost: string | null | undefined): string {
    if (apiHost) {
      // SECURITY: checked again before any secret is sent, whatever a row saved by an older version holds.
      const problem = apiHostProblem(apiHost);
      if (problem) throw new AppError('INVALID_INPUT', `${problem} Edit this connection's API host.`);
      return apiHost;
    }
    const env = adapter.descriptor.environments.find((e) => e.id === environment);
    if (!env) throw new AppError('INVALID_INPUT', `${adapter.descriptor.name} has no ${environment} environment.`);
    return env.baseUrl;
  }

  private makeContext(
    adapter: BrokerAdapter,
    environment: Environment,
    apiHost: string | null | undefined,
    credentials: Record<string, string>,
    state: Pick<BrokerContext, 'instruments' | 'memo'>,
    urgent = false,
  ): BrokerContext {
    const baseUrl = this.baseUrl(adapter, environment, apiHost);
    return {
      baseUrl,
      environment,
      credentials,
      fetch: this.deps.fetch,
      clock: this.deps.clock,
      scheduler: this.deps.scheduler,
      timeoutMs: REQUEST_TIMEOUT_MS,
      rateGate: this.deps.limiter.gateFor(rateBudgetKey(adapter, environment, baseUrl, credentials), adapter.rateLimits, urgent),
      ...state,
    };
  }

  private memo(id: string): Map<string, unknown> {
    let memo = this.memos.get(id);
    if (!memo) this.memos.set(id, (memo = new Map()));
    return memo;
  }

  /** Context for a saved connection. Instruments are made fresh first when the call needs symbols. */
  async context(row: ConnectionRow, options: CallOptions = {}): Promise<BrokerContext> {
    const adapter = this.adapterFor(row.broker);
    const ctx = this.makeContext(
      adapter,
      row.environment,
      row.api_host,
      this.deps.connections.credentials(row.id),
      { instruments: this.deps.instruments.master(adapter), memo: this.memo(row.id) },
      options.urgent,
    );
    if (options.needsInstruments)
      await this.deps.instruments.ensureFresh(adapter, () => this.scrubbing(row.id, adapter, ctx, () => adapter.fetchInstruments!(ctx)));
    return ctx;
  }

  /**
   * A saved connection's broker's instrument master, made fresh first, and which copy it is. The master is the
   * broker's, not the connection's: its credentials are read only when a download is due.
   */
  async instrumentMaster(id: string): Promise<{ master: InstrumentMaster; copy: number }> {
    const row = this.deps.connections.row(id);
    const adapter = this.adapterFor(row.broker);
    await this.deps.instruments.ensureFresh(adapter, async () => {
      const ctx = await this.context(row);
      return this.scrubbing(row.id, adapter, ctx, () => adapter.fetchInstruments!(ctx));
    });
    return { master: this.deps.instruments.master(adapter), copy: this.deps.instruments.copy(adapter) };
  }

  /** Run one adapter call for a saved connection (each of its requests waits for the broker's rate limits). */
  async call<T>(id: string, fn: (adapter: BrokerAdapter, ctx: BrokerContext) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const row = this.deps.connections.row(id);
    const adapter = this.adapterFor(row.broker);
    const ctx = await this.context(row, options);
    return this.scrubbing(id, adapter, ctx, () => fn(adapter, ctx));
  }

  /**
   * Run adapter code for one connection (`scope`; null while its credentials are not saved). Brokers may
   * quote the request back in their errors, so every error leaves scrubbed of the connection's own secrets
   * and session tokens, and of those this call holds, before anything can show, store or log its message.
   */
  private async scrubbing<T>(scope: string | null, adapter: BrokerAdapter, ctx: BrokerContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      // SECURITY: the one place broker errors pass on their way to results, events, last_error, the journal and the log.
      const held = secretValues(adapter, ctx.credentials);
      // The log must know them too: values being tested and tokens just obtained are not stored yet.
      for (const value of held) this.deps.secrets.add(value);
      const clean = (text: string) => this.deps.secrets.scrubFor(scope, text, held);
      if (error instanceof BrokerPrompt) throw new BrokerPrompt(error.replyId, error.prompts.map(clean), clean(error.message));
      if (error instanceof BrokerError) throw new BrokerError(error.code, clean(error.message), error.httpStatus);
      if (error instanceof AppError) throw new AppError(error.code, clean(error.message));
      // Anything else never crosses to the renderer (the router makes it INTERNAL), and the log scrubs it.
      throw error;
    }
  }

  /**
   * Try credentials without saving them: log in where the broker allows it without a browser, then
   * validate. Nothing is stored; the session obtained is discarded.
   */
  async test(input: Omit<CreateConnectionInput, 'label'>): Promise<z.infer<typeof AccountCheckSchema>> {
    const { summary, latencyMs } = await this.checkUnsaved(input);
    return { ...summary, latencyMs };
  }

  private async checkUnsaved(input: Omit<CreateConnectionInput, 'label'>) {
    const adapter = this.adapterFor(input.broker);
    this.deps.connections.checkInput(input.broker, input.environment, input.fields);
    if (adapter.loginUrl) {
      throw new AppError('NOT_SUPPORTED', `${adapter.descriptor.name} is tested by signing in on its own page. Save the connection, then choose Sign in.`);
    }
    // Unsaved credentials: no cached instruments and no memory that outlives this check.
    const credentials = Object.fromEntries(Object.entries(input.fields).map(([k, v]) => [k, v.trim()]));
    // Not stored (yet), so the vault has not registered them: the log must know them all the same.
    for (const value of secretValues(adapter, credentials)) this.deps.secrets.add(value);
    const ctx = this.makeContext(adapter, input.environment, input.apiHost, credentials, { instruments: new MemoryInstrumentMaster(), memo: new Map() });
    const started = performance.now();
    return this.scrubbing(null, adapter, ctx, async () => {
      const session = adapter.login ? await adapter.login(ctx) : null;
      if (session) ctx.credentials = { ...ctx.credentials, ...session.fields };
      const summary = await adapter.validate(ctx);
      return { adapter, ctx, session, summary, latencyMs: performance.now() - started };
    });
  }

  /**
   * Connect: for brokers that can be checked without a browser, validate first and save only when the
   * broker accepted the credentials. OAuth brokers are saved as untested; their Sign in comes next.
   */
  async connect(input: CreateConnectionInput): Promise<ConnectionView> {
    const adapter = this.adapterFor(input.broker);
    if (adapter.loginUrl) return this.deps.connections.create(input);
    const checked = await this.checkUnsaved(input);
    const created = await this.deps.connections.create(input);
    if (checked.session) {
      await this.deps.connections.storeSession(created.id, checked.session.fields, checked.session.expiresAt, { flow: 'connect' });
    }
    await this.recordValid(created.id, checked.summary, checked.latencyMs, checked.session?.expiresAt ?? adapter.sessionExpiry(checked.ctx));
    return this.deps.connections.get(created.id);
  }

  /** Start a login: OAuth brokers open the system browser; the others log in at once. */
  async login(id: string): Promise<z.infer<typeof LoginStartSchema>> {
    const row = this.deps.connections.row(id);
    const adapter = this.adapterFor(row.broker);
    if (adapter.loginUrl && adapter.completeLogin) {
      this.cancelLogin(id);
      const state = randomBytes(16).toString('hex');
      const { redirectUri, result } = await this.deps.oauth.expect(row.broker, state, { stateless: adapter.statelessRedirect === true });
      this.pendingLogins.set(id, state);
      let url: string;
      try {
        const ctx = await this.context(row);
        url = await this.scrubbing(id, adapter, ctx, async () => adapter.loginUrl!(ctx, redirectUri, state));
        // SECURITY: the sign-in page opens only on a broker's own https host or this connection's configured API host.
        if (!isAllowedExternalUrl(url, row.api_host ? [row.api_host] : [])) throw refusedSignInPage(url);
      } catch (error) {
        // Nothing waits on this login yet: stop listening for it instead of leaving an unhandled rejection behind.
        result.catch(() => undefined);
        this.cancelLogin(id);
        throw error;
      }
      void this.finishBrowserLogin(id, state, result, redirectUri);
      await this.deps.openExternal(url);
      return { status: 'browser', redirectUri, loginHost: new URL(url).host };
    }
    if (!adapter.login) throw new AppError('NOT_SUPPORTED', `${adapter.descriptor.name} needs no sign-in: its keys are used directly.`);
    const ctx = await this.context(row);
    const session = await this.scrubbing(id, adapter, ctx, () => adapter.login!(ctx));
    await this.deps.connections.storeSession(id, session.fields, session.expiresAt, { flow: 'direct' });
    await this.validate(id);
    return { status: 'logged-in', connection: this.deps.connections.get(id) };
  }

  private async finishBrowserLogin(id: string, state: string, result: Promise<Record<string, string>>, redirectUri: string): Promise<void> {
    try {
      const params = await result;
      const row = this.deps.connections.row(id);
      const adapter = this.adapterFor(row.broker);
      const ctx = await this.context(row);
      const session = await this.scrubbing(id, adapter, ctx, () => adapter.completeLogin!(ctx, params, redirectUri));
      await this.deps.connections.storeSession(id, session.fields, session.expiresAt, { flow: 'browser' });
      const connection = await this.validate(id);
      this.didFinishLogin.fire({
        connectionId: id,
        ok: connection.status === 'valid',
        error: connection.status === 'valid' ? null : { code: 'BROKER_REJECTED', message: connection.lastError ?? 'Validation failed after sign-in.' },
        connection,
      });
    } catch (error) {
      this.deps.log.warn('browser login failed', { error });
      const shape = toSafeError(error);
      let connection: ConnectionView | null = null;
      try {
        connection = this.deps.connections.get(id);
      } catch {
        connection = null;
      }
      this.didFinishLogin.fire({ connectionId: id, ok: false, error: shape, connection });
    } finally {
      if (this.pendingLogins.get(id) === state) this.pendingLogins.delete(id);
    }
  }

  cancelLogin(id: string): boolean {
    const state = this.pendingLogins.get(id);
    if (!state) return false;
    this.pendingLogins.delete(id);
    this.deps.oauth.cancel(state);
    return true;
  }

  /** A browser-sign-in connection with no session: never signed in, or disconnected since. */
  awaitingSignIn(id: string): boolean {
    return Boolean(this.adapterFor(this.deps.connections.row(id).broker).loginUrl) && !this.deps.connections.hasSession(id);
  }

  /** A cheap authenticated read; the outcome becomes the connection's health and is audited. */
  async validate(id: string): Promise<ConnectionView> {
    const started = performance.now();
    const row = this.deps.connections.row(id);
    const adapter = this.adapterFor(row.broker);
    // Never signed in through the broker's page: there is nothing to check yet, and "expired" would mislead.
    if (this.awaitingSignIn(id)) {
      throw new AppError('TOKEN_EXPIRED', `Sign in to ${adapter.descriptor.name} first: choose Sign in (Re-login) on this connection.`);
    }
    try {
      const { summary, expiry } = await this.call(id, async (adapter, ctx) => ({ summary: await adapter.validate(ctx), expiry: adapter.sessionExpiry(ctx) }));
      await this.recordValid(id, summary, performance.now() - started, expiry);
    } catch (error) {
      if (error instanceof AppError && (error.code === 'NOT_FOUND' || error.code === 'NOT_SUPPORTED')) throw error;
      // "Too many requests" says nothing about the credentials: keep the last status and let the caller retry.
      if (error instanceof BrokerError && error.code === 'RATE_LIMITED') throw error;
      const status = statusFor(error);
      const shape = toSafeError(error);
      this.deps.log.info('validation failed', { broker: row.broker, code: shape.code });
      await this.deps.connections.recordCheck(
        id,
        {
          status,
          last_validated_at: this.deps.clock.now(),
          latency_ms: performance.now() - started,
          last_error: shape.message,
        },
        { result: status, code: shape.code },
      );
    }
    return this.deps.connections.get(id);
  }

  disconnect(id: string): ConnectionView {
    this.cancelLogin(id);
    this.memos.delete(id);
    this.deps.connections.disconnect(id);
    return this.deps.connections.get(id);
  }

  private recordValid(id: string, summary: AccountSummary, latencyMs: number, expiry: number | null): Promise<void> {
    return this.deps.connections.recordCheck(
      id,
      {
        status: 'valid',
        last_validated_at: this.deps.clock.now(),
        latency_ms: latencyMs,
        last_error: null,
        account_masked: summary.accountMasked,
        account_type: summary.accountType,
        buying_power: summary.buyingPower,
        currency: summary.currency,
        token_expires_at: expiry,
      },
      { result: 'valid' },
    );
  }

  /** The loopback redirect URL the trader registers with an OAuth broker. */
  redirectUri(broker: BrokerId): string {
    const adapter = this.adapterFor(broker);
    if (!adapter.loginUrl) throw new AppError('NOT_SUPPORTED', `${adapter.descriptor.name} does not sign in through a redirect.`);
    return this.deps.oauth.redirectUri(broker);
  }

  /**
   * Symbol search in the connection's instrument master, downloading today's copy when needed; for brokers
   * without a master the broker's live symbol search instead.
   */
  async searchInstruments(id: string, query: string) {
    const row = this.deps.connections.row(id);
    const adapter = this.adapterFor(row.broker);
    if (!adapter.fetchInstruments && adapter.searchSymbols) {
      // No master to search: ask the broker's own symbol search (its requests pass the rate gate like any other).
      const found = await this.call(id, (a, ctx) => a.searchSymbols!(ctx, query, 20));
      const results = found.slice(0, 20).map((i) => ({ symbol: i.symbol, name: i.name, exchange: i.exchange, lotSize: i.lotSize, tickSize: i.tickSize }));
      return { results, masterDay: null, stale: false, lastError: null };
    }
    const ctx = await this.context(row, { needsInstruments: true });
    const status = this.deps.instruments.status(adapter);
    const results = ctx.instruments
      .search(query, 20)
      .map((i) => ({ symbol: i.symbol, name: i.name, exchange: i.exchange, lotSize: i.lotSize, tickSize: i.tickSize }));
    const hasMaster = Boolean(adapter.fetchInstruments);
    return {
      results,
      masterDay: hasMaster ? status.day : null,
      stale: hasMaster && status.lastError !== null,
      lastError: status.lastError,
    };
  }

  close(): void {
    for (const id of [...this.pendingLogins.keys()]) this.cancelLogin(id);
    this.deps.oauth.close();
  }
}

/** A sign-in URL outside the external-link policy: named by host only (the URL carries the OAuth state). */
function refusedSignInPage(url: string): AppError {
  let where = 'that address';
  try {
    where = new URL(url).host || where;
  } catch {
    // not a URL at all: keep the generic wording
  }
  return new AppError(
    'FORBIDDEN',
    `BrokerVault did not open the sign-in page on ${where}: it opens sign-in pages only on a broker's own https site or on the API host set on this connection.`,
  );
}
