/**
 * What `npm start` / `npm run dev` / packaging need before Electron can run BrokerVault:
 * 1. Electron's binary, installed by the electron package's own installer (since Electron 42 it downloads lazily,
 *    and electron-vite only reads node_modules/electron/path.txt, which nothing else writes);
 * 2. better-sqlite3 built for Electron's ABI, in a cache folder stamped by Electron version, platform and arch.
 *    node_modules keeps its Node build for the tests: the Electron build is made in a staging copy.
 * Every outside effect (installer, rebuild, rosetta probe) is injected so the tests run under plain Node.
 */
import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RebuildOptions } from '@electron/rebuild';
import { ELECTRON_NATIVE_CACHE, SQLITE_ADDON_FILE, cachedSqliteAddon, electronNativeStamp, type ElectronTarget } from '../src/main/electron/native-binding';

/** A failure the trader can act on: `sentence` is the one plain sentence the CLI prints. */
export class PrepareError extends Error {
  constructor(readonly sentence: string) {
    super(sentence);
    this.name = 'PrepareError';
  }
}

export type Env = Record<string, string | undefined>;
export type Log = (line: string) => void;

export interface ElectronPackage {
  dir: string;
  version: string;
}

/** The electron package as the project resolves it. */
export function locateElectronPackage(projectRoot: string): ElectronPackage {
  const require = createRequire(path.join(projectRoot, 'package.json'));
  let manifest: string;
  try {
    manifest = require.resolve('electron/package.json');
  } catch {
    throw new PrepareError('The electron package is not installed, so BrokerVault cannot start: run `npm install` first.');
  }
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: path.dirname(manifest), version };
}

/** The platform the electron installer downloads for (the same variables its install.js reads). */
export function installPlatform(env: Env, hostPlatform: string): string {
  return env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || hostPlatform;
}

/**
 * The arch the electron installer downloads for, mirroring its install.js: x64 Node on an Apple Silicon Mac
 * (Rosetta) still gets the arm64 Electron, so the better-sqlite3 build must be arm64 too.
 */
export function installArch(env: Env, platform: string, hostPlatform: string, hostArch: string, underRosetta: () => boolean): string {
  const arch = env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || hostArch;
  if (platform === 'darwin' && hostPlatform === 'darwin' && arch === 'x64' && env.npm_config_arch === undefined && underRosetta()) return 'arm64';
  return arch;
}

