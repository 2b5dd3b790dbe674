import { type ErrorFacts, type ErrorRule, type ErrorTable, ruleError, tableError } from '../errors-table';
import { brokerMessage, type HttpResponse } from '../http';
import { BrokerError } from '../types';

export interface BinanceErrorBody {
  code: number;
  msg: string;
}

export function errorBody(body: unknown): BinanceErrorBody | null {
  if (body && typeof body === 'object' && typeof (body as BinanceErrorBody).code === 'number') {
    const b = body as { code: number; msg?: unknown };
    return { code: b.code, msg: typeof b.msg === 'string' ? b.msg : '' };
  }
  return null;
}

/** What validate learned about the key (GET /sapi/v1/account/apiRestrictions), kept in ctx.memo. */
export interface KeyRestrictions {
  ipRestrict: boolean;
  enableSpotAndMarginTrading: boolean;
}

/** A failed Binance answer: `own` is Binance's msg shortened by brokerMessage; headers carry Retry-After. */
export interface BinanceFacts extends ErrorFacts {
  readonly own: string;
  readonly headers: Headers;
}

/** HTTP 429/418 and the codes -1003/-1015 all mean "slow down"; 418 means Binance has banned the IP for a while. */
const RATE_LIMITED: ErrorRule<BinanceFacts> = {
  code: 'RATE_LIMITED',
  message: (f) => {
    const retry = Number(f.headers.get('retry-after'));
    const wait = Number.isFinite(retry) && retry > 0 ? ` Try again in ${retry} s.` : ' Wait a minute before retrying.';
    const banned = f.status === 418 ? ' Binance has banned this IP for a while because earlier 429 answers were ignored.' : '';
    return `Binance rate limit reached: ${f.own}.${banned}${wait}`;
  },
};

/** Binance error codes (https://developers.binance.com/docs/binance-spot-api-docs/errors). */
export const BINANCE_ERRORS: ErrorTable<BinanceFacts> = {
  exact: {
    '-1003': RATE_LIMITED,
    '-1015': RATE_LIMITED,
    '-2014': {
      code: 'INVALID_CREDENTIALS',
      message: () => 'Binance says the API key has the wrong format. Copy it again from API Management.',
    },
    '-1022': {
      code: 'INVALID_CREDENTIALS',
      message: () =>
        'Binance rejected the request signature: the secret key (or, for an Ed25519 key, the private key) does not belong to this API key. Check both against API Management.',
    },
    // -2015 covers a wrong key, a non-whitelisted IP and a missing permission alike; binanceError narrows it first.
    '-2015': {
      code: 'INVALID_CREDENTIALS',
      message: () =>
        'Binance refused the API key: it is wrong or deleted, this computer\'s IP is not on its trusted-IP list, or it lacks the "Enable Spot & Margin Trading" permission.',
    },
    '-1021': {
      code: 'BROKER_REJECTED',
      message: (f) => `Binance rejected the request time even after re-syncing with its clock: ${f.own}`,
    },
    '-1007': {
      code: 'TIMEOUT',
      message: () => 'Binance timed out inside its own systems; the order status is unknown. Check the order book before retrying.',
    },
  },
  broad: [],
};

/**
 * Binance error bodies are {"code": -1022, "msg": "..."}. -2015 covers a wrong key, a non-whitelisted
 * IP and a missing permission alike; what validate learned about the key narrows it down.
 */
export function binanceError(res: HttpResponse, trading: boolean, restrictions: KeyRestrictions | undefined): BrokerError {
  const body = errorBody(res.body);
  const own = brokerMessage(body?.msg, `HTTP ${res.status}`);
  const facts: BinanceFacts = { status: res.status, code: body ? String(body.code) : null, text: body?.msg ?? null, own, headers: res.headers };
  if (res.status === 429 || res.status === 418) return ruleError(RATE_LIMITED, facts);
  if (body?.code === -2015 && restrictions && trading && !restrictions.enableSpotAndMarginTrading) {
    return new BrokerError(
      'INVALID_CREDENTIALS',
      'This Binance API key may not trade. In API Management → Edit restrictions, tick "Enable Spot & Margin Trading".',
      res.status,
    );
  }
  if (body?.code === -2015 && restrictions?.ipRestrict) {
    return new BrokerError(
      'IP_NOT_ALLOWED',
      "Binance refused the call: this computer's public IP is not on the API key's trusted-IP list. Add it under API Management → Edit restrictions.",
      res.status,
    );
  }
  const mapped = tableError(BINANCE_ERRORS, facts);
  if (mapped) return mapped;
  if (res.status >= 500) {
    return new BrokerError('BROKER_REJECTED', `Binance had a server problem (HTTP ${res.status}); the outcome is unknown: ${own}`, res.status);
  }
  return new BrokerError('BROKER_REJECTED', `Binance rejected the request: ${own}`, res.status);
}
