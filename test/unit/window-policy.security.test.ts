import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cspProblems, parseCsp } from '../../src/main/security/csp';
import { decideWindowOpen, isAllowedExternalUrl, shouldPreventNavigation } from '../../src/main/security/navigation';
import { isPermissionAllowed, permissionCheckHandler, permissionRequestHandler } from '../../src/main/security/permissions';
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
  const allowed = [
    'https://kite.zerodha.com/connect/login?v=3',
    'https://zerodha.com/',
    'https://docs.alpaca.markets/docs',
    'https://www.binance.com/en/my/settings/api-management',
  ];
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
  describe("a connection's configured API host", () => {
    const sim = ['http://127.0.0.1:43121'];
    const custom = ['https://api.example-broker.test/v2'];
    it('opens a sign-in page on exactly that origin', () => {
      expect(isAllowedExternalUrl('http://127.0.0.1:43121/connect/login?v=3&api_key=k', sim)).toBe(true);
      expect(isAllowedExternalUrl('https://api.example-broker.test/login', custom)).toBe(true);
    });
    const refusedWithHost: [string, string[]][] = [
      ['http://127.0.0.1:43122/connect/login', sim],
      ['https://127.0.0.1:43121/connect/login', sim],
      ['http://localhost:43121/connect/login', sim],
      ['http://user:pw@127.0.0.1:43121/', sim],
      ['http://api.example-broker.test/login', custom],
      ['https://api.example-broker.test.evil.com/login', custom],
      ['https://evil-api.example-broker.test/login', custom],
      ['https://api.example-broker.test:8443/login', custom],
      ['http://plain.example.com/login', ['http://plain.example.com']],
      ['https://u:p@api.example-broker.test/', ['https://u:p@api.example-broker.test']],
      ['file:///etc/passwd', ['file:///etc']],
      ['javascript:alert(1)', custom],
      ['https://evil.example/', ['not a url']],
    ];
    for (const [url, hosts] of refusedWithHost) it(`refuses ${url} with ${hosts[0]} configured`, () => expect(isAllowedExternalUrl(url, hosts)).toBe(false));
  });
  it('prevents every navigation', () => {
    for (const url of [...allowed, ...refused]) expect(shouldPreventNavigation(url)).toBe(true);
  });
});

describe('permissions (property 14)', () => {
  const dev = { protocol: 'http:', host: 'localhost:5173' };
  it('allows clipboard-sanitized-write for the main frame of the app origin only', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', { url: 'app://bundle/index.html', isMainFrame: true }, APP_ORIGIN)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', { url: 'app://bundle' }, APP_ORIGIN)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', { url: 'http://localhost:5173/', isMainFrame: true }, dev)).toBe(true);
    for (const url of [
      'https://kite.zerodha.com/',
      'app://bundle.evil/index.html',
      'app://user:pw@bundle/',
      'http://localhost:5173/',
      'file:///tmp/x.html',
      'data:text/html,x',
      '',
      'nonsense',
    ]) {
      expect(isPermissionAllowed('clipboard-sanitized-write', { url, isMainFrame: true }, APP_ORIGIN)).toBe(false);
    }
    expect(isPermissionAllowed('clipboard-sanitized-write', { url: 'app://bundle/index.html', isMainFrame: false }, APP_ORIGIN)).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', { url: undefined }, APP_ORIGIN)).toBe(false);
  });

  it('denies every other permission, even for the app origin', () => {
    for (const permission of ['clipboard-read', 'media', 'notifications', 'geolocation', 'openExternal', 'fullscreen', 'pointerLock', 'unknown', '']) {
      expect(isPermissionAllowed(permission, { url: 'app://bundle/index.html', isMainFrame: true }, APP_ORIGIN)).toBe(false);
    }
  });

  it('the request handler answers through the callback, from details or the page URL', () => {
    const handler = permissionRequestHandler(APP_ORIGIN);
    const ask = (permission: string, pageUrl: string, details?: { requestingUrl?: string; isMainFrame?: boolean }) => {
      let granted: boolean | undefined;
      handler({ getURL: () => pageUrl }, permission, (g: boolean) => (granted = g), details);
      return granted;
    };
    expect(ask('clipboard-sanitized-write', 'app://bundle/index.html', { requestingUrl: 'app://bundle/index.html', isMainFrame: true })).toBe(true);
    expect(ask('clipboard-sanitized-write', 'app://bundle/index.html')).toBe(true);
    expect(ask('clipboard-sanitized-write', 'app://bundle/index.html', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(ask('media', 'app://bundle/index.html')).toBe(false);
  });

  it('the check handler needs both the origin and the requesting URL on the app origin', () => {
    const check = permissionCheckHandler(APP_ORIGIN);
    expect(check(null, 'clipboard-sanitized-write', 'app://bundle', { requestingUrl: 'app://bundle/index.html', isMainFrame: true })).toBe(true);
    expect(check(null, 'clipboard-sanitized-write', 'app://bundle')).toBe(true);
    expect(check(null, 'clipboard-sanitized-write', 'https://evil.example', { requestingUrl: 'app://bundle/index.html' })).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'app://bundle', { requestingUrl: 'https://evil.example/' })).toBe(false);
    expect(check(null, 'clipboard-read', 'app://bundle', { requestingUrl: 'app://bundle/index.html' })).toBe(false);
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

  it('the "Opening BrokerVault…" page has the same policy and no script at all', () => {
    const loading = fs.readFileSync(new URL('../../src/renderer/loading.html', import.meta.url), 'utf8');
    const policy = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(loading);
    expect(policy?.[1]).toBe(meta![1]);
    expect(loading).not.toMatch(/<script/i);
  });

  it('the checker catches weakened policies', () => {
    expect(cspProblems("default-src 'self'; script-src 'self' 'unsafe-inline'")).toContainEqual(expect.stringMatching(/script-src/));
    expect(cspProblems("default-src 'none'; script-src 'self' 'unsafe-eval'")).toContainEqual(expect.stringMatching(/script-src/));
    expect(cspProblems("default-src 'none'; connect-src https:")).toContainEqual(expect.stringMatching(/connect-src/));
    expect(cspProblems("default-src 'none'; scirpt-src 'self'")).toContainEqual('unknown directive scirpt-src');
    expect(parseCsp("default-src 'none'; img-src 'self' data:").get('img-src')).toEqual(["'self'", 'data:']);
  });
});
