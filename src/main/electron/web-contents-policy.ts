import type { App, Session, Shell } from 'electron';
import type { Logger } from '../log/types';
import { decideWindowOpen, shouldPreventNavigation } from '../security/navigation';
import { permissionCheckHandler, permissionRequestHandler } from '../security/permissions';
import type { TrustedOrigin } from '../security/sender';

/**
 * Installed before the first window exists, so every web contents gets it: no navigation, no redirects,
 * no webviews, no new windows (allowed external links go to the system browser), and only the app's own
 * origin may write to the clipboard.
 */
export function installWebContentsPolicy(deps: {
  app: Pick<App, 'on'>;
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
  shell: Pick<Shell, 'openExternal'>;
  trustedOrigin: TrustedOrigin;
  log: Logger;
}): void {
  deps.app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (shouldPreventNavigation(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternally) deps.shell.openExternal(url).catch((error: unknown) => deps.log.warn('opening a link failed', { error }));
      return { action: decision.action };
    });
  });
  // SECURITY: property 14, both the request and the check side.
  deps.session.setPermissionRequestHandler(permissionRequestHandler(deps.trustedOrigin));
  deps.session.setPermissionCheckHandler(permissionCheckHandler(deps.trustedOrigin));
}
