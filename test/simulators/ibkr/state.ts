import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../src/main/clock';
import { SimExchange } from '../exchange';
import type { SimRequest, SimResponse } from '../harness';
import { WindowLimiter } from '../harness';

/** The gateway drops a session after ~6 minutes without requests (protocol sheet §3). */
export const IDLE_TIMEOUT_MS = 6 * 60_000;

export interface SimContract {
  conid: number;
  ticker: string;
  /** The `description` the search returns: the listing exchange. */
  exchange: string;
  companyName: string;
  currency: string;
}

/** A few real conids; AAPL also has a Mexican listing so the search has to pick the US one. */
export const CONTRACTS: SimContract[] = [
  { conid: 265598, ticker: 'AAPL', exchange: 'NASDAQ', companyName: 'APPLE INC', currency: 'USD' },
  { conid: 38708077, ticker: 'AAPL', exchange: 'MEXI', companyName: 'APPLE INC', currency: 'MXN' },
  { conid: 272093, ticker: 'MSFT', exchange: 'NASDAQ', companyName: 'MICROSOFT CORP', currency: 'USD' },
  { conid: 8314, ticker: 'IBM', exchange: 'NYSE', companyName: 'INTL BUSINESS MACHINES CORP', currency: 'USD' },
  { conid: 756733, ticker: 'SPY', exchange: 'ARCA', companyName: 'SPDR S&P 500 ETF TRUST', currency: 'USD' },
  { conid: 3691937, ticker: 'AMZN', exchange: 'NASDAQ', companyName: 'AMAZON.COM INC', currency: 'USD' },
  { conid: 76792991, ticker: 'TSLA', exchange: 'NASDAQ', companyName: 'TESLA INC', currency: 'USD' },
];

export function contractByConid(conid: number): SimContract | undefined {
  return CONTRACTS.find((c) => c.conid === conid);
}

/** The shared price path is keyed by our common symbol, so all US simulators agree on prices. */
export function exchangeSymbol(contract: SimContract): string {
  return contract.currency === 'USD' ? `US:${contract.ticker}` : `${contract.exchange}:${contract.ticker}`;
}

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hourCycle: 'h23',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function newYorkParts(at: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of NEW_YORK.formatToParts(at)) out[p.type] = p.value;
  return out;
}

/** US regular trading hours: 09:30–16:00 New York, Monday to Friday. */
export function insideRegularHours(at: number): boolean {
  const p = newYorkParts(at);
  if (p.weekday === 'Sat' || p.weekday === 'Sun') return false;
  const minutes = Number(p.hour) * 60 + Number(p.minute);
  return minutes >= 570 && minutes < 960;
}

/** The New York calendar day, so the session can end at midnight New York. */
export function newYorkDay(at: number): string {
  const p = newYorkParts(at);
  return `${p.year}-${p.month}-${p.day}`;
}

export interface PendingReply {
  id: string;
  prompts: { text: string; messageId: string }[];
  place: () => SimResponse;
  cOID: string | null;
}

/** Everything one simulated gateway remembers. */
export class GatewayState {
  /** The SSO login made in the browser at the gateway's address. */
  loggedIn = true;
  /** The brokerage (iserver) session opened by the login or `/iserver/auth/ssodh/init`. */
  brokerage = true;
  competing = false;
  /** `/iserver/accounts` called since the brokerage session opened (needed before orders and market data). */
  primed = false;
  portfolioPrimed = false;
  loginDay: string;
  lastActivity: number;
  selectedAccount: string;
  readonly snapshotSeen = new Set<number>();
  readonly replies = new Map<string, PendingReply>();
  readonly suppressed = new Set<string>();
  readonly exchange: SimExchange;
  /** The value `/tickle` returns as `session` and the websocket expects in `{"session":…}`; a new login gets a new one. */
  sessionId = randomBytes(16).toString('hex');
  /** Called after every API request (the websocket announces orders a request moved). */
  afterRequest: () => void = () => undefined;
  private readonly global: WindowLimiter;
  private readonly limiters = new Map<string, WindowLimiter>();
  private replySeq = 0;

