import { isTrustedSender, type TrustedOrigin } from './sender';

/**
 * The only web permission the renderer ever gets: writing sanitized text to the clipboard, which every
 * Copy button needs (navigator.clipboard.writeText asks for it). Reading the clipboard, notifications
 * from the page, camera, microphone, geolocation, … are always denied.
 */
export const APP_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write'];

/** What Electron tells a permission handler about who is asking. */
export interface PermissionRequester {
  /** The page's URL (request handler) or origin (check handler). */
  url: string | undefined;
  /** False for a sub-frame; undefined when Electron does not say. */
  isMainFrame?: boolean;
}

/** SECURITY: granted only for a permission on the list, asked by the main frame of the app's own origin. */
export function isPermissionAllowed(permission: string, requester: PermissionRequester, trusted: TrustedOrigin): boolean {
  if (!APP_PERMISSIONS.includes(permission)) return false;
  if (typeof requester.url !== 'string') return false;
  return isTrustedSender({ url: requester.url, isMainFrame: requester.isMainFrame !== false }, trusted);
}

type RequestDetails = { requestingUrl?: string; isMainFrame?: boolean };
type CheckDetails = { requestingUrl?: string; isMainFrame?: boolean };

/** For `session.setPermissionRequestHandler`. */
export function permissionRequestHandler(trusted: TrustedOrigin) {
  return (webContents: { getURL(): string } | null, permission: string, callback: (granted: boolean) => void, details?: RequestDetails): void => {
    const url = details?.requestingUrl ?? webContents?.getURL();
    callback(isPermissionAllowed(permission, { url, isMainFrame: details?.isMainFrame }, trusted));
  };
}

/** For `session.setPermissionCheckHandler`: Electron passes the requesting origin, and the URL in details. */
export function permissionCheckHandler(trusted: TrustedOrigin) {
  return (_webContents: unknown, permission: string, requestingOrigin: string, details?: CheckDetails): boolean =>
    isPermissionAllowed(permission, { url: details?.requestingUrl ?? requestingOrigin, isMainFrame: details?.isMainFrame }, trusted) &&
    isPermissionAllowed(permission, { url: requestingOrigin, isMainFrame: details?.isMainFrame }, trusted);
}
