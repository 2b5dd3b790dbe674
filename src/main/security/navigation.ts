/**
 * Where the app may send the user. In-app navigation never leaves the page; external links open in
 * the system browser, and only for https URLs on broker and documentation domains.
 */
export const EXTERNAL_ALLOWLIST = [
  'zerodha.com',
  'kite.trade',
  'fyers.in',
  'angelone.in',
  'dhan.co',
  'dhanhq.co',
  '5paisa.com',
  'iifl.com',
  'indiainfoline.com',
  'iiflcapital.com',
  'compositedge.com',
  'symphonyfintech.com',
  'alpaca.markets',
  'tradier.com',
  'tastytrade.com',
  'tastyworks.com',
  'interactivebrokers.com',
  'binance.com',
  'sebi.gov.in',
  'nseindia.com',
] as const;

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  // SECURITY: https only, no embedded credentials, default port, and an exact domain or a true subdomain.
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return false;
  const host = url.hostname.toLowerCase();
  if (host.endsWith('.')) return false;
  return EXTERNAL_ALLOWLIST.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/** SECURITY: no page navigation at all; the renderer is a single-page app loaded once. */
export function shouldPreventNavigation(_url: string): boolean {
  return true;
}

/** New windows are always denied; an allowed external URL is handed to the system browser instead. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isAllowedExternalUrl(url) };
}
