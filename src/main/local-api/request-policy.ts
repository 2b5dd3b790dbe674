/**
 * Who may talk to the local API, as small pure functions (the servers install them in a line each).
 *
 * SECURITY (DNS rebinding): a web page that rebinds its own name to 127.0.0.1 still sends its own name in Host,
 * so only the loopback names and the app's own names, with the server's exact port, are accepted.
 * SECURITY (cross-site requests): browsers send Origin on every POST and every WebSocket handshake; scripts do not
 * (or send the server's own origin, as Python's websocket-client does). Any other Origin is a web page: refused.
 * There is no CORS: no Access-Control-* header is ever sent, so a page can read nothing either.
 */

/** Names that reach this machine's loopback and nothing else. */
export const LOOPBACK_NAMES = ['127.0.0.1', 'localhost'] as const;

/** The Host header is one of `names` with exactly `port` (case-insensitive, no trailing dot, no userinfo). */
export function isAllowedHost(host: string | undefined, port: number, names: readonly string[]): boolean {
  if (host === undefined) return false;
  const match = /^([a-z0-9.-]+):(\d{1,5})$/i.exec(host);
  if (!match) return false;
  return Number(match[2]) === port && names.some((n) => n.toLowerCase() === match[1]!.toLowerCase());
}

/** No Origin (a script), or the server's own origin (`http://<name>:<port>`, where no page is ever served). */
export function isAllowedOrigin(origin: string | undefined, port: number, names: readonly string[]): boolean {
  if (origin === undefined) return true;
  const match = /^http:\/\/([a-z0-9.-]+):(\d{1,5})$/i.exec(origin);
  if (!match) return false;
  return Number(match[2]) === port && names.some((n) => n.toLowerCase() === match[1]!.toLowerCase());
}

/** Fetch metadata a browser adds: a request with it came from a page, whatever its Origin says. */
export function isFromBrowser(headers: Record<string, string | string[] | undefined>): boolean {
  const site = headers['sec-fetch-site'];
  return site !== undefined && site !== 'none';
}

/** `/api/v1/<verb>` or `/api/v1/<verb>/` (OpenAlgo's clients use both); the verb name, or null. */
export function verbOfPath(url: string | undefined): string | null {
  const match = /^\/api\/v1\/([a-z]{1,40})\/?(?:\?.*)?$/.exec(url ?? '');
  return match ? match[1]! : null;
}
