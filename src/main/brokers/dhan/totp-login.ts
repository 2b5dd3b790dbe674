import { brokerMessage, brokerRequest } from '../http';
import { currentTotp } from '../totp';
import { BrokerError, type BrokerContext, type SessionUpdate } from '../types';
import { dhanClientId } from './client';
import { DHAN_AUTH_HOST } from './descriptor';
import { throwDhanError } from './errors';
import { dhanHost } from './hosts';
import { authHostSession } from './session';

/**
 * Dhan's direct login on auth.dhan.co: `POST /app/generateAccessToken?dhanClientId=…&pin=…&totp=…` (no body,
 * as Dhan's own Python client sends it) gives a fresh 24-hour token. BrokerVault makes the TOTP from the stored
 * seed, so the daily login needs no one at the keyboard, even after the previous token has expired.
 */
export async function pinTotpLogin(ctx: BrokerContext): Promise<SessionUpdate> {
  const clientId = dhanClientId(ctx);
  const pin = ctx.credentials.pin?.trim();
  if (!pin) throw new BrokerError('INVALID_CREDENTIALS', 'The Dhan PIN is missing. Add it in the connection settings.');
  const totp = await currentTotp(ctx, 'totpSecret', 'Dhan', 'web.dhan.co → My Profile → DhanHQ Trading APIs → Setup TOTP');
  const res = await brokerRequest(
    { ...ctx, baseUrl: dhanHost(ctx, DHAN_AUTH_HOST) },
    {
      method: 'POST',
      path: '/app/generateAccessToken',
      query: { dhanClientId: clientId, pin, totp },
    },
  );
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as Record<string, unknown>;
  if (res.status === 429) throwDhanError(res, 'sign-in');
  if (res.status >= 400 && res.status < 500) {
    const said = brokerMessage(body.errorMessage ?? body.message ?? body.remarks ?? (typeof res.body === 'string' ? res.body : ''), `HTTP ${res.status}`);
    throw new BrokerError(
      'INVALID_CREDENTIALS',
      `Dhan did not accept the client ID, PIN or TOTP (${said}). Check the PIN, and that TOTP is set up for API access on web.dhan.co.`,
      res.status,
    );
  }
  if (res.status < 200 || res.status >= 300 || body.errorCode !== undefined) throwDhanError(res, 'sign-in');
  const token = typeof body.accessToken === 'string' ? body.accessToken : '';
  if (!token) throw new BrokerError('BROKER_REJECTED', 'Dhan logged in without returning an access token. Try again in a moment.');
  return authHostSession(token, body.expiryTime);
}