  constructor(
    readonly clock: Clock,
    readonly accounts: string[],
    readonly login: { username: string; password: string },
    globalPerSecond: number,
    readonly valueLimit: number,
  ) {
    // IBKR order ids are plain integers: prefix 1 keeps the padded ids free of leading zeros.
    this.exchange = new SimExchange(clock, 100_000, '1');
    this.selectedAccount = accounts[0]!;
    this.lastActivity = clock.now();
    this.loginDay = newYorkDay(clock.now());
    this.global = new WindowLimiter(globalPerSecond, 1_000, clock);
  }

  /** Apply the idle timeout and the midnight reset before looking at the session. */
  refresh(): void {
    const now = this.clock.now();
    if (this.loggedIn && (now - this.lastActivity > IDLE_TIMEOUT_MS || newYorkDay(now) !== this.loginDay)) this.logout();
  }

  logout(): void {
    this.loggedIn = false;
    this.brokerage = false;
    this.primed = false;
    this.portfolioPrimed = false;
    this.snapshotSeen.clear();
    this.replies.clear();
  }

  /** The browser login: the SSO session is up; the brokerage session still needs ssodh/init. */
  ssoLogin(): void {
    this.loggedIn = true;
    this.sessionId = randomBytes(16).toString('hex');
    this.brokerage = false;
    this.competing = false;
    this.lastActivity = this.clock.now();
    this.loginDay = newYorkDay(this.clock.now());
  }

  openBrokerage(): void {
    this.brokerage = true;
    this.competing = false;
    this.primed = false;
    this.snapshotSeen.clear();
  }

  touch(): void {
    this.lastActivity = this.clock.now();
  }

  nextReplyId(): string {
    const n = (++this.replySeq).toString(16).padStart(12, '0');
    return `a1b2c3d4-0000-4000-8000-${n}`;
  }

  /** Global 10 req/s pacing plus an endpoint's own limit; true when over. */
  overLimit(endpoint: string | null, limit = 0, windowMs = 0): boolean {
    if (this.global.hit()) return true;
    if (!endpoint) return false;
    let limiter = this.limiters.get(endpoint);
    if (!limiter) this.limiters.set(endpoint, (limiter = new WindowLimiter(limit, windowMs, this.clock)));
    return limiter.hit();
  }

  authStatus(): Record<string, unknown> {
    return {
      authenticated: this.brokerage && !this.competing,
      competing: this.competing,
      connected: true,
      message: '',
      MAC: '98:F2:B3:23:BF:A0',
      serverInfo: { serverName: 'JifN19053', serverVersion: 'Build 10.25.0p, Dec 5, 2023 5:48:12 PM' },
      fail: '',
    };
  }
}

/** 429 as the gateway sends it: no documented body, so plain text. */
export const TOO_MANY: SimResponse = { status: 429, text: 'Too Many Requests' };
export const NOT_LOGGED_IN: SimResponse = { status: 401, text: '' };
export const NO_BRIDGE: SimResponse = { status: 401, json: { error: 'not authenticated', statusCode: 401 } };

export type Guard = 'sso' | 'brokerage' | 'primed';

/**
 * Wrap a handler with the gateway's checks: rate limits, the session's idle timeout, then what the
 * endpoint needs (a browser login, a brokerage session, the `/iserver/accounts` priming call).
 */
export function guarded(
  state: GatewayState,
  need: Guard,
  handler: (req: SimRequest) => SimResponse,
  pacing?: { key: string; limit: number; windowMs: number },
): (req: SimRequest) => SimResponse {
  return (req) => {
    if (state.overLimit(pacing?.key ?? null, pacing?.limit, pacing?.windowMs)) return TOO_MANY;
    state.refresh();
    if (!state.loggedIn) return NOT_LOGGED_IN;
    state.touch();
    if (need !== 'sso' && (!state.brokerage || state.competing)) return NO_BRIDGE;
    if (need === 'primed' && !state.primed) return { status: 400, json: { error: 'Please query /iserver/accounts first' } };
    const out = handler(req);
    state.afterRequest();
    return out;
  };
}
