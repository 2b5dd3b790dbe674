import { BROKER_ADAPTERS } from '../brokers/registry';

/** Domains every trader may need that belong to no one broker: the Indian regulator and exchange. */
const SHARED_HOSTS = ['sebi.gov.in', 'nseindia.com'] as const;

/**
 * Where the app may send the user. In-app navigation never leaves the page; external links open in
 * the system browser, and only for https URLs on broker and documentation domains: each broker's
 * descriptor declares its own (`signInHosts`).
 */
// SECURITY: only the domains the shipped descriptors declare; test/unit/broker-registry.test.ts pins the resulting set.
export const EXTERNAL_ALLOWLIST: readonly string[] = [...new Set([...BROKER_ADAPTERS.flatMap((a) => a.descriptor.signInHosts), ...SHARED_HOSTS])];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The one gate for every URL BrokerVault hands to the system browser (links in the page and broker
 * sign-in pages alike). `extraOrigins` are API hosts the trader configured on a connection (a simulator
 * or a custom host): a sign-in page on exactly that origin is allowed too.
 */
export function isAllowedExternalUrl(raw: string, extraOrigins: readonly string[] = []): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  // SECURITY: no embedded credentials, ever.
  if (url.username || url.password) return false;
  if (extraOrigins.some((origin) => isConfiguredOrigin(url, origin))) return true;
  // SECURITY: https only, default port, and an exact domain or a true subdomain.
  if (url.protocol !== 'https:' || url.port) return false;
  const host = url.hostname.toLowerCase();
  if (host.endsWith('.')) return false;
  return EXTERNAL_ALLOWLIST.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/**
 * SECURITY: exactly the configured origin (scheme, host and port). It must be https, or plain http on the
 * loopback address only (a local simulator): a sign-in page is never opened over http across the network.
 */
function isConfiguredOrigin(url: URL, configured: string): boolean {
  let origin: URL;
  try {
    origin = new URL(configured);
  } catch {
    return false;
  }
  if (origin.username || origin.password) return false;
  const secure = origin.protocol === 'https:' || (origin.protocol === 'http:' && LOOPBACK_HOSTS.has(origin.hostname));
  return secure && url.protocol === origin.protocol && url.host === origin.host;
}

/** SECURITY: no page navigation at all; the renderer is a single-page app loaded once. */
export function shouldPreventNavigation(_url: string): boolean {
  return true;
}

/** New windows are always denied; an allowed external URL is handed to the system browser instead. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isAllowedExternalUrl(url) };
}
