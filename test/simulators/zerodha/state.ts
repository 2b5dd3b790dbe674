import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../src/main/clock';
import { SimExchange } from '../exchange';
import { WindowLimiter } from '../harness';
import { KiteGttBook } from './gtt';
import type { KiteUser } from './shapes';
import { nextSixAmIst } from './time';

export interface KiteSession {
  accessToken: string;
  publicToken: string;
  loginAt: number;
  expiresAt: number;
}

/** How long a request_token may wait before POST /session/token (Zerodha says "a few minutes"; exact value unpublished). */
export const REQUEST_TOKEN_TTL_MS = 5 * 60_000;

/** Everything one simulated Kite Connect app + Zerodha account holds. */
export class KiteState {
  readonly user: KiteUser = { userId: 'ZS4821', userName: 'Simulated Trader', email: 'trader@example.com' };
  readonly password = 'sim-password';
  /** Base32 TOTP seed of the simulated user's Kite 2FA. */
  readonly totpSecret = 'KZXW6YTBOI4TEMZZGQ2DOMJQGEZTGNBV';
  readonly openingBalance: number;
  readonly exchange: SimExchange;
  /** GTT triggers, fired from the shared price path. */
  readonly gtt: KiteGttBook;
  readonly sessions = new Map<string, KiteSession>();
  readonly requestTokens = new Map<string, { issuedAt: number }>();
  /** Static IPs registered under developer console → Profile → IP Whitelist. */
  readonly registeredIps = ['203.0.113.10'];
  /** The IP the simulated requests appear to come from (the real one is always loopback). */
  callerIp = '203.0.113.10';
  /** The app's registered redirect URL: Kite never takes it from the login URL. */
  redirectUrl: string | null;
  readonly orderLimiter: WindowLimiter;
  readonly quoteLimiter: WindowLimiter;
  readonly readLimiter: WindowLimiter;

  constructor(
    readonly clock: Clock,
    readonly apiKey: string,
    readonly apiSecret: string,
    cash: number,
    redirectUrl: string | null,
  ) {
    this.openingBalance = cash;
    this.redirectUrl = redirectUrl;
    this.exchange = new SimExchange(clock, cash, '260105000');
    this.gtt = new KiteGttBook(clock, this.exchange, this.user.userId);
    this.orderLimiter = new WindowLimiter(10, 1_000, clock);
    this.quoteLimiter = new WindowLimiter(1, 1_000, clock);
    this.readLimiter = new WindowLimiter(10, 1_000, clock);
  }

  issueRequestToken(): string {
    const token = randomBytes(16).toString('hex');
    this.requestTokens.set(token, { issuedAt: this.clock.now() });
    return token;
  }

  /** Single use: a second exchange of the same request_token fails, as at Zerodha. */
  takeRequestToken(token: string): boolean {
    const entry = this.requestTokens.get(token);
    this.requestTokens.delete(token);
    return Boolean(entry && this.clock.now() - entry.issuedAt <= REQUEST_TOKEN_TTL_MS);
  }

  issueSession(accessToken = randomBytes(16).toString('hex')): KiteSession {
    const now = this.clock.now();
    const session: KiteSession = {
      accessToken,
      publicToken: randomBytes(16).toString('hex'),
      loginAt: now,
      expiresAt: nextSixAmIst(now),
    };
    this.sessions.set(session.accessToken, session);
    return session;
  }

  /** The session behind an access token, or null when unknown, logged out or past 06:00 IST. */
  session(accessToken: string): KiteSession | null {
    const session = this.sessions.get(accessToken);
    return session && this.clock.now() < session.expiresAt ? session : null;
  }
}
