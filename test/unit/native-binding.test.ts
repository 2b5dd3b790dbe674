import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedSqliteAddon, electronNativeStamp, sqliteNativeBinding, type NativeBindingContext } from '../../src/main/electron/native-binding';
import { openDatabase } from '../../src/main/store/db';
import { makeGraph, tempDir, type TestGraph } from '../support/graph';

const require = createRequire(import.meta.url);
/** node_modules' own build of better-sqlite3: the one plain Node (and so every test) loads. */
const NODE_BUILD = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

const electron = (overrides: Partial<NativeBindingContext> = {}): NativeBindingContext => ({
  isPackaged: false,
  resourcesPath: '/apps/BrokerVault/resources',
  appPath: '/home/trader/brokervault',
  versions: { node: '22.20.0', electron: '45.4.1' },
  platform: 'linux',
  arch: 'x64',
  exists: () => true,
  ...overrides,
});

describe('which better-sqlite3 build main loads', () => {
  it('the stamp names Electron version, platform and arch', () => {
    expect(electronNativeStamp({ electronVersion: '45.4.1', platform: 'darwin', arch: 'arm64' })).toBe('electron-45.4.1-darwin-arm64');
    expect(electronNativeStamp({ electronVersion: 'v45.4.1', platform: 'win32', arch: 'x64' })).toBe('electron-45.4.1-win32-x64');
  });

  it('a stamp part that could leave the cache folder is refused', () => {
    expect(() => electronNativeStamp({ electronVersion: '../45', platform: 'linux', arch: 'x64' })).toThrow(/Invalid electronVersion/);
    expect(() => electronNativeStamp({ electronVersion: '45.4.1', platform: 'linux/../x', arch: 'x64' })).toThrow(/Invalid platform/);
  });

  it('packaged: the copy packaging put under process.resourcesPath', () => {
    expect(sqliteNativeBinding(electron({ isPackaged: true }))).toBe(path.join('/apps/BrokerVault/resources', 'native', 'better_sqlite3.node'));
  });

  it('packaged but the file is gone: says to reinstall', () => {
    expect(() => sqliteNativeBinding(electron({ isPackaged: true, exists: () => false }))).toThrow(/reinstall BrokerVault/);
  });

  it('unpackaged Electron: the stamped cache build for its own version, platform and arch', () => {
    const seen: string[] = [];
    const chosen = sqliteNativeBinding(electron({ platform: 'darwin', arch: 'arm64', exists: (file) => (seen.push(file), true) }));
    expect(chosen).toBe(path.join('/home/trader/brokervault', '.cache', 'electron-native', 'electron-45.4.1-darwin-arm64', 'better_sqlite3.node'));
    expect(chosen).toBe(cachedSqliteAddon('/home/trader/brokervault', { electronVersion: '45.4.1', platform: 'darwin', arch: 'arm64' }));
    expect(seen).toEqual([chosen]);
  });

  it('unpackaged Electron without the cache build: says to run npm start (the prepare script) again', () => {
    expect(() => sqliteNativeBinding(electron({ exists: () => false }))).toThrow(
      /missing at .*electron-45\.4\.1-linux-x64.*run `npm start` again.*npm run electron:prepare/,
    );
  });

  it('plain Node: undefined, so better-sqlite3 loads its own Node build', () => {
    expect(sqliteNativeBinding(electron({ versions: { node: '22.20.0' }, exists: () => false }))).toBeUndefined();
    expect(
      sqliteNativeBinding({ isPackaged: false, appPath: process.cwd(), versions: process.versions, platform: process.platform, arch: process.arch }),
    ).toBeUndefined();
  });
});

describe('openDatabase with an explicit nativeBinding', () => {
  let graph: TestGraph | undefined;
  afterEach(() => graph?.close());

  it('loads the addon from the given path and migrates as usual', () => {
    expect(fs.existsSync(NODE_BUILD)).toBe(true);
    const db = openDatabase(tempDir(), { nativeBinding: NODE_BUILD });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });

  it('really uses the option: a path with no addon fails to open', () => {
    const missing = path.join(tempDir(), 'better_sqlite3.node');
    expect(() => openDatabase(tempDir(), { nativeBinding: missing })).toThrow(/better_sqlite3\.node/);
  });

  it('createServices passes sqliteNativeBinding through to the database', async () => {
    graph = await makeGraph({ sqliteNativeBinding: NODE_BUILD });
    expect(graph.services.db.pragma('journal_mode', { simple: true })).toBe('wal');
    await expect(makeGraph({ sqliteNativeBinding: path.join(tempDir(), 'better_sqlite3.node') })).rejects.toThrow(/better_sqlite3\.node/);
  });
});