export function detectRosetta(): boolean {
  try {
    return (
      execSync('sysctl -in sysctl.proc_translated', { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() === '1'
    );
  } catch {
    return false;
  }
}

/** The executable inside dist/, as the electron package's install.js writes it to path.txt. */
export function electronExecutablePath(platform: string): string {
  switch (platform) {
    case 'mas':
    case 'darwin':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'freebsd':
    case 'openbsd':
    case 'linux':
      return 'electron';
    case 'win32':
      return 'electron.exe';
    default:
      throw new PrepareError(`Electron does not run on ${platform}, so BrokerVault cannot start there: use Linux, macOS or Windows.`);
  }
}

/** The same test as the electron package's install.js isInstalled(): right version, path.txt, executable present. */
export function isElectronInstalled(pkg: ElectronPackage, env: Env, platform: string): boolean {
  const executable = electronExecutablePath(platform);
  try {
    if (
      fs
        .readFileSync(path.join(pkg.dir, 'dist', 'version'), 'utf8')
        .trim()
        .replace(/^v/, '') !== pkg.version
    )
      return false;
    if (fs.readFileSync(path.join(pkg.dir, 'path.txt'), 'utf8') !== executable) return false;
  } catch {
    return false;
  }
  return fs.existsSync(env.ELECTRON_OVERRIDE_DIST_PATH ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable) : path.join(pkg.dir, 'dist', executable));
}

/** ELECTRON_SKIP_BINARY_DOWNLOAD set to anything but empty, 0 or false. */
export function skipsBinaryDownload(env: Env): boolean {
  const value = env.ELECTRON_SKIP_BINARY_DOWNLOAD?.trim().toLowerCase();
  return Boolean(value) && value !== '0' && value !== 'false';
}

export interface InstallerResult {
  ok: boolean;
  /** The installer's own output, kept in a log file rather than shown (the trader gets one sentence). */
  output: string;
}
export type InstallerRunner = (installScript: string, env: Env) => InstallerResult;

/** Runs the electron package's own installer, exactly as its index.js does on first use. */
export const runElectronInstaller: InstallerRunner = (installScript, env) => {
  const result = spawnSync(process.execPath, [installScript], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
};

export interface EnsureBinaryOptions {
  projectRoot: string;
  pkg: ElectronPackage;
  env: Env;
  platform: string;
  runInstaller?: InstallerRunner;
  log?: Log;
}

export const SKIP_DOWNLOAD_SENTENCE =
  "Electron's binary is not installed and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so the desktop app cannot start here: unset ELECTRON_SKIP_BINARY_DOWNLOAD and run `npm start` again on a machine with internet access (`npm test` and `npm run bridge` work without it).";

export function installFailedSentence(logFile: string): string {
  return `Electron's binary could not be downloaded (offline, or the download is blocked), so the desktop app cannot start: connect to the internet (or set ELECTRON_MIRROR or a proxy) and run \`npm start\` again; the installer's output is in ${logFile}.`;
}

/** Makes sure Electron's binary is there; returns whether it had to be installed. */
export function ensureElectronBinary(options: EnsureBinaryOptions): { installed: boolean } {
  const { pkg, env, platform } = options;
  if (isElectronInstalled(pkg, env, platform)) return { installed: false };
  if (skipsBinaryDownload(env)) throw new PrepareError(SKIP_DOWNLOAD_SENTENCE);
  options.log?.(`Downloading Electron ${pkg.version} (first start only)…`);
  const result = (options.runInstaller ?? runElectronInstaller)(path.join(pkg.dir, 'install.js'), env);
  if (!result.ok || !isElectronInstalled(pkg, env, platform)) {
    const logFile = writeLog(options.projectRoot, 'electron-install.log', result.output);
    throw new PrepareError(installFailedSentence(logFile));
  }
  return { installed: true };
}

export type Rebuild = (options: RebuildOptions) => Promise<void>;

/**
 * @electron/rebuild, loaded only when a build is needed. Its node-gyp child inherits process.env and prints its
 * output with console.error: the output is collected into the error (for the log file), not shown.
 */
export const electronRebuild: Rebuild = async (options) => {
  const { rebuild } = await import('@electron/rebuild');
  // node-gyp would take npm_config_nodedir (Node's headers) over Electron's and build for the wrong ABI.
  const nodedirKeys = Object.keys(process.env).filter((key) => key.toLowerCase() === 'npm_config_nodedir');
  const saved = nodedirKeys.map((key) => [key, process.env[key]] as const);
  for (const key of nodedirKeys) delete process.env[key];
  const output: string[] = [];
  const original = { log: console.log, error: console.error };
  console.log = console.error = (...parts: unknown[]) => void output.push(parts.map(String).join(' '));
  try {
    await rebuild(options);
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${output.join('\n')}`, { cause: error });
  } finally {
    Object.assign(console, original);
    for (const [key, value] of saved) process.env[key] = value;
  }
};

export interface EnsureSqliteOptions {
  projectRoot: string;
  target: ElectronTarget;
  /** better-sqlite3's package folder (default: the one the project resolves). Read, never written. */
  sqlitePackageDir?: string;
  rebuild?: Rebuild;
  log?: Log;
}

interface Stamp extends ElectronTarget {
  betterSqlite3: string;
}

export function rebuildFailedSentence(target: ElectronTarget, logFile: string): string {
  return `better-sqlite3 could not be built for Electron ${target.electronVersion} (${target.platform}-${target.arch}), so the desktop app cannot start: check the internet connection and the build tools in the README's prerequisites, then run \`npm start\` again; the build output is in ${logFile}.`;
}

/**
 * Returns the Electron build of better-sqlite3 for the target, building it once into the stamped cache folder.
 * The build runs on a staging copy of the package, so node_modules/better-sqlite3 keeps its Node build.
 */
export async function ensureElectronSqlite(options: EnsureSqliteOptions): Promise<{ addon: string; built: boolean }> {
  const { projectRoot, target } = options;
  const sourceDir = options.sqlitePackageDir ?? path.dirname(createRequire(path.join(projectRoot, 'package.json')).resolve('better-sqlite3/package.json'));
  const { version: sqliteVersion } = JSON.parse(fs.readFileSync(path.join(sourceDir, 'package.json'), 'utf8')) as { version: string };
  const stamp: Stamp = { ...target, betterSqlite3: sqliteVersion };
  const addon = cachedSqliteAddon(projectRoot, target);
  const stampDir = path.dirname(addon);
  const stampFile = path.join(stampDir, 'stamp.json');
  if (fs.existsSync(addon) && readJson(stampFile) === JSON.stringify(stamp)) return { addon, built: false };

  const cacheRoot = path.join(projectRoot, ELECTRON_NATIVE_CACHE);
  const name = electronNativeStamp(target);
  const staging = path.join(cacheRoot, `staging-${name}`);
  const stagedPackage = path.join(staging, 'node_modules', 'better-sqlite3');
  fs.rmSync(staging, { recursive: true, force: true });
  // The copy leaves out the Node build (and anything nested), so nothing the rebuild does can reach node_modules.
  const skipped = new Set([path.join(sourceDir, 'build'), path.join(sourceDir, 'node_modules')]);
  fs.cpSync(sourceDir, stagedPackage, { recursive: true, dereference: true, filter: (source) => !skipped.has(source) });
  fs.writeFileSync(
    path.join(staging, 'package.json'),
    JSON.stringify({ name: 'brokervault-electron-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }),
  );

  options.log?.(`Building better-sqlite3 for Electron ${target.electronVersion} (${target.platform}-${target.arch}); this happens once per Electron version…`);
  try {
    await (options.rebuild ?? electronRebuild)({
      buildPath: staging,
      // Stop @electron/rebuild's module search at the staging folder: it must never find node_modules' copy.
      projectRootPath: staging,
      electronVersion: target.electronVersion,
      platform: target.platform as NodeJS.Platform,
      arch: target.arch,
      onlyModules: ['better-sqlite3'],
      force: true,
      mode: 'sequential',
    });
  } catch (error) {
    const logFile = writeLog(projectRoot, 'electron-rebuild.log', error instanceof Error ? `${error.stack ?? error.message}` : String(error));
    throw new PrepareError(rebuildFailedSentence(target, logFile));
  }
  const built = path.join(stagedPackage, 'build', 'Release', SQLITE_ADDON_FILE);
  if (!fs.existsSync(built)) {
    const logFile = writeLog(projectRoot, 'electron-rebuild.log', `The rebuild finished without producing ${built}.`);
    throw new PrepareError(rebuildFailedSentence(target, logFile));
  }

  // Publish the stamped folder in one rename, so a half-written build is never picked up as done.
  const pending = path.join(cacheRoot, `pending-${name}-${process.pid}`);
  fs.rmSync(pending, { recursive: true, force: true });
  fs.mkdirSync(pending, { recursive: true });
  fs.copyFileSync(built, path.join(pending, SQLITE_ADDON_FILE));
  fs.writeFileSync(path.join(pending, 'stamp.json'), JSON.stringify(stamp));
  fs.rmSync(stampDir, { recursive: true, force: true });
  fs.renameSync(pending, stampDir);
  fs.rmSync(staging, { recursive: true, force: true });
  return { addon, built: true };
}

/** Where packaging picks up the addon for one target arch (electron-builder.yml extraResources). */
export function packagedAddonSource(projectRoot: string, arch: string): string {
  return path.join(projectRoot, ELECTRON_NATIVE_CACHE, 'package', arch, SQLITE_ADDON_FILE);
}

/** Copies the target's cached build to where electron-builder's extraResources takes it from. */
export function stageForPackaging(projectRoot: string, addon: string, arch: string): string {
  const destination = packagedAddonSource(projectRoot, arch);
  fs.rmSync(path.dirname(destination), { recursive: true, force: true });
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  fs.copyFileSync(addon, destination);
  return destination;
}

function readJson(file: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/** Keeps a tool's full output for the trader or a helper to read; returns the project-relative path. */
function writeLog(projectRoot: string, name: string, text: string): string {
  const relative = path.join('.cache', name);
  fs.mkdirSync(path.join(projectRoot, '.cache'), { recursive: true });
  fs.writeFileSync(path.join(projectRoot, relative), text);
  return relative;
}
