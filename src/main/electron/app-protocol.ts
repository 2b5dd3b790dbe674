import { pathToFileURL } from 'node:url';
import type { Net, Protocol } from 'electron';
import { APP_ORIGIN } from '../security/sender';
import { resolveBundlePath } from './bundle-protocol';

/** `app://bundle` is a standard, secure scheme (registered before the app is ready). */
export const APP_SCHEMES = [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }];

/** The renderer's pages: `app://bundle/<page>` when packaged or previewed, the dev server's in development. */
export function rendererPageUrl(page: 'index.html' | 'loading.html', devUrl: string | undefined): string {
  if (devUrl) return new URL(page, devUrl.endsWith('/') ? devUrl : `${devUrl}/`).toString();
  return `${APP_ORIGIN.protocol}//${APP_ORIGIN.host}/${page}`;
}

/** SECURITY: serves only files inside the renderer bundle directory (see bundle-protocol.ts). */
export function serveRendererBundle(protocol: Pick<Protocol, 'handle'>, net: Pick<Net, 'fetch'>, rendererRoot: string): void {
  protocol.handle('app', (request) => {
    const file = resolveBundlePath(rendererRoot, request.url);
    const notFound = () => new Response('Not found', { status: 404 });
    return file ? net.fetch(pathToFileURL(file).toString()).catch(notFound) : notFound();
  });
}
