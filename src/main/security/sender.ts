import type { SenderInfo } from '../ipc/router';

/** The app's own page: the custom `app://bundle` origin when packaged, the dev server URL in development. */
export interface TrustedOrigin {
  protocol: string;
  host: string;
}

export const APP_ORIGIN: TrustedOrigin = { protocol: 'app:', host: 'bundle' };

export function originOf(url: string): TrustedOrigin | null {
  try {
    const parsed = new URL(url);
    return { protocol: parsed.protocol, host: parsed.host };
  } catch {
    return null;
  }
}

/** SECURITY: IPC is accepted only from the main frame of a page on the app's own origin. */
export function isTrustedSender(sender: SenderInfo, trusted: TrustedOrigin): boolean {
  if (!sender.isMainFrame || typeof sender.url !== 'string') return false;
  const origin = originOf(sender.url);
  if (!origin) return false;
  const parsed = new URL(sender.url);
  if (parsed.username || parsed.password) return false;
  return origin.protocol === trusted.protocol && origin.host === trusted.host;
}
