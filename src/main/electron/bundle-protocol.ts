import path from 'node:path';

/**
 * Map an `app://bundle/...` URL to a file inside the renderer bundle directory, or null when the path
 * would leave it (SECURITY: no `..`, encoded separators or absolute paths reach the file system).
 */
export function resolveBundlePath(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'app:' || url.host !== 'bundle') return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const resolved = path.resolve(root, relative);
  const base = path.resolve(root) + path.sep;
  return resolved.startsWith(base) ? resolved : null;
}
