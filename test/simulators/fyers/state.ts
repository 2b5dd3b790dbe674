import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../../src/main/clock';
import { SimExchange } from '../exchange';
import { FyersBracketBook } from './bracket';
import { WindowLimiter } from '../harness';

/** Auth codes observed from FYERS live 30 000 s (iat → exp); each is single use here. */
export const AUTH_CODE_TTL_S = 30_000;

export interface FyersUser {
  fyId: string;
  name: string;
  email: string;
  pin: string;
  totpSecret: string;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** One string claim of a JWT, or null. */
function claimOf(token: string, name: string): string | null {
  try {
    const value: unknown = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** Everything one simulated FYERS API app + account holds. */
export class FyersState {
  readonly user: FyersUser = {
    fyId: 'XS48213',
    name: 'SIMULATED TRADER',
    email: 'trader@example.com',
    pin: '4821',
    totpSecret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
  };
  readonly exchange: SimExchange;
  /** Bracket (BO) orders and the legs they arm. */
  readonly brackets: FyersBracketBook;
  readonly openingBalance: number;
  /** Access token → expiry and the `hsm_key` claim the data socket authenticates with. */
  readonly sessions = new Map<string, { expiresAt: number; hsmKey: string | null }>();
  readonly authCodes = new Map<string, { expiresAt: number }>();
  readonly registeredIps = ['203.0.113.20'];
  callerIp = '203.0.113.20';
  /** The app's registered redirect URL; null accepts any loopback URL (handy for `npm run sim`). */
  redirectUrl: string | null;
  readonly orderLimiter: WindowLimiter;
  readonly secondLimiter: WindowLimiter;
  readonly minuteLimiter: WindowLimiter;
  private readonly signingKey = randomBytes(32);
  /** Called after an order is placed, rejected or cancelled over REST (the order socket pushes the change). */
  onOrdersChanged: () => void = () => undefined;

  constructor(
    readonly clock: Clock,
    readonly clientId: string,
    readonly secretKey: string,
    cash: number,
    redirectUrl: string | null,
  ) {
    this.exchange = new SimExchange(clock, cash, '26010500');
    this.brackets = new FyersBracketBook(this.exchange);
    this.openingBalance = cash;
    this.redirectUrl = redirectUrl;
    this.orderLimiter = new WindowLimiter(10, 1_000, clock);
    this.secondLimiter = new WindowLimiter(10, 1_000, clock);
    this.minuteLimiter = new WindowLimiter(200, 60_000, clock);
  }

  /** FYERS tokens are HS256 JWTs; clients read the `exp` claim, and the data socket's SDK the `hsm_key` claim. */
  private jwt(payload: Record<string, unknown>): string {
    const body = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
    return `${body}.${createHmac('sha256', this.signingKey).update(body).digest('base64url')}`;
  }

  ordersChanged(): void {
    this.onOrdersChanged();
  }

  issueAuthCode(): string {
    const iat = Math.floor(this.clock.now() / 1000);
    const code = this.jwt({
      iss: 'api.login.fyers.in',
      iat,
      exp: iat + AUTH_CODE_TTL_S,
      sub: 'auth_code',
      display_name: this.user.fyId,
      nonce: randomBytes(8).toString('hex'),
    });
    this.authCodes.set(code, { expiresAt: (iat + AUTH_CODE_TTL_S) * 1000 });
    return code;
  }

  takeAuthCode(code: string): boolean {
    const entry = this.authCodes.get(code);
    this.authCodes.delete(code);
    return Boolean(entry && this.clock.now() < entry.expiresAt);
  }

  /** Access tokens end at the next 00:00 UTC (05:30 IST), as seen on real FYERS tokens. */
  issueSession(fixedToken?: string): string {
    const now = this.clock.now();
    const expiresAt = (Math.floor(now / 86_400_000) + 1) * 86_400_000;
    // Real tokens carry an hsm_key claim (hex); FYERS' SDK reads it locally and sends it in the data socket's connect packet.
    const hsmKey = fixedToken === undefined ? randomBytes(28).toString('hex') : claimOf(fixedToken, 'hsm_key');
    const token =
      fixedToken ??
      this.jwt({
        iss: 'api.fyers.in',
        iat: Math.floor(now / 1000),
        exp: expiresAt / 1000,
        sub: 'access_token',
        hsm_key: hsmKey,
        fy_id: this.user.fyId,
        appType: 100,
      });
    this.sessions.set(token, { expiresAt, hsmKey });
    return token;
  }

  /** Issued with each login, never honoured here (FYERS stops refresh sessions from April 2026). */
  issueRefreshToken(): string {
    const iat = Math.floor(this.clock.now() / 1000);
    return this.jwt({ iss: 'api.fyers.in', iat, exp: iat + 15 * 86_400, sub: 'refresh_token', fy_id: this.user.fyId });
  }

  /** Whether a live session carries this hsm_key (the data socket's credential). */
  validHsmKey(key: string): boolean {
    const now = this.clock.now();
    return key.length > 0 && [...this.sessions.values()].some((s) => s.hsmKey === key && now < s.expiresAt);
  }

  validSession(token: string): boolean {
    const session = this.sessions.get(token);
    return Boolean(session && this.clock.now() < session.expiresAt);
  }
}
