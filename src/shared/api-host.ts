/**
 * The rule for a connection's API host override, shared by main (the input schema, and again before any
 * request) and the renderer (the form's hint). A saved connection's secrets go to this address, so it is
 * https; plain http only reaches this computer (a local gateway or a simulator).
 */

/** 127.0.0.0/8, ::1 and localhost, as the WHATWG URL parser writes a hostname. */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export const API_HOST_RULE =
  'The API host override must be an https:// address (http:// only for localhost, 127.x.x.x or [::1]), with no user name, password, query or #fragment.';

/** Why `value` cannot be an API host override, or null when it can. */
export function apiHostProblem(value: string): string | null {
  if (value.length > 300) return 'The API host override must be at most 300 characters.';
  // SECURITY: no spaces, credentials, query or fragment: the whole address is checked, not only its start.
  if (!/^https?:\/\/[^\s/?#@]+(\/[^\s?#@]*)?$/i.test(value)) return API_HOST_RULE;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return API_HOST_RULE;
  }
  if (url.username || url.password || url.search || url.hash) return API_HOST_RULE;
  if (url.protocol === 'https:') return null;
  // SECURITY: plain http would carry the secrets readable over the network; only loopback is allowed.
  if (url.protocol === 'http:' && isLoopbackHostname(url.hostname)) return null;
  return API_HOST_RULE;
}
