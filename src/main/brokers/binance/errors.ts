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

/**
 * Binance error bodies are {"code": -1022, "msg": "..."}. -2015 covers a wrong key, a non-whitelisted
 * IP and a missing permission alike; what validate learned about the key narrows it down.
 */
export function binanceError(res: HttpResponse, trading: boolean, restrictions: KeyRestrictions | undefined): BrokerError {
  const body = errorBody(res.body);
  const own = brokerMessage(body?.msg, `HTTP ${res.status}`);
  if (res.status === 429 || res.status === 418 || body?.code === -1003 || body?.code === -1015) {
    const retry = Number(res.headers.get('retry-after'));
    const wait = Number.isFinite(retry) && retry > 0 ? ` Try again in ${retry} s.` : ' Wait a minute before retrying.';
    const banned = res.status === 418 ? ' Binance has banned this IP for a while because earlier 429 answers were ignored.' : '';
    return new BrokerError('RATE_LIMITED', `Binance rate limit reached: ${own}.${banned}${wait}`, res.status);
  }
  switch (body?.code) {
    case -2014:
      return new BrokerError('INVALID_CREDENTIALS', 'Binance says the API key has the wrong format. Copy it again from API Management.', res.status);
    case -1022:
      return new BrokerError(
        'INVALID_CREDENTIALS',
        'Binance rejected the request signature: the secret key (or, for an Ed25519 key, the private key) does not belong to this API key. Check both against API Management.',
        res.status,
      );
    case -2015:
      if (restrictions && trading && !restrictions.enableSpotAndMarginTrading) {
        return new BrokerError(
          'INVALID_CREDENTIALS',
          'This Binance API key may not trade. In API Management → Edit restrictions, tick "Enable Spot & Margin Trading".',
          res.status,
        );
      }
      if (restrictions?.ipRestrict) {
        return new BrokerError(
          'IP_NOT_ALLOWED',
          "Binance refused the call: this computer's public IP is not on the API key's trusted-IP list. Add it under API Management → Edit restrictions.",
          res.status,
        );
      }
      return new BrokerError(
        'INVALID_CREDENTIALS',
        'Binance refused the API key: it is wrong or deleted, this computer\'s IP is not on its trusted-IP list, or it lacks the "Enable Spot & Margin Trading" permission.',
        res.status,
      );
    case -1021:
      return new BrokerError('BROKER_REJECTED', `Binance rejected the request time even after re-syncing with its clock: ${own}`, res.status);
    case -1007:
      return new BrokerError('TIMEOUT', 'Binance timed out inside its own systems; the order status is unknown. Check the order book before retrying.', res.status);
  }
  if (res.status >= 500) {
    return new BrokerError('BROKER_REJECTED', `Binance had a server problem (HTTP ${res.status}); the outcome is unknown: ${own}`, res.status);
  }
  return new BrokerError('BROKER_REJECTED', `Binance rejected the request: ${own}`, res.status);
}
