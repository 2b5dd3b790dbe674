import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../../src/main/clock';
import { SimExchange } from '../exchange';
import { XtsBracketBook } from './bracket';
import { WindowLimiter, type SimRequest } from '../harness';

export type XtsApiKind = 'interactive' | 'marketData';

/** Test credentials under the adapter's field names (which name XTS's appKey/secretKey pairs). */
export interface XtsSimCredentials {
  interactiveAppKey: string;
  interactiveSecretKey: string;
  marketDataAppKey: string;
  marketDataSecretKey: string;
  source: string;
}

export const DEFAULT_CREDENTIALS: XtsSimCredentials = {
  interactiveAppKey: 'b7e2c91d4fa06358e1d2c4',
  interactiveSecretKey: 'Kqz482$wLm',
  marketDataAppKey: 'f31a9c0de57b24c8a6e9d0',
  marketDataSecretKey: 'Rmd715#tYp',
  source: 'WEBAPI',
};

const DAY_SECONDS = 86_400;

/** Everything the XTS simulator remembers: sessions, the exchange, and the test switches. */
export class XtsSimState {
  readonly exchange: SimExchange;
  /** Bracket orders and the legs they work. */
  readonly brackets: XtsBracketBook;
  readonly clientCode = 'XT4821';
  readonly dealerClients = ['XT4821', 'XT9034'];
  readonly registeredIp = '203.0.113.10';
  callerIp = this.registeredIp;
  dealer = false;
  readLimitsEnabled = true;
  /** HTTP status of "Invalid Token": 400 on interactive (official SDK), 200 seen on market data. */
  invalidTokenStatus: Record<XtsApiKind, number> = { interactive: 400, marketData: 200 };
  /** XTS keeps one session per app key: a new login replaces the previous token. */
  private readonly sessions = new Map<XtsApiKind, { token: string; exp: number }>();
  private readonly signingKey = randomBytes(32);
  private readonly orderLimiter: WindowLimiter;
  private readonly readLimiters = new Map<string, WindowLimiter>();
  private readonly simIdByAppOrderId = new Map<number, string>();

  constructor(
    readonly clock: Clock,
    readonly credentials: XtsSimCredentials,
  ) {
    this.exchange = new SimExchange(clock, 1_000_000);
    this.brackets = new XtsBracketBook(this.exchange);
    this.orderLimiter = new WindowLimiter(10, 1_000, clock);
  }

  appKeyOf(kind: XtsApiKind): string {
    return kind === 'interactive' ? this.credentials.interactiveAppKey : this.credentials.marketDataAppKey;
  }

  /** A JWT like XTS's: {userID: "<client>_<APPKEY>", publicKey: <appKey>, iat, exp: iat + 24 h}, HS256. */
  issue(kind: XtsApiKind): string {
    const appKey = this.appKeyOf(kind);
    const iat = Math.floor(this.clock.now() / 1000);
    const encode = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ userID: `${this.clientCode}_${appKey.toUpperCase()}`, publicKey: appKey, iat, exp: iat + DAY_SECONDS })}`;
    const token = `${head}.${createHmac('sha256', this.signingKey).update(head).digest('base64url')}`;
    this.sessions.set(kind, { token, exp: (iat + DAY_SECONDS) * 1000 });
    return token;
  }

  valid(kind: XtsApiKind, token: string | undefined): boolean {
    const session = this.sessions.get(kind);
    return !!session && !!token && session.token === token && this.clock.now() < session.exp;
  }

  logout(kind: XtsApiKind): void {
    this.sessions.delete(kind);
  }

  expireSessions(): void {
    for (const session of this.sessions.values()) session.exp = this.clock.now();
  }

  orderLimited(): boolean {
    return this.orderLimiter.hit();
  }

  /** XTS documents 1 request/s each for profile, balance, order book and trade book. */
  readLimited(endpoint: string): boolean {
    if (!this.readLimitsEnabled) return false;
    let limiter = this.readLimiters.get(endpoint);
    if (!limiter) this.readLimiters.set(endpoint, (limiter = new WindowLimiter(1, 1_000, this.clock)));
    return limiter.hit();
  }

  appOrderId(simId: string): number {
    const id = 1_200_000_000 + Number(simId);
    this.simIdByAppOrderId.set(id, simId);
    return id;
  }

  simId(appOrderId: number): string | undefined {
    return this.simIdByAppOrderId.get(appOrderId);
  }
}

/** XTS's JS clients send login bodies as JSON, the Python client as a form: accept both. */
export function loginBody(req: SimRequest): Record<string, string> {
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('application/x-www-form-urlencoded')) {
    try {
      const parsed = req.json<Record<string, unknown>>();
      if (parsed && typeof parsed === 'object') {
        return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : String(v ?? '')]));
      }
    } catch {
      // fall through: a client that sent a form without the header
    }
  }
  return Object.fromEntries(req.form().entries());
}

/** Indian time without zone as XTS prints it: ISO with 7 fractional digits, or dd-MM-yyyy HH:mm:ss. */
export function istIso(ms: number): string {
  return `${new Date(ms + 330 * 60_000).toISOString().slice(0, 23)}0000`;
}

export function istDmy(ms: number): string {
  const iso = new Date(ms + 330 * 60_000).toISOString();
  return `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
}
