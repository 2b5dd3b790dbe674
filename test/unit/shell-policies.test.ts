import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keychainServiceName } from '../../src/main/electron/keychain-service';
import { ShellLifecycle } from '../../src/main/electron/lifecycle';
import { describeStartupFailure } from '../../src/main/electron/startup-failure';
import { openStartupLog } from '../../src/main/electron/startup-log';
import { parseWindowBounds, placeWindow } from '../../src/main/electron/window-bounds';
import { DatabaseDamagedError, DatabaseMigrationError } from '../../src/main/store/db';
import { NewerSchemaError } from '../../src/main/store/migrations';

const fullHd = { x: 0, y: 0, width: 1920, height: 1040 };
const rightScreen = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('saved window bounds', () => {
  it('keeps sane bounds that are on a display', () => {
    expect(placeWindow({ x: 100, y: 80, width: 1280, height: 820 }, [fullHd])).toEqual({ x: 100, y: 80, width: 1280, height: 820 });
    expect(placeWindow({ x: 2000, y: 50, width: 1400, height: 900 }, [fullHd, rightScreen], fullHd)).toEqual({ x: 2000, y: 50, width: 1400, height: 900 });
  });

  const centredDefault = { width: 1280, height: 820 };
  const absurd: [string, unknown][] = [
    ['minimised on Windows (−32000)', { x: -32000, y: -32000, width: 160, height: 28 }],
    ['on a display that was unplugged', { x: 5000, y: 100, width: 1280, height: 820 }],
    ['NaN', { x: Number.NaN, y: 0, width: Number.NaN, height: 800 }],
    ['Infinity', { x: 0, y: 0, width: Number.POSITIVE_INFINITY, height: 800 }],
    ['huge', { x: 0, y: 0, width: 1e9, height: 1e9 }],
    ['negative size', { x: 0, y: 0, width: -5, height: 800 }],
    ['zero size', { width: 0, height: 0 }],
    ['strings', { x: '10', y: '10', width: '1280', height: '820' }],
    ['null', null],
    ['an array', [0, 0, 1280, 820]],
    ['missing', undefined],
    ['a sliver at the edge', { x: 1915, y: 1035, width: 1280, height: 820 }],
  ];
  for (const [what, saved] of absurd) {
    it(`falls back to the centred default size when ${what}`, () => {
      expect(placeWindow(saved, [fullHd])).toEqual(centredDefault);
    });
  }

  it('shrinks the default and oversized windows to the work area, inside the display', () => {
    const small = { x: 0, y: 0, width: 1024, height: 700 };
    expect(placeWindow(undefined, [small])).toEqual({ width: 1024, height: 700 });
    expect(placeWindow({ x: 500, y: 300, width: 3000, height: 2000 }, [fullHd])).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
    expect(placeWindow({ x: 1000, y: 500, width: 1280, height: 820 }, [fullHd])).toEqual({ x: 640, y: 220, width: 1280, height: 820 });
    expect(placeWindow({ width: 1500, height: 900 }, [small])).toEqual({ width: 1024, height: 700 });
  });

  it('works with no displays reported', () => {
    expect(placeWindow({ x: 10, y: 10, width: 1280, height: 820 }, [])).toEqual(centredDefault);
  });

  it('parses, rounding fractions and dropping a lone coordinate', () => {
    expect(parseWindowBounds({ x: 10.4, y: 20.6, width: 1000.5, height: 700 })).toEqual({ x: 10, y: 21, width: 1001, height: 700 });
    expect(parseWindowBounds({ x: 10, width: 1000, height: 700 })).toEqual({ width: 1000, height: 700 });
  });
});

describe('keychain service name', () => {
  it('is BrokerVault unless an unpackaged run names its own', () => {
    expect(keychainServiceName({ isPackaged: false, env: {} })).toBe('BrokerVault');
    expect(keychainServiceName({ isPackaged: false, env: { BROKERVAULT_KEYCHAIN_SERVICE: 'BrokerVault-test-123' } })).toBe('BrokerVault-test-123');
  });
  it('ignores the variable in a packaged app', () => {
    expect(keychainServiceName({ isPackaged: true, env: { BROKERVAULT_KEYCHAIN_SERVICE: 'Other' } })).toBe('BrokerVault');
  });
  it('ignores an empty or odd name', () => {
    expect(keychainServiceName({ isPackaged: false, env: { BROKERVAULT_KEYCHAIN_SERVICE: '  ' } })).toBe('BrokerVault');
    expect(keychainServiceName({ isPackaged: false, env: { BROKERVAULT_KEYCHAIN_SERVICE: 'a\nb' } })).toBe('BrokerVault');
  });
});

