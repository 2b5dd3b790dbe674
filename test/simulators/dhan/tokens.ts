import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../../src/main/clock';

const DAY_MS = 86_400_000;

/** Issues and checks 24-hour access tokens (JWTs with Dhan's claims) on the injected clock. */
export class DhanTokens {
  private readonly secret = randomBytes(32);
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  issue(clientId: string): { token: string; expiresAt: number } {
    const expiresAt = this.clock.now() + DAY_MS;
    const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const claims = {
      iss: 'dhan',
      partnerId: '',
      exp: Math.floor(expiresAt / 1000),
      iat: Math.floor(this.clock.now() / 1000),
      tokenConsumerType: 'SELF',
      webhookUrl: '',
      dhanClientId: clientId,
    };
    const body = `${part({ typ: 'JWT', alg: 'HS512' })}.${part(claims)}`;
    const token = `${body}.${createHmac('sha512', this.secret).update(body).digest('base64url')}`;
    this.tokens.set(token, { clientId, expiresAt });
    return { token, expiresAt };
  }

  /** Accept a token made elsewhere (tests use it for canary tokens). */
  register(token: string, clientId: string, expiresAt: number): void {
    this.tokens.set(token, { clientId, expiresAt });
  }

  valid(token: string | undefined, clientId: string | undefined): boolean {
    const t = token ? this.tokens.get(token) : undefined;
    return !!t && this.clock.now() < t.expiresAt && (clientId === undefined || clientId === t.clientId);
  }

  /** Why a token would be refused, in the words of the feed's disconnect reasons; null when it is good. */
  refusal(token: string | undefined, clientId: string | undefined): 'expired' | 'client' | 'invalid' | null {
    const t = token ? this.tokens.get(token) : undefined;
    if (!t) return 'invalid';
    if (this.clock.now() >= t.expiresAt) return 'expired';
    return clientId === t.clientId ? null : 'client';
  }

  /** RenewToken: a new 24-hour token; the old one stops working. */
  renew(token: string): { token: string; expiresAt: number } {
    const old = this.tokens.get(token)!;
    this.tokens.delete(token);
    return this.issue(old.clientId);
  }

  expireAll(): void {
    for (const t of this.tokens.values()) t.expiresAt = this.clock.now();
  }
}
