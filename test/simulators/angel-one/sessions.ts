import { createHmac, randomBytes } from 'node:crypto';
import { createGuardrails, verify } from 'otplib';
import type { Clock } from '../../../src/main/clock';

const IST_OFFSET_MS = 5.5 * 3_600_000;
const DAY_MS = 86_400_000;

/** Angel sessions end at 12 midnight IST. */
export function nextIstMidnight(at: number): number {
  return Math.floor((at + IST_OFFSET_MS) / DAY_MS) * DAY_MS + DAY_MS - IST_OFFSET_MS;
}

interface Session {
  clientcode: string;
  expiresAt: number;
}

const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

/** Issues and checks JWT, refresh and feed tokens the way SmartAPI does, on the injected clock. */
export class AngelSessions {
  private readonly secret = randomBytes(32);
  private readonly jwts = new Map<string, Session>();
  private readonly refreshTokens = new Map<string, Session>();
  private readonly feedTokens = new Map<string, Session>();
  private counter = 0;

  constructor(private readonly clock: Clock) {}

  private sign(claims: Record<string, unknown>): string {
    const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${part({ alg: 'HS512', typ: 'JWT' })}.${part(claims)}`;
    return `${body}.${createHmac('sha512', this.secret).update(body).digest('base64url')}`;
  }

  issue(clientcode: string): { jwtToken: string; refreshToken: string; feedToken: string } {
    const now = this.clock.now();
    const expiresAt = nextIstMidnight(now);
    const iat = Math.floor(now / 1000);
    const exp = Math.floor(expiresAt / 1000);
    const n = ++this.counter;
    // The user id in the claims is an opaque sim id, never the login fields.
    const jwtToken = this.sign({ sub: `sim-user-${n}`, token_type: 'access', iat, exp });
    const refreshToken = this.sign({ sub: `sim-user-${n}`, token_type: 'refresh', iat, exp });
    const feedToken = this.sign({ sub: `sim-user-${n}`, token_type: 'feed', iat, exp });
    this.jwts.set(jwtToken, { clientcode, expiresAt });
    this.refreshTokens.set(refreshToken, { clientcode, expiresAt });
    this.feedTokens.set(feedToken, { clientcode, expiresAt });
    return { jwtToken, refreshToken, feedToken };
  }

  /** The session behind a bearer JWT, or why it is refused. */
  check(jwt: string | undefined): Session | 'missing' | 'invalid' {
    if (!jwt) return 'missing';
    const s = this.jwts.get(jwt);
    if (!s || this.clock.now() >= s.expiresAt) return 'invalid';
    return s;
  }

  /** Like check, but tells an expired JWT (the order socket answers 403) from an unknown one (401). */
  checkDetailed(jwt: string | undefined): Session | 'missing' | 'invalid' | 'expired' {
    if (!jwt) return 'missing';
    const s = this.jwts.get(jwt);
    if (!s) return 'invalid';
    return this.clock.now() >= s.expiresAt ? 'expired' : s;
  }

  /** The session behind a feed token (SmartStream's x-feed-token), or null. */
  checkFeed(feedToken: string | undefined): Session | null {
    const s = feedToken ? this.feedTokens.get(feedToken) : undefined;
    return s && this.clock.now() < s.expiresAt ? s : null;
  }

  /** generateTokens: the refresh token must be known and unexpired; it is single-use. */
  refresh(refreshToken: string | undefined): ReturnType<AngelSessions['issue']> | 'invalid' | 'expired' {
    const s = refreshToken ? this.refreshTokens.get(refreshToken) : undefined;
    if (!s) return 'invalid';
    if (this.clock.now() >= s.expiresAt) return 'expired';
    this.refreshTokens.delete(refreshToken!);
    return this.issue(s.clientcode);
  }

  /** Midnight came early: every JWT and refresh token stops working. */
  expireAll(): void {
    const now = this.clock.now();
    for (const s of this.jwts.values()) s.expiresAt = now;
    for (const s of this.refreshTokens.values()) s.expiresAt = now;
    for (const s of this.feedTokens.values()) s.expiresAt = now;
  }
}

export async function totpMatches(secret: string, token: unknown, at: number): Promise<boolean> {
  if (typeof token !== 'string' || !/^\d{6}$/.test(token)) return false;
  const result = await verify({ secret, token, epoch: Math.floor(at / 1000), epochTolerance: 30, guardrails });
  return result.valid;
}
