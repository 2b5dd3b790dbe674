import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError } from '../types';

export const DHAN_IP_GUIDANCE =
  'Dhan accepts orders only from the static IP whitelisted for your account (SEBI retail-algo rules). ' +
  'Set this network\'s public IP on web.dhan.co → My Profile → Access DhanHQ APIs → Static IP, or place orders from the whitelisted IP.';

interface DhanErrorBody {
  errorType?: unknown;
  errorCode?: unknown;
  errorMessage?: unknown;
  remarks?: unknown;
}

/** Dhan reports a non-whitelisted IP as an input error (DH-905, unconfirmed): recognise it by its words. */
function mentionsIp(message: string): boolean {
  return /\bip\b|static ip|whitelist/i.test(message);
}

/** How the trader gets a new token: a web-generated one, signing in again with the API key, or a PIN + TOTP login. */
export type DhanTokenSource = 'web-token' | 'sign-in' | 'pin-totp';

const NEW_TOKEN: Record<DhanTokenSource, string> = {
  'web-token': 'Generate a new token on web.dhan.co → My Profile → Access DhanHQ APIs.',
  'sign-in': 'Sign in to Dhan again from BrokerVault.',
  'pin-totp': 'Choose Re-login: BrokerVault logs in again with your PIN and TOTP (or turn on automatic re-login in Settings).',
};

/** Throw the BrokerError for a failed Dhan answer: bare `{errorType, errorCode, errorMessage}` bodies. */
export function throwDhanError(res: HttpResponse, source: DhanTokenSource = 'web-token'): never {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as DhanErrorBody;
  const code = String(body.errorCode ?? '').toUpperCase();
  const text = typeof res.body === 'string' ? res.body : (body.errorMessage ?? body.remarks);
  const message = brokerMessage(text, `HTTP ${res.status}`);
  const tagged = code ? `${message} (${code})` : message;
  switch (code) {
    case 'DH-901':
      throw new BrokerError('TOKEN_EXPIRED', `Dhan says the access token is invalid or expired (DH-901). ${NEW_TOKEN[source]}`, res.status);
    case 'DH-904':
      throw new BrokerError('RATE_LIMITED', 'Dhan rate limit reached (DH-904). Wait a moment and try again.', res.status);
    case 'DH-909':
      throw new BrokerError('NETWORK', 'Dhan reports a network error on its side (DH-909). Try again shortly.', res.status);
    case 'DH-905':
      if (mentionsIp(message)) throw new BrokerError('IP_NOT_ALLOWED', `${tagged}. ${DHAN_IP_GUIDANCE}`, res.status);
      break;
  }
  if (!code && res.status === 401) throw new BrokerError('TOKEN_EXPIRED', `Dhan refused the access token. ${NEW_TOKEN[source]}`, res.status);
  if (!code && res.status === 429) throw new BrokerError('RATE_LIMITED', 'Dhan rate limit reached. Wait a moment and try again.', res.status);
  throw new BrokerError('BROKER_REJECTED', `Dhan rejected the request: ${tagged}`, res.status);
}
