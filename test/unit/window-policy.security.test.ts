import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cspProblems, parseCsp } from '../../src/main/security/csp';
import { decideWindowOpen, isAllowedExternalUrl, shouldPreventNavigation } from '../../src/main/security/navigation';
import { denyPermissionCheck, denyPermissionRequest } from '../../src/main/security/permissions';
import { APP_ORIGIN, isTrustedSender } from '../../src/main/security/sender';
import { windowOptions } from '../../src/main/security/window-options';

describe('window options (property 1)', () => {
  it('pins every security-relevant preference', () => {
    const packaged = windowOptions({ preloadPath: '/app/preload.cjs', isPackaged: true, bounds: { width: 1000, height: 700 } });
    expect(packaged.webPreferences).toEqual({
      preload: '/app/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: false,
      safeDialogs: true,
    });
    expect(windowOptions({ preloadPath: 'p', isPackaged: false, bounds: { width: 1, height: 1 } }).webPreferences.devTools).toBe(true);
  });
});

describe('IPC sender check (property 5)', () => {
  const table: [string, { url: string; isMainFrame: boolean }, boolean][] = [
    ['the app main frame', { url: 'app://bundle/index.html', isMainFrame: true }, true],
    ['the app main frame with a hash', { url: 'app://bundle/index.html#/audit', isMainFrame: true }, true],
    ['an app sub-frame', { url: 'app://bundle/index.html', isMainFrame: false }, false],
    ['another app host', { url: 'app://bundle.evil/index.html', isMainFrame: true }, false],
    ['a host with the app host as prefix', { url: 'app://bundlex/index.html', isMainFrame: true }, false],
    ['https page', { url: 'https://kite.zerodha.com/', isMainFrame: true }, false],
    ['http localhost', { url: 'http://localhost:5173/', isMainFrame: true }, false],
    ['file URL', { url: 'file:///tmp/index.html', isMainFrame: true }, false],
    ['about:blank', { url: 'about:blank', isMainFrame: true }, false],
    ['data URL', { url: 'data:text/html,<script>1</script>', isMainFrame: true }, false],
    ['javascript URL', { url: 'javascript:alert(1)', isMainFrame: true }, false],
    ['empty URL', { url: '', isMainFrame: true }, false],
    ['malformed URL', { url: 'app//bundle', isMainFrame: true }, false],
    ['credentials in URL', { url: 'app://user:pw@bundle/index.html', isMainFrame: true }, false],
  ];
  for (const [what, sender, expected] of table) {
    it(`${expected ? 'accepts' : 'refuses'} ${what}`, () => {
      expect(isTrustedSender(sender, APP_ORIGIN)).toBe(expected);
    });
  }
  it('refuses a non-string URL', () => {
    expect(isTrustedSender({ url: 42 as unknown as string, isMainFrame: true }, APP_ORIGIN)).toBe(false);
  });
});

describe('navigation and external links (property 13)', () => {
  const allowed = ['https://kite.zerodha.com/connect/login?v=3', 'https://zerodha.com/', 'https://docs.alpaca.markets/docs', 'https://www.binance.com/en/my/settings/api-management'];
  const refused = [
    'http://kite.zerodha.com/',
    'https://zerodha.com.evil.com/',
    'https://evilzerodha.com/',
    'https://kite.zerodha.com.attacker.net/login',
    'https://user:pass@kite.zerodha.com/',
    'https://kite.zerodha.com:8443/',
    'https://xn--zerodh-9ua.com/',
    'https://kite.zerodha.com./',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,hi',
    'app://bundle/index.html',
    'not a url',
    'https://example.com/?next=https://zerodha.com',
  ];
  for (const url of allowed) it(`opens ${url} in the browser`, () => expect(isAllowedExternalUrl(url)).toBe(true));
  for (const url of refused) it(`refuses ${url}`, () => expect(isAllowedExternalUrl(url)).toBe(false));
  it('denies every new window, opening allowed ones externally', () => {
    expect(decideWindowOpen('https://zerodha.com/')).toEqual({ action: 'deny', openExternally: true });
    expect(decideWindowOpen('https://evil.com/')).toEqual({ action: 'deny', openExternally: false });
  });
  it('prevents every navigation', () => {
    for (const url of [...allowed, ...refused]) expect(shouldPreventNavigation(url)).toBe(true);
  });
});

describe('permissions (property 14)', () => {
  it('denies every request and check', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown']) {
      let granted: boolean | undefined;
      denyPermissionRequest({}, permission, (g) => (granted = g));
      expect(granted).toBe(false);
    }
    expect(denyPermissionCheck()).toBe(false);
  });
});

describe('content security policy (property 15, static half)', () => {
  const html = fs.readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);

  it('is set in the page and holds every rule', () => {
    expect(meta).not.toBeNull();
    expect(cspProblems(meta![1]!)).toEqual([]);
  });

  it('has no inline script in the page', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
  });

  it('the checker catches weakened policies', () => {
    expect(cspProblems("default-src 'self'; script-src 'self' 'unsafe-inline'")).toContainEqual(expect.stringMatching(/script-src/));
    expect(cspProblems("default-src 'none'; script-src 'self' 'unsafe-eval'")).toContainEqual(expect.stringMatching(/script-src/));
    expect(cspProblems("default-src 'none'; connect-src https:")).toContainEqual(expect.stringMatching(/connect-src/));
    expect(cspProblems("default-src 'none'; scirpt-src 'self'")).toContainEqual('unknown directive scirpt-src');
    expect(parseCsp("default-src 'none'; img-src 'self' data:").get('img-src')).toEqual(["'self'", 'data:']);
  });
});
