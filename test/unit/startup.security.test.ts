import { describe, expect, it, vi } from 'vitest';
import { failStartup, startSingleInstance } from '../../src/main/electron/startup';
import { describeStartupFailure } from '../../src/main/electron/startup-failure';
import { resolveBundlePath } from '../../src/main/electron/bundle-protocol';

function fakeApp(gotLock: boolean) {
  return { requestSingleInstanceLock: vi.fn(() => gotLock), quit: vi.fn(), on: vi.fn() };
}

describe('single instance (property 19)', () => {
  it('the first instance starts the services and listens for second launches', async () => {
    const app = fakeApp(true);
    const start = vi.fn(async () => 'services');
    const focus = vi.fn();
    expect(await startSingleInstance(app, start, focus)).toBe('services');
    expect(start).toHaveBeenCalledOnce();
    expect(app.on).toHaveBeenCalledWith('second-instance', focus);
    expect(app.quit).not.toHaveBeenCalled();
  });

  it('a second instance quits without opening the database or the keychain', async () => {
    const app = fakeApp(false);
    const start = vi.fn(async () => 'services');
    expect(await startSingleInstance(app, start, vi.fn())).toBeNull();
    expect(start).not.toHaveBeenCalled();
    expect(app.quit).toHaveBeenCalledOnce();
  });
});

describe('a start-up failure is visible', () => {
  it('logs, shows the error box in BrokerVault words with the log path, then exits 1', () => {
    const shell = { showErrorBox: vi.fn(), exit: vi.fn() };
    const log = { error: vi.fn() };
    const error = Object.assign(new Error('EACCES: permission denied, open /x'), { code: 'EACCES' });
    failStartup(shell, error, { dataDir: '/data', logFile: '/data/logs/main.log', log }, describeStartupFailure);
    expect(log.error).toHaveBeenCalledWith('start-up failed', { error });
    expect(shell.showErrorBox).toHaveBeenCalledWith('BrokerVault could not start', expect.stringContaining('Details are in the log: /data/logs/main.log'));
    expect(shell.exit).toHaveBeenCalledWith(1);
  });

  it('still exits 1 when logging and showing fail', () => {
    const shell = {
      showErrorBox: vi.fn(() => {
        throw new Error('no display');
      }),
      exit: vi.fn(),
    };
    const log = {
      error: vi.fn(() => {
        throw new Error('disk gone');
      }),
    };
    expect(() => failStartup(shell, new Error('x'), { dataDir: '/data', logFile: null, log }, describeStartupFailure)).toThrow('no display');
    expect(shell.exit).toHaveBeenCalledWith(1);
  });
});

describe('app:// bundle protocol', () => {
  const root = '/opt/brokervault/out/renderer';
  it('serves files inside the bundle', () => {
    expect(resolveBundlePath(root, 'app://bundle/index.html')).toBe(`${root}/index.html`);
    expect(resolveBundlePath(root, 'app://bundle/')).toBe(`${root}/index.html`);
    expect(resolveBundlePath(root, 'app://bundle/assets/index-abc.js')).toBe(`${root}/assets/index-abc.js`);
  });
  // URL parsing folds dot segments (even encoded ones) before we see the path, so these stay inside the bundle or are refused.
  const traversals = [
    'app://bundle/../main/index.js',
    'app://bundle/%2e%2e/%2e%2e/main/index.js',
    'app://bundle/assets/%2e%2e%2f%2e%2e%2fmain%2findex.js',
    'app://bundle/..%5c..%5cmain',
    'app://bundle/%00.html',
    'app://bundle/%E0%A4%A',
  ];
  for (const url of traversals) {
    it(`never leaves the bundle for ${url}`, () => {
      const resolved = resolveBundlePath(root, url);
      expect(resolved === null || resolved.startsWith(`${root}/`)).toBe(true);
    });
  }
  it('refuses encoded separators, NUL bytes and bad encodings outright', () => {
    expect(resolveBundlePath(root, 'app://bundle/assets/%2e%2e%2f%2e%2e%2fmain%2findex.js')).toBeNull();
    expect(resolveBundlePath(root, 'app://bundle/..%5c..%5cmain')).toBeNull();
    expect(resolveBundlePath(root, 'app://bundle/%00.html')).toBeNull();
    expect(resolveBundlePath(root, 'app://bundle/%E0%A4%A')).toBeNull();
  });
  it('refuses other hosts and schemes', () => {
    expect(resolveBundlePath(root, 'app://other/index.html')).toBeNull();
    expect(resolveBundlePath(root, 'file:///etc/passwd')).toBeNull();
    expect(resolveBundlePath(root, 'not a url')).toBeNull();
  });
});
