import type { BrokerDescriptor, BrokerId } from '../../src/shared/brokers';
import { BrokerError, type BrokerAdapter, type BrokerContext, type SessionUpdate } from '../../src/main/brokers/types';
import { fakeAdapter } from './fake-broker';
import type { ManualScheduler } from './manual-scheduler';

/** Stored session field that carries the session's expiry, read back by sessionExpiry like a real adapter. */
export const EXPIRES_FIELD = 'session_expires_at';

export interface HealthFake extends BrokerAdapter {
  /** Manual-clock times at which validate was called. */
  validateCalls: number[];
  loginCalls: number[];
  inFlight: number;
  maxInFlight: number;
  /** Thrown by validate (after latency and gate) while set. */
  failWith: Error | null;
  loginFailWith: Error | null;
  /** Manual-time latency of each validate, per connection. */
  latency: (ctx: BrokerContext) => number;
  /** While set, validate waits for it: lets a test hold checks in flight. */
  gate: Promise<void> | null;
}

export interface HealthFakeOptions {
  scheduler: ManualScheduler;
  /** 'direct': logs in from stored fields (TOTP, app key, refresh token); 'browser': OAuth redirect; 'none': plain keys. */
  login?: 'direct' | 'browser' | 'none';
  tokenLifetimeMs?: number;
  descriptor?: Partial<BrokerDescriptor>;
}

/**
 * A fake broker for the health monitor: validate takes manual time, can be held on a gate, counts calls
 * in flight, and rejects a session past its expiry with TOKEN_EXPIRED as real brokers do.
 */
export function healthAdapter(id: BrokerId, options: HealthFakeOptions): HealthFake {
  const base = fakeAdapter(id, {
    auth: options.login === 'direct' ? 'totp-login' : options.login === 'browser' ? 'oauth-redirect' : 'api-key',
    ...options.descriptor,
  });
  const lifetime = options.tokenLifetimeMs ?? 8 * 60 * 60_000;
  const session = (ctx: BrokerContext): SessionUpdate => {
    const expiresAt = ctx.clock.now() + lifetime;
    return { fields: { access_token: `token-${fake.loginCalls.length}`, [EXPIRES_FIELD]: String(expiresAt) }, expiresAt };
  };
  const fake: HealthFake = {
    ...base,
    validateCalls: [],
    loginCalls: [],
    inFlight: 0,
    maxInFlight: 0,
    failWith: null,
    loginFailWith: null,
    latency: () => 0,
    gate: null,
    async validate(ctx) {
      fake.validateCalls.push(ctx.clock.now());
      fake.inFlight += 1;
      fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
      try {
        const latency = fake.latency(ctx);
        if (latency > 0) await options.scheduler.sleep(latency);
        if (fake.gate) await fake.gate;
        if (fake.failWith) throw fake.failWith;
        const expiry = fake.sessionExpiry(ctx);
        if (expiry !== null && ctx.clock.now() >= expiry) throw new BrokerError('TOKEN_EXPIRED', 'The session has expired.');
        return { accountMasked: '••••4321', accountType: 'margin', buyingPower: 1000, currency: 'USD' };
      } finally {
        fake.inFlight -= 1;
      }
    },
    sessionExpiry(ctx) {
      const at = Number(ctx.credentials[EXPIRES_FIELD]);
      return Number.isFinite(at) && at > 0 ? at : null;
    },
  };
  if (options.login === 'direct') {
    fake.login = async (ctx) => {
      fake.loginCalls.push(ctx.clock.now());
      if (fake.loginFailWith) throw fake.loginFailWith;
      return session(ctx);
    };
  }
  if (options.login === 'browser') {
    fake.loginUrl = (_ctx, redirectUri, state) => `https://login.example.invalid/?redirect=${encodeURIComponent(redirectUri)}&state=${state}`;
    fake.completeLogin = async (ctx) => {
      fake.loginCalls.push(ctx.clock.now());
      return session(ctx);
    };
  }
  return fake;
}

/** A promise a test resolves by hand. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