describe('quitting', () => {
  function fakeApp() {
    const app = new EventEmitter() as EventEmitter & { quit: () => void };
    app.quit = vi.fn(() => {
      app.emit('before-quit');
      app.emit('will-quit');
    });
    return app;
  }

  it('closes the services once on Cmd+Q (no window-all-closed), and once when the last window closes', () => {
    const app = fakeApp();
    const close = vi.fn();
    const closed = vi.fn();
    const lifecycle = new ShellLifecycle(app, closed);
    lifecycle.attach({ close });
    app.emit('before-quit');
    expect(close).not.toHaveBeenCalled();
    app.emit('will-quit');
    app.emit('window-all-closed');
    app.emit('will-quit');
    expect(close).toHaveBeenCalledOnce();
    expect(closed).toHaveBeenCalledOnce();
  });

  it('closing the last window quits', () => {
    const app = fakeApp();
    const close = vi.fn();
    new ShellLifecycle(app).attach({ close });
    app.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalledOnce();
    expect(close).toHaveBeenCalledOnce();
  });

  it('services that finish opening after quit began are closed at once', () => {
    const app = fakeApp();
    const lifecycle = new ShellLifecycle(app);
    app.emit('will-quit');
    const close = vi.fn();
    lifecycle.attach({ close });
    expect(lifecycle.isQuitting).toBe(true);
    expect(close).toHaveBeenCalledOnce();
  });
});

describe('start-up failure text', () => {
  const where = { dataDir: '/home/t/.config/BrokerVault', logFile: '/home/t/.config/BrokerVault/logs/main.log' };
  const errno = (code: string) => Object.assign(new Error(`${code}: internal text`), { code });
  const cases: [string, unknown, RegExp][] = [
    ['a damaged database', new DatabaseDamagedError('/d/brokervault.sqlite'), /damaged.*has not changed or deleted it/s],
    ['a newer database', new NewerSchemaError(99), /newer version of BrokerVault/],
    ['a failed migration', new DatabaseMigrationError({ cause: new Error('SQL logic error') }), /could not update its database.*rolled back/s],
    ['a full disk', errno('ENOSPC'), /is full/],
    ['SQLite full', errno('SQLITE_FULL'), /is full/],
    ['an unwritable folder', errno('EACCES'), /cannot write to its data folder/],
    ['a read-only disk', errno('EROFS'), /cannot write to its data folder/],
    ['a file where the folder should be', errno('ENOTDIR'), /cannot write to its data folder/],
    ['SQLite read-only', errno('SQLITE_READONLY_DBMOVED'), /cannot write to its data folder/],
    ['a disk error wrapped in a cause', new Error('x', { cause: errno('SQLITE_IOERR_WRITE') }), /read or write error/],
    ['anything else', new Error('TypeError: secret-ish internals'), /Something went wrong/],
  ];
  for (const [what, error, expected] of cases) {
    it(`explains ${what} in BrokerVault's words, with the log path`, () => {
      const text = describeStartupFailure(error, where);
      expect(text.title).toBe('BrokerVault could not start');
      expect(text.message).toMatch(expected);
      expect(text.message).toContain(`Details are in the log: ${where.logFile}`);
      expect(text.message).not.toMatch(/internal text|internals|SQL logic/);
    });
  }
  it('says so when no log could be written', () => {
    expect(describeStartupFailure(new Error('x'), { ...where, logFile: null }).message).toMatch(/could not write a log file either/);
  });
});

describe('start-up log', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const tmp = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-startlog-'));
    dirs.push(dir);
    return dir;
  };

  it('writes to <dataDir>/logs/main.log', () => {
    const dataDir = tmp();
    const log = openStartupLog(dataDir, []);
    log.sink.write('hello');
    expect(log.file).toBe(path.join(dataDir, 'logs', 'main.log'));
    expect(fs.readFileSync(log.file!, 'utf8')).toBe('hello\n');
  });

  it('falls back when the data folder cannot be written, and says where', () => {
    const blocker = path.join(tmp(), 'a-file');
    fs.writeFileSync(blocker, 'x');
    const fallback = tmp();
    const log = openStartupLog(path.join(blocker, 'BrokerVault'), [path.join(blocker, 'logs'), fallback]);
    expect(log.file).toBe(path.join(fallback, 'main.log'));
    log.sink.write('still here');
    expect(fs.readFileSync(log.file!, 'utf8')).toBe('still here\n');
  });

  it('reports no file when nothing can be written', () => {
    const blocker = path.join(tmp(), 'a-file');
    fs.writeFileSync(blocker, 'x');
    const log = openStartupLog(path.join(blocker, 'x'), [path.join(blocker, 'y')]);
    expect(log.file).toBeNull();
    expect(() => log.sink.write('dropped')).not.toThrow();
  });
});
