import { BrokerError, type BrokerContext, type SessionUpdate } from '../types';
import { ensureAccount, forgetSession, gatewayCall } from './client';
import { LOGIN_HINT } from './errors';
import { gatewayTls, PIN_FIELD } from './transport';

export interface GatewayAuthStatus {
  authenticated: boolean;
  competing: boolean;
  connected: boolean;
}

function readStatus(raw: unknown): GatewayAuthStatus {
  const s = (raw ?? {}) as Record<string, unknown>;
  return { authenticated: s.authenticated === true, competing: s.competing === true, connected: s.connected === true };
}

export async function authStatus(ctx: BrokerContext): Promise<GatewayAuthStatus> {
  return readStatus(await gatewayCall(ctx, { method: 'POST', path: '/iserver/auth/status' }, 'read the session status'));
}

function sessionGone(status: GatewayAuthStatus): BrokerError {
  if (status.competing) {
    return new BrokerError(
      'TOKEN_EXPIRED',
      'Another IBKR session with the same username (TWS, the mobile app or another gateway) took over. Close it and reconnect here to take the session back.',
    );
  }
  return new BrokerError('TOKEN_EXPIRED', `The IBKR gateway is running but its brokerage session is not logged in. ${LOGIN_HINT}`);
}

/** Require a ready brokerage session, with the account primed. */
const TICKLED_AT = 'ibkr.tickledAt';

/**
 * Tickle unless this connection did within the last 30 s. The gateway allows one tickle a second: a
 * refused one means another tickle (another connection to the same gateway) just kept it alive.
 */
export async function keepAliveIfIdle(ctx: BrokerContext): Promise<void> {
  const last = ctx.memo.get(TICKLED_AT) as number | undefined;
  if (last !== undefined && ctx.clock.now() - last < 30_000) return;
  try {
    await keepAlive(ctx);
  } catch (error) {
    if (!(error instanceof BrokerError && error.code === 'RATE_LIMITED')) throw error;
  }
}

export async function requireSession(ctx: BrokerContext): Promise<string> {
  const status = await authStatus(ctx);
  if (!status.authenticated || status.competing) {
    forgetSession(ctx, 'brokerage');
    throw sessionGone(status);
  }
  return ensureAccount(ctx);
}

/** Paper accounts start with D (DU…, DF…): refuse a login that does not match the chosen environment. */
export function checkEnvironment(ctx: BrokerContext, account: string): void {
  const isPaper = account.startsWith('D');
  if (ctx.environment === 'paper' && !isPaper) {
    throw new BrokerError(
      'INVALID_CREDENTIALS',
      'This connection is set to paper trading, but the gateway is logged in to a live account. Log in to the gateway with your paper-trading username.',
    );
  }
  if (ctx.environment === 'live' && isPaper) {
    throw new BrokerError(
      'INVALID_CREDENTIALS',
      'This connection is set to live trading, but the gateway is logged in to a paper account. Log in to the gateway with your live username.',
    );
  }
}

/**
 * "Login" after the user logged in at the gateway in their browser: open the brokerage session when the
 * gateway is connected but not yet authenticated (also taking it over from a competing session, since the
 * user asked to connect here), prime the accounts, and return the pinned certificate to store.
 */
export async function login(ctx: BrokerContext): Promise<SessionUpdate> {
  forgetSession(ctx, 'brokerage');
  let status = await authStatus(ctx);
  if (!status.authenticated || status.competing) {
    if (!status.connected && !status.competing) throw sessionGone(status);
    status = readStatus(
      await gatewayCall(ctx, { method: 'POST', path: '/iserver/auth/ssodh/init', json: { publish: true, compete: true } }, 'open the brokerage session'),
    );
    if (!status.authenticated) status = await authStatus(ctx);
    if (!status.authenticated) throw sessionGone(status);
  }
  const account = await ensureAccount(ctx);
  checkEnvironment(ctx, account);
  const fields: Record<string, string> = {};
  const pinned = gatewayTls(ctx)?.fingerprint();
  if (pinned) fields[PIN_FIELD] = pinned;
  return { fields, expiresAt: sessionExpiry(ctx) };
}

/**
 * The health monitor calls this about once a minute: the gateway drops a session after ~6 minutes
 * without requests. Throws TOKEN_EXPIRED when the session is gone so the app can ask for a new login.
 */
export async function keepAlive(ctx: BrokerContext): Promise<GatewayAuthStatus> {
  ctx.memo.set(TICKLED_AT, ctx.clock.now());
  const body = (await gatewayCall(ctx, { method: 'POST', path: '/tickle' }, 'keep the session alive')) as Record<string, unknown> | null;
  const iserver = (body?.iserver ?? {}) as Record<string, unknown>;
  const status = readStatus(iserver.authStatus);
  if (!status.authenticated || status.competing) {
    forgetSession(ctx, 'brokerage');
    throw sessionGone(status);
  }
  return status;
}

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** New York wall-clock time at `at`, read as if it were UTC (for offset arithmetic). */
function newYorkWallClock(at: number): number {
  const p: Record<string, number> = {};
  for (const part of NEW_YORK.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  // Keep the milliseconds, which the formatter drops, so offsets come out whole.
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!, ((at % 1000) + 1000) % 1000);
}

/** The next midnight in New York after `at` (IBKR resets North American sessions then). */
export function nextNewYorkMidnight(at: number): number {
  const wall = newYorkWallClock(at);
  const day = new Date(wall);
  const midnightWall = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1);
  // Offset at the target instant (DST can change within the day); two passes settle it.
  let guess = midnightWall - (wall - at);
  guess = midnightWall - (newYorkWallClock(guess) - guess);
  return guess;
}

export function sessionExpiry(ctx: BrokerContext): number {
  return nextNewYorkMidnight(ctx.clock.now());
}
