import type { Trading } from '../trading';
import { ApiError, type LocalApiServices } from './verb';

/** What the API may never do: go live, unlock live, or change the limits that guard the trader. */
const FORBIDDEN_MODE = new Set<PropertyKey>(['requestLive', 'confirmLive', 'unlock', 'lock']);
const FORBIDDEN_LIMITS = new Set<PropertyKey>(['set']);
/** Calls that send something to a venue: re-checked against the kill switch's API halt at the last moment. */
const SENDING = new Set<PropertyKey>(['place', 'placeOn', 'modify', 'answerPrompt', 'placeBasket']);

export const NOT_FOR_THE_API = 'The local API cannot switch to live, unlock live or change limits; do that in BrokerVault.';
export const KEY_WITHDRAWN_MESSAGE = 'This API key was revoked or made read-only while the request ran; nothing was sent.';
export const HALTED_MESSAGE = 'API trading is stopped by the kill switch. Turn it back on in BrokerVault: Settings → Local API.';

/** A view of `target` whose listed methods are replaced; every other member is the target's own (methods bound). */
function override<T extends object>(target: T, replace: (prop: PropertyKey, original: unknown) => unknown): T {
  return new Proxy(target, {
    get(t, prop) {
      const value: unknown = Reflect.get(t, prop, t);
      const original = typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
      return replace(prop, original);
    },
  });
}

/**
 * The services as the verbs see them. SECURITY: the same objects the IPC handlers use (so every API order takes the
 * one order path), except that switching to live, unlocking live and changing limits throw, and every sending call
 * checks the kill switch's API halt, and that the caller's key still may trade, synchronously just before it enters
 * the order path.
 */
export function guardServices(services: LocalApiServices, halted: () => boolean, mayTrade: () => boolean = () => true): LocalApiServices {
  const forbid = () => {
    throw new ApiError(403, NOT_FOR_THE_API);
  };
  const mode = override(services.trading.mode, (prop, original) => (FORBIDDEN_MODE.has(prop) ? forbid : original));
  const limits = override(services.trading.limits, (prop, original) => (FORBIDDEN_LIMITS.has(prop) ? forbid : original));
  const orders = override(services.trading.orders, (prop, original) => {
    if (!SENDING.has(prop) || typeof original !== 'function') return original;
    return (...args: unknown[]): unknown => {
      if (halted()) throw new ApiError(403, HALTED_MESSAGE);
      // The key may have been revoked or made read-only while the verb ran.
      if (!mayTrade()) throw new ApiError(403, KEY_WITHDRAWN_MESSAGE);
      return (original as (...a: unknown[]) => unknown)(...args);
    };
  });
  const trading = override(services.trading, (prop, original) => {
    if (prop === 'mode') return mode;
    if (prop === 'limits') return limits;
    if (prop === 'orders') return orders;
    return original;
  }) as Trading;
  return { ...services, trading };
}
