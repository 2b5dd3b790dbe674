import fs from 'node:fs';
import path from 'node:path';

/**
 * better-sqlite3 is built for Node's ABI in node_modules (the tests run on it). Electron needs its own build,
 * which scripts/prepare-electron.ts makes into a cache folder stamped by Electron version, platform and arch,
 * and packaging copies into the app's resources. This module says where main loads it from.
 */

/** Folder under the project root that holds one Electron build of better-sqlite3 per stamp. */
export const ELECTRON_NATIVE_CACHE = path.join('.cache', 'electron-native');

/** The addon's file name, in the cache and in the packaged app's resources. */
export const SQLITE_ADDON_FILE = 'better_sqlite3.node';

/** Where packaging puts the addon, relative to process.resourcesPath (electron-builder.yml extraResources). */
export const PACKAGED_NATIVE_DIR = 'native';

export interface ElectronTarget {
  electronVersion: string;
  platform: string;
  arch: string;
}

/** The cache folder name for one Electron target, e.g. electron-45.4.1-linux-x64. */
export function electronNativeStamp(target: ElectronTarget): string {
  for (const [name, value] of Object.entries(target)) {
    // The stamp becomes a folder name: no separators, nothing that climbs out of the cache.
    if (!/^[A-Za-z0-9._-]+$/.test(value) || value.includes('..')) throw new Error(`Invalid ${name} for the Electron native build: ${JSON.stringify(value)}`);
  }
  return `electron-${target.electronVersion.replace(/^v/, '')}-${target.platform}-${target.arch}`;
}

/** The cached Electron build of better-sqlite3 for one target, under a project root. */
export function cachedSqliteAddon(projectRoot: string, target: ElectronTarget): string {
  return path.join(projectRoot, ELECTRON_NATIVE_CACHE, electronNativeStamp(target), SQLITE_ADDON_FILE);
}

export interface NativeBindingContext {
  /** app.isPackaged */
  isPackaged: boolean;
  /** process.resourcesPath (set by Electron only) */
  resourcesPath?: string;
  /** app.getAppPath(): the project root when unpackaged */
  appPath: string;
  /** process.versions: `electron` is present only inside Electron */
  versions: Partial<Record<string, string>>;
  platform: string;
  arch: string;
  exists?: (file: string) => boolean;
}

/**
 * The better-sqlite3 addon main should load, for openDatabase's nativeBinding option:
 * packaged → the copy in the app's resources; unpackaged Electron → the stamped cache build; plain Node →
 * undefined (better-sqlite3 finds its own Node build).
 */
export function sqliteNativeBinding(context: NativeBindingContext): string | undefined {
  const exists = context.exists ?? fs.existsSync;
  const electronVersion = context.versions.electron;
  if (!electronVersion) return undefined;
  if (context.isPackaged) {
    if (!context.resourcesPath) throw new Error('BrokerVault cannot find its resources folder; reinstall BrokerVault.');
    const file = path.join(context.resourcesPath, PACKAGED_NATIVE_DIR, SQLITE_ADDON_FILE);
    if (!exists(file)) throw new Error(`BrokerVault's database module is missing from the installation (${file}); reinstall BrokerVault.`);
    return file;
  }
  const file = cachedSqliteAddon(context.appPath, { electronVersion, platform: context.platform, arch: context.arch });
  if (!exists(file)) {
    throw new Error(
      `The Electron build of better-sqlite3 for Electron ${electronVersion} (${context.platform}-${context.arch}) is missing at ${file}: ` +
        'run `npm start` again (or `npm run electron:prepare`), which builds it.',
    );
  }
  return file;
}
