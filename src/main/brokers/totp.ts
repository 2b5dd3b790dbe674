import { createGuardrails, generate } from 'otplib';
import { BrokerError, type BrokerContext } from './types';

/** Authenticator apps accept 80-bit seeds; otplib's default guardrail wants 128 bits. */
const guardrails = createGuardrails({ MIN_SECRET_BYTES: 10 });

/**
 * The current 6-digit RFC 6238 code for the base32 seed stored in `field`, on the context's clock, for brokers
 * whose login takes a TOTP the app makes itself. `where` tells the trader where the seed comes from.
 */
export async function currentTotp(ctx: BrokerContext, field: string, broker: string, where: string): Promise<string> {
  const secret = (ctx.credentials[field] ?? '').replace(/[\s=]/g, '').toUpperCase();
  if (!secret) throw new BrokerError('INVALID_CREDENTIALS', `The ${broker} TOTP secret is missing. Add it in the connection settings.`);
  try {
    return await generate({ secret, epoch: Math.floor(ctx.clock.now() / 1000), guardrails });
  } catch {
    // otplib's messages quote characters of the secret: never pass them on.
    throw new BrokerError('INVALID_CREDENTIALS', `The ${broker} TOTP secret is not a valid base32 key. Copy it again from ${where}.`);
  }
}
