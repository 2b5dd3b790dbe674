import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RebuildOptions } from '@electron/rebuild';
import { describe, expect, it } from 'vitest';
import { cachedSqliteAddon, electronNativeStamp } from '../../src/main/electron/native-binding';
import {
  PrepareError,
  SKIP_DOWNLOAD_SENTENCE,
  electronExecutablePath,
  ensureElectronBinary,
  ensureElectronSqlite,
  installArch,
  installFailedSentence,
  isElectronInstalled,
  locateElectronPackage,
  packagedAddonSource,
  rebuildFailedSentence,
  stageForPackaging,
  type Env,
  type InstallerRunner,
} from '../../scripts/electron-native';
import { tempDir } from '../support/graph';

const require = createRequire(import.meta.url);
const REPO = path.resolve(import.meta.dirname, '../..');
const SQLITE_PACKAGE = path.dirname(require.resolve('better-sqlite3/package.json'));
const NODE_BUILD = path.join(SQLITE_PACKAGE, 'build', 'Release', 'better_sqlite3.node');
const VERSION = '45.4.1';
const PLATFORM = process.platform;
const EXECUTABLE = electronExecutablePath(PLATFORM);
const TARGET = { electronVersion: VERSION, platform: PLATFORM, arch: process.arch };

const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A project folder with a stand-in electron package; its install.js is the "installer" the script must use. */
function fakeProject(installJs = 'process.exit(1);'): { root: string; electronDir: string } {
  const root = tempDir('bv-prepare-');
  const electronDir = path.join(root, 'node_modules', 'electron');
  fs.mkdirSync(electronDir, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'fake-app', private: true }));
  fs.writeFileSync(path.join(electronDir, 'package.json'), JSON.stringify({ name: 'electron', version: VERSION, main: 'index.js' }));
  fs.writeFileSync(path.join(electronDir, 'install.js'), installJs);
  return { root, electronDir };
}

/** What the electron package's install.js leaves behind on success. */
function placeBinary(electronDir: string, version = VERSION): void {
  const executable = path.join(electronDir, 'dist', EXECUTABLE);
  fs.mkdirSync(path.dirname(executable), { recursive: true });
  fs.writeFileSync(executable, 'binary');
  fs.writeFileSync(path.join(electronDir, 'dist', 'version'), `v${version}`);
  fs.writeFileSync(path.join(electronDir, 'path.txt'), EXECUTABLE);
}

function recordingInstaller(onRun: (script: string) => boolean): { runs: string[]; run: InstallerRunner } {
  const runs: string[] = [];
  return { runs, run: (script) => (runs.push(script), { ok: onRun(script), output: 'Error: getaddrinfo ENOTFOUND\n    at download (stack)' }) };
}

