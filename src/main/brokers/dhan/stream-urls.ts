import type { BrokerContext } from '../types';
import { DHAN_LIVE_URL, DHAN_SANDBOX_URL } from './descriptor';

/** Dhan's live market feed host (v2 asks for `?version=2&authType=2`, plus the token and client id). */
export const DHAN_FEED_URL = 'wss://api-feed.dhan.co';
/** Dhan's live order update host. */
export const DHAN_ORDER_UPDATE_URL = 'wss://api-order-update.dhan.co';
/** Where a simulator or proxy standing in for every Dhan host serves the order updates (its own choice of path). */
export const ORDER_UPDATE_PATH = '/order-update';

/** The real hosts for Dhan's own URLs (sandbox included: no separate sandbox feed is documented); else the override's root. */
function overrideRoot(ctx: BrokerContext): string | null {
  const base = ctx.baseUrl.replace(/\/+$/, '');
  if (base === DHAN_LIVE_URL || base === DHAN_SANDBOX_URL) return null;
  return base.replace(/\/v2$/, '').replace(/^http/, 'ws');
}

/** The market feed URL without credentials: what `npm run sim` prints and what the client adds token and client id to. */
export function feedUrl(ctx: BrokerContext): string {
  const root = overrideRoot(ctx);
  return `${root === null ? DHAN_FEED_URL : `${root}/`}?version=2&authType=2`;
}

export function orderUpdateUrl(ctx: BrokerContext): string {
  const root = overrideRoot(ctx);
  return root === null ? DHAN_ORDER_UPDATE_URL : `${root}${ORDER_UPDATE_PATH}`;
}
