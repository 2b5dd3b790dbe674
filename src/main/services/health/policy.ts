import type { BrokerSessionRules } from '../../../shared/brokers';
import type { Settings } from '../../../shared/schemas';
import type { BrokerAdapter } from '../../brokers/types';
import { MINUTE, SECOND } from '../../clock';

// A broker whose session needs closer watching than the user's interval declares it in its descriptor's `session`.

/** Warn this long before a session expires. */
export const EXPIRY_WARNING_MS = 15 * MINUTE;
/** Log in again this long before expiry, unless the broker's token is short-lived (see reloginLeadMs). */
export const RELOGIN_LEAD_MS = 2 * MINUTE;
/** Longest wait between checks of a failing connection. */
export const MAX_BACKOFF_MS = 30 * MINUTE;
/** Focus events within this window coalesce into one check. */
export const FOCUS_DEBOUNCE_MS = 1 * SECOND;
/** A focus check skips connections checked more recently than this (alt-tabbing is not a reason to call a broker). */
export const FOCUS_MIN_AGE_MS = 1 * MINUTE;

/** The check interval for one connection: the user's setting, shortened where the broker's session rules need it. */
export function checkIntervalMs(rules: BrokerSessionRules | undefined, settings: Pick<Settings, 'checkIntervalSec'>): number {
  const cap = rules?.maxCheckIntervalSec ?? Infinity;
  return Math.min(settings.checkIntervalSec, cap) * SECOND;
}

/** Exponential backoff after consecutive failures: interval × 2^failures, capped (never below the interval). */
export function backoffMs(intervalMs: number, failures: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(intervalMs * 2 ** failures, Math.max(intervalMs, MAX_BACKOFF_MS));
}

/** How long before expiry to log in again: 2 minutes, or the last 20% of a short token's life (a 15-minute token: at 12 minutes). */
export function reloginLeadMs(rules: BrokerSessionRules | undefined): number {
  const lifetime = rules?.tokenLifetimeMs;
  return lifetime ? Math.max(RELOGIN_LEAD_MS, lifetime * 0.2) : RELOGIN_LEAD_MS;
}

/** Only brokers that log in from stored fields (TOTP, app key, refresh token) can renew without the trader. */
export function canLoginUnattended(adapter: Pick<BrokerAdapter, 'login' | 'loginUrl'>): boolean {
  return typeof adapter.login === 'function' && !adapter.loginUrl;
}
