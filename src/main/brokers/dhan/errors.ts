import { type ErrorFacts, type ErrorTable, tableError } from '../errors-table';
import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError } from '../types';

export const DHAN_IP_GUIDANCE =
  'Dhan accepts orders only from the static IP whitelisted for your account (SEBI retail-algo rules). ' +
  "Set this network's public IP on web.dhan.co → My Profile → Access DhanHQ APIs → Static IP, or place orders from the whitelisted IP.";

interface DhanErrorBody {
  errorType?: unknown;
  errorCode?: unknown;
  errorMessage?: unknown;
  remarks?: unknown;
}

/** How the trader gets a new token: a web-generated one, signing in again with the API key, or a PIN + TOTP login. */
export type DhanTokenSource = 'web-token' | 'sign-in' | 'pin-totp';

const NEW_TOKEN: Record<DhanTokenSource, string> = {
  'web-token': 'Generate a new token on web.dhan.co → My Profile → Access DhanHQ APIs.',
  'sign-in': 'Sign in to Dhan again from BrokerVault.',
  'pin-totp': 'Choose Re-login: BrokerVault logs in again with your PIN and TOTP (or turn on automatic re-login in Settings).',
};

/** The scope is Dhan's error code, so a pattern can apply to one code only. */
export interface DhanFacts extends ErrorFacts {
  readonly source: DhanTokenSource;
  /** Dhan's message with its code, e.g. "Invalid IP (DH-905)". */
  readonly tagged: string;
}

/** Dhan's documented error codes (dhanhq.co/docs/v2/annexure). */
export const DHAN_ERRORS: ErrorTable<DhanFacts> = {
  exact: {
    'DH-901': {
      code: 'TOKEN_EXPIRED',
      message: (f) => `Dhan says the access token is invalid or expired (DH-901). ${NEW_TOKEN[f.source]}`,
    },
    'DH-904': { code: 'RATE_LIMITED', message: () => 'Dhan rate limit reached (DH-904). Wait a moment and try again.' },
    'DH-909': { code: 'NETWORK', message: () => 'Dhan reports a network error on its side (DH-909). Try again shortly.' },
  },
  broad: [
    // Dhan reports a non-whitelisted IP as an input error (DH-905, unconfirmed): recognise it by its words.
    {
      code: 'IP_NOT_ALLOWED',
      pattern: /\bip\b|static ip|whitelist/i,
      example: 'Static IP not whitelisted',
      only: ['DH-905'],
      message: (f) => `${f.tagged}. ${DHAN_IP_GUIDANCE}`,
    },
  ],
};

/** Throw the BrokerError for a failed Dhan answer: bare `{errorType, errorCode, errorMessage}` bodies. */
export function throwDhanError(res: HttpResponse, source: DhanTokenSource = 'web-token'): never {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as DhanErrorBody;
  const code = String(body.errorCode ?? '').toUpperCase();
  const text = typeof res.body === 'string' ? res.body : (body.errorMessage ?? body.remarks);
  const message = brokerMessage(text, `HTTP ${res.status}`);
  const tagged = code ? `${message} (${code})` : message;
  const mapped = tableError(DHAN_ERRORS, { status: res.status, code, text: message, scope: code, source, tagged });
  if (mapped) throw mapped;
  if (!code && res.status === 401) throw new BrokerError('TOKEN_EXPIRED', `Dhan refused the access token. ${NEW_TOKEN[source]}`, res.status);
  if (!code && res.status === 429) throw new BrokerError('RATE_LIMITED', 'Dhan rate limit reached. Wait a moment and try again.', res.status);
  throw new BrokerError('BROKER_REJECTED', `Dhan rejected the request: ${tagged}`, res.status);
}