describe("Electron's binary, through the electron package's own installer", () => {
  it('present (right version, path.txt, executable): the installer is not run', () => {
    const { root, electronDir } = fakeProject();
    placeBinary(electronDir);
    const installer = recordingInstaller(() => true);
    const pkg = locateElectronPackage(root);
    expect(ensureElectronBinary({ projectRoot: root, pkg, env: {}, platform: PLATFORM, runInstaller: installer.run })).toEqual({ installed: false });
    expect(installer.runs).toEqual([]);
  });

  it("missing: the package's install.js runs, and its result is checked", () => {
    const { root, electronDir } = fakeProject();
    const installer = recordingInstaller(() => (placeBinary(electronDir), true));
    const pkg = locateElectronPackage(root);
    expect(ensureElectronBinary({ projectRoot: root, pkg, env: {}, platform: PLATFORM, runInstaller: installer.run })).toEqual({ installed: true });
    expect(installer.runs).toEqual([path.join(fs.realpathSync(electronDir), 'install.js')]);
    expect(isElectronInstalled(pkg, {}, PLATFORM)).toBe(true);
  });

  it('a binary of another Electron version counts as missing, as in install.js', () => {
    const { root, electronDir } = fakeProject();
    placeBinary(electronDir, '44.0.0');
    expect(isElectronInstalled(locateElectronPackage(root), {}, PLATFORM)).toBe(false);
  });

  it('ELECTRON_OVERRIDE_DIST_PATH: the executable is looked for there', () => {
    const { root, electronDir } = fakeProject();
    placeBinary(electronDir);
    const pkg = locateElectronPackage(root);
    expect(isElectronInstalled(pkg, { ELECTRON_OVERRIDE_DIST_PATH: tempDir() }, PLATFORM)).toBe(false);
    expect(isElectronInstalled(pkg, { ELECTRON_OVERRIDE_DIST_PATH: path.join(electronDir, 'dist') }, PLATFORM)).toBe(true);
  });

  it('ELECTRON_SKIP_BINARY_DOWNLOAD and no binary: the one sentence, and no download is tried', () => {
    const { root } = fakeProject();
    const installer = recordingInstaller(() => true);
    const pkg = locateElectronPackage(root);
    for (const value of ['1', 'true']) {
      const run = () =>
        ensureElectronBinary({ projectRoot: root, pkg, env: { ELECTRON_SKIP_BINARY_DOWNLOAD: value }, platform: PLATFORM, runInstaller: installer.run });
      expect(run).toThrow(PrepareError);
      expect(run).toThrow(SKIP_DOWNLOAD_SENTENCE);
    }
    expect(installer.runs).toEqual([]);
    // 0 / false do not skip.
    expect(() =>
      ensureElectronBinary({ projectRoot: root, pkg, env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '0' }, platform: PLATFORM, runInstaller: installer.run }),
    ).toThrow(installFailedSentence(path.join('.cache', 'electron-install.log')));
  });

  it("failing installer (offline): the one sentence; the installer's own output goes to a log file", () => {
    const { root } = fakeProject();
    const installer = recordingInstaller(() => false);
    const run = () => ensureElectronBinary({ projectRoot: root, pkg: locateElectronPackage(root), env: {}, platform: PLATFORM, runInstaller: installer.run });
    expect(run).toThrow(installFailedSentence(path.join('.cache', 'electron-install.log')));
    expect(fs.readFileSync(path.join(root, '.cache', 'electron-install.log'), 'utf8')).toContain('ENOTFOUND');
  });

  it('an installer that exits 0 without a binary is a failure too', () => {
    const { root } = fakeProject();
    const installer = recordingInstaller(() => true);
    expect(() =>
      ensureElectronBinary({ projectRoot: root, pkg: locateElectronPackage(root), env: {}, platform: PLATFORM, runInstaller: installer.run }),
    ).toThrow(PrepareError);
  });

  it('the arch follows install.js: Rosetta on a Mac gets arm64, an explicit npm_config_arch wins', () => {
    const rosetta = () => true;
    expect(installArch({}, 'darwin', 'darwin', 'x64', rosetta)).toBe('arm64');
    expect(installArch({ npm_config_arch: 'x64' }, 'darwin', 'darwin', 'x64', rosetta)).toBe('x64');
    expect(installArch({ ELECTRON_INSTALL_ARCH: 'arm64' }, 'linux', 'linux', 'x64', rosetta)).toBe('arm64');
    expect(installArch({}, 'linux', 'linux', 'x64', rosetta)).toBe('x64');
  });
});

/** Stands in for @electron/rebuild: records its options and writes what node-gyp would, in the staging copy. */
function fakeRebuild(output: Buffer | null = Buffer.from('electron-abi-150 addon')): {
  calls: RebuildOptions[];
  staged: string[][];
  rebuild: (options: RebuildOptions) => Promise<void>;
} {
  const calls: RebuildOptions[] = [];
  const staged: string[][] = [];
  return {
    calls,
    staged,
    rebuild: async (options) => {
      calls.push(options);
      const modulePath = path.join(options.buildPath, 'node_modules', 'better-sqlite3');
      staged.push(fs.readdirSync(modulePath).sort());
      if (output) {
        fs.mkdirSync(path.join(modulePath, 'build', 'Release'), { recursive: true });
        fs.writeFileSync(path.join(modulePath, 'build', 'Release', 'better_sqlite3.node'), output);
      }
    },
  };
}

