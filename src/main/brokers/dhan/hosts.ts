import type { BrokerContext } from '../types';
import { DHAN_AUTH_HOST, DHAN_LIVE_URL, DHAN_SANDBOX_URL, DHAN_SCRIP_MASTER_HOST } from './descriptor';

/**
 * The root for Dhan's other hosts (the scrip master on images.dhan.co, the consent flow on auth.dhan.co):
 * the real host in production, and under an override (a simulator, a proxy) the override's root without /v2,
 * where the same paths are served.
 */
export function dhanHost(ctx: BrokerContext, production: typeof DHAN_AUTH_HOST | typeof DHAN_SCRIP_MASTER_HOST): string {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  if (base === DHAN_LIVE_URL || base === DHAN_SANDBOX_URL) return production;
  return base.replace(/\/v2$/, '');
}