describe("better-sqlite3's Electron build in the stamped cache", () => {
  it('built once from a staging copy, never in node_modules, whose Node build keeps its bytes', async () => {
    const before = sha256(NODE_BUILD);
    const root = tempDir('bv-native-');
    const fake = fakeRebuild();
    const result = await ensureElectronSqlite({ projectRoot: root, target: TARGET, sqlitePackageDir: SQLITE_PACKAGE, rebuild: fake.rebuild });

    expect(result).toEqual({ addon: cachedSqliteAddon(root, TARGET), built: true });
    expect(result.addon).toBe(path.join(root, '.cache', 'electron-native', `electron-${VERSION}-${PLATFORM}-${process.arch}`, 'better_sqlite3.node'));
    expect(fs.readFileSync(result.addon, 'utf8')).toBe('electron-abi-150 addon');
    const [options] = fake.calls;
    expect(options).toMatchObject({ electronVersion: VERSION, platform: PLATFORM, arch: process.arch, onlyModules: ['better-sqlite3'], force: true });
    // The rebuild's module search is fenced to the staging folder, which is not node_modules' package.
    expect(options!.projectRootPath).toBe(options!.buildPath);
    expect(options!.buildPath.startsWith(path.join(root, '.cache', 'electron-native'))).toBe(true);
    // The staged copy is the package's sources without its Node build.
    expect(fake.staged[0]).toEqual(expect.arrayContaining(['binding.gyp', 'deps', 'lib', 'package.json', 'src']));
    expect(fake.staged[0]).not.toContain('build');
    // Staging is cleaned up; node_modules' Node build is byte-for-byte what it was, and still loads.
    expect(fs.existsSync(options!.buildPath)).toBe(false);
    expect(sha256(NODE_BUILD)).toBe(before);
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    expect(new Database(':memory:').prepare('select 1 as one').get()).toEqual({ one: 1 });
  });

  it('reused while the stamp matches; rebuilt when better-sqlite3 changes under it', async () => {
    const root = tempDir('bv-native-');
    const first = fakeRebuild(Buffer.from('first'));
    await ensureElectronSqlite({ projectRoot: root, target: TARGET, sqlitePackageDir: SQLITE_PACKAGE, rebuild: first.rebuild });
    const again = fakeRebuild(Buffer.from('second'));
    const reused = await ensureElectronSqlite({ projectRoot: root, target: TARGET, sqlitePackageDir: SQLITE_PACKAGE, rebuild: again.rebuild });
    expect(reused.built).toBe(false);
    expect(again.calls).toHaveLength(0);
    expect(fs.readFileSync(reused.addon, 'utf8')).toBe('first');

    const stampFile = path.join(path.dirname(reused.addon), 'stamp.json');
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as Record<string, string>;
    expect(stamp).toMatchObject({ ...TARGET, betterSqlite3: (require('better-sqlite3/package.json') as { version: string }).version });
    fs.writeFileSync(stampFile, JSON.stringify({ ...stamp, betterSqlite3: '1.0.0' }));
    const rebuilt = await ensureElectronSqlite({ projectRoot: root, target: TARGET, sqlitePackageDir: SQLITE_PACKAGE, rebuild: again.rebuild });
    expect(rebuilt.built).toBe(true);
    expect(fs.readFileSync(rebuilt.addon, 'utf8')).toBe('second');
  });

  it('each Electron version and arch has its own folder, side by side', async () => {
    const root = tempDir('bv-native-');
    const fake = fakeRebuild();
    const arm = await ensureElectronSqlite({
      projectRoot: root,
      target: { ...TARGET, arch: 'arm64' },
      sqlitePackageDir: SQLITE_PACKAGE,
      rebuild: fake.rebuild,
    });
    const next = await ensureElectronSqlite({
      projectRoot: root,
      target: { ...TARGET, electronVersion: '46.0.0' },
      sqlitePackageDir: SQLITE_PACKAGE,
      rebuild: fake.rebuild,
    });
    expect(fake.calls.map((call) => [call.electronVersion, call.arch])).toEqual([
      [VERSION, 'arm64'],
      ['46.0.0', process.arch],
    ]);
    expect(fs.readdirSync(path.join(root, '.cache', 'electron-native')).sort()).toEqual(
      [electronNativeStamp({ ...TARGET, arch: 'arm64' }), electronNativeStamp({ ...TARGET, electronVersion: '46.0.0' })].sort(),
    );
    expect(fs.existsSync(arm.addon) && fs.existsSync(next.addon)).toBe(true);
  });

  it('a failed build: the one sentence, the output in a log file, and no stamp left behind', async () => {
    const root = tempDir('bv-native-');
    const failing = async () => {
      throw new Error('node-gyp failed to rebuild: gyp ERR! find Python');
    };
    const logFile = path.join('.cache', 'electron-rebuild.log');
    await expect(ensureElectronSqlite({ projectRoot: root, target: TARGET, sqlitePackageDir: SQLITE_PACKAGE, rebuild: failing })).rejects.toThrow(
      rebuildFailedSentence(TARGET, logFile),
    );
    expect(fs.readFileSync(path.join(root, logFile), 'utf8')).toContain('gyp ERR! find Python');
    expect(fs.existsSync(cachedSqliteAddon(root, TARGET))).toBe(false);

    const silent = fakeRebuild(null);
    await expect(ensureElectronSqlite({ projectRoot: root, target: TARGET, sqlitePackageDir: SQLITE_PACKAGE, rebuild: silent.rebuild })).rejects.toThrow(
      PrepareError,
    );
    expect(fs.existsSync(cachedSqliteAddon(root, TARGET))).toBe(false);
  });

  it("packaging: the target arch's build is staged where extraResources takes it", async () => {
    const root = tempDir('bv-native-');
    const { addon } = await ensureElectronSqlite({
      projectRoot: root,
      target: { ...TARGET, arch: 'arm64' },
      sqlitePackageDir: SQLITE_PACKAGE,
      rebuild: fakeRebuild().rebuild,
    });
    const staged = stageForPackaging(root, addon, 'arm64');
    expect(staged).toBe(packagedAddonSource(root, 'arm64'));
    expect(path.relative(root, staged).split(path.sep).join('/')).toBe('.cache/electron-native/package/arm64/better_sqlite3.node');
    expect(fs.readFileSync(staged)).toEqual(fs.readFileSync(addon));
  });
});

describe('the prepare script as npm runs it (child process, stand-in electron package)', () => {
  const script = path.join(REPO, 'scripts', 'prepare-electron.ts');
  const tsx = require.resolve('tsx/cli');
  const cleanEnv = (extra: Env = {}): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
    for (const key of ['ELECTRON_OVERRIDE_DIST_PATH', 'ELECTRON_INSTALL_PLATFORM', 'ELECTRON_INSTALL_ARCH', 'npm_config_arch', 'npm_config_platform'])
      delete env[key];
    if (!('ELECTRON_SKIP_BINARY_DOWNLOAD' in extra)) delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
    return env;
  };
  const run = (root: string, env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [tsx, script, '--root', root], { env, encoding: 'utf8' });
  // The stand-in installer counts its runs in a file and can fail like an offline download does.
  const installer = (outcome: 'fail' | 'install') => `
    const fs = require('fs'), path = require('path');
    fs.appendFileSync(path.join(__dirname, 'runs'), 'run\\n');
    ${outcome === 'fail' ? "console.error(new Error('getaddrinfo ENOTFOUND github.com').stack); process.exit(1);" : ''}
    fs.mkdirSync(path.join(__dirname, 'dist', path.dirname(${JSON.stringify(EXECUTABLE)})), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'dist', ${JSON.stringify(EXECUTABLE)}), 'binary');
    fs.writeFileSync(path.join(__dirname, 'dist', 'version'), 'v${VERSION}');
    fs.writeFileSync(path.join(__dirname, 'path.txt'), ${JSON.stringify(EXECUTABLE)});`;
  const runs = (electronDir: string): number =>
    fs.existsSync(path.join(electronDir, 'runs')) ? fs.readFileSync(path.join(electronDir, 'runs'), 'utf8').split('\n').filter(Boolean).length : 0;

  it('ELECTRON_SKIP_BINARY_DOWNLOAD=1: exactly one sentence on stderr, exit 1, installer never run', () => {
    const { root, electronDir } = fakeProject(installer('install'));
    const result = run(root, cleanEnv({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }));
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${SKIP_DOWNLOAD_SENTENCE}\n`);
    expect(runs(electronDir)).toBe(0);
  });

  it('offline (the installer fails): exactly one sentence on stderr, exit 1, the stack only in the log', () => {
    const { root, electronDir } = fakeProject(installer('fail'));
    const result = run(root, cleanEnv());
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${installFailedSentence(path.join('.cache', 'electron-install.log'))}\n`);
    expect(result.stderr).not.toContain('ENOTFOUND');
    expect(fs.readFileSync(path.join(root, '.cache', 'electron-install.log'), 'utf8')).toContain('ENOTFOUND');
    expect(runs(electronDir)).toBe(1);
  });

  it('missing binary: installed through install.js; then present: not run again (cached better-sqlite3 reused)', () => {
    const { root, electronDir } = fakeProject(installer('install'));
    // A stand-in better-sqlite3 whose Electron build is already in the cache, so no real rebuild runs here.
    const sqliteDir = path.join(root, 'node_modules', 'better-sqlite3');
    fs.mkdirSync(sqliteDir, { recursive: true });
    fs.writeFileSync(path.join(sqliteDir, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.0.0' }));
    const addon = cachedSqliteAddon(root, TARGET);
    fs.mkdirSync(path.dirname(addon), { recursive: true });
    fs.writeFileSync(addon, 'cached');
    fs.writeFileSync(path.join(path.dirname(addon), 'stamp.json'), JSON.stringify({ ...TARGET, betterSqlite3: '12.0.0' }));

    const first = run(root, cleanEnv());
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(runs(electronDir)).toBe(1);
    expect(fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8')).toBe(EXECUTABLE);

    const second = run(root, cleanEnv());
    expect(second.status).toBe(0);
    expect(second.stdout).toBe('');
    expect(runs(electronDir)).toBe(1);
    expect(fs.readFileSync(addon, 'utf8')).toBe('cached');
  });
});
