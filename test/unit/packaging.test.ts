import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packagedAddonSource } from '../../scripts/electron-native';
import { PACKAGED_NATIVE_DIR, SQLITE_ADDON_FILE, sqliteNativeBinding } from '../../src/main/electron/native-binding';

const require = createRequire(import.meta.url);

describe('release packaging (property 21, configuration half)', () => {
  it('fuses: RunAsNode, NODE_OPTIONS and inspect off; asar integrity and asar-only on', () => {
    const { FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');
    const { RELEASE_FUSES } = require('../../build/fuse-config.cjs') as { RELEASE_FUSES: Record<number, boolean> };
    expect(RELEASE_FUSES[FuseV1Options.RunAsNode]).toBe(false);
    expect(RELEASE_FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(RELEASE_FUSES[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(RELEASE_FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(RELEASE_FUSES[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
  });

  it('electron-builder targets every platform, unpacks native modules and runs the fuse hook', () => {
    const config = parse(fs.readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8')) as Record<string, any>;
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**', 'node_modules/keytar/**']));
    expect(config.afterPack).toBe('build/fuses.cjs');
    expect(config.files).toContain('!out/bridge/**');
    expect(fs.existsSync(new URL('../../build/fuses.cjs', import.meta.url))).toBe(true);
  });
});

describe('release packaging: metadata, icons and the Electron build of better-sqlite3', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const config = parse(fs.readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8')) as Record<string, any>;
  const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<string, any>;

  it("the whole configuration passes electron-builder's own schema check (the first thing `npm run package` does)", async () => {
    const builderRequire = createRequire(require.resolve('app-builder-lib/package.json'));
    const { validateConfiguration } = builderRequire('./out/util/config/config.js') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = builderRequire('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // It does catch a misspelt option (this one was in the file before, and would have stopped every package).
    await expect(validateConfiguration({ ...config, nsis: { allowToChangeInstallationDir: true } }, new DebugLogger(false))).rejects.toThrow(
      /configuration\.nsis/,
    );
  });

  it('metadata the deb target needs: author with email, homepage, maintainer', () => {
    expect(manifest.author).toEqual({ name: 'BrokerVault', email: expect.stringMatching(/^[^@\s]+@[^@\s]+\.[a-z]+$/) });
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(config.linux.maintainer).toMatch(/^BrokerVault <[^@\s]+@[^@\s]+>$/);
  });

  it("no deb.depends override: electron-builder's own defaults apply, and they already include libsecret-1-0", () => {
    expect(config.deb?.depends).toBeUndefined();
    const FpmTarget = (require('app-builder-lib/out/targets/FpmTarget') as { default: { prototype: { getDefaultDepends(target: string): string[] } } }).default;
    expect(FpmTarget.prototype.getDefaultDepends.call(null, 'deb')).toEqual(expect.arrayContaining(['libsecret-1-0', 'libgtk-3-0', 'libnss3']));
  });

  it('icons for each OS point at what scripts/make-icons.ts writes, which `npm run package` runs first', () => {
    expect(config.linux.icon).toBe('build/icons/png');
    expect(config.win.icon).toBe('build/icons/icon.ico');
    expect(config.mac.icon).toBe('build/icons/icon.icns');
    expect(manifest.scripts.package).toMatch(/tsx scripts\/make-icons\.ts && electron-builder$/);
  });

  it('node_modules is never rebuilt for Electron; the beforePack hook brings the target arch build into resources/native', () => {
    expect(config.npmRebuild).toBe(false);
    expect(config.beforePack).toBe('build/native-modules.cjs');
    const [resource] = config.extraResources as { from: string; to: string }[];
    expect(resource!.to).toBe(`${PACKAGED_NATIVE_DIR}/${SQLITE_ADDON_FILE}`);
    expect(path.join(root, resource!.from.replace('${arch}', 'arm64'))).toBe(packagedAddonSource(root, 'arm64'));
    // What main then loads when packaged.
    expect(
      sqliteNativeBinding({
        isPackaged: true,
        resourcesPath: '/r',
        appPath: '/a',
        versions: { electron: '45.4.1' },
        platform: 'linux',
        arch: 'arm64',
        exists: () => true,
      }),
    ).toBe(path.join('/r', resource!.to));
    // The Node build in node_modules is left out of the package.
    expect(config.files).toEqual(expect.arrayContaining(['!node_modules/better-sqlite3/build/**']));
    expect(manifest.scripts['electron:prepare']).toBe('tsx scripts/prepare-electron.ts');
    expect(manifest.scripts.prestart).toBe('npm run --silent electron:prepare');
    expect(manifest.scripts.predev).toBe('npm run --silent electron:prepare');
  });

  it('the hook asks for the target platform, arch and Electron version, and fails the build when that fails', async () => {
    const hook = require('../../build/native-modules.cjs') as ((context: unknown, run?: unknown) => Promise<void>) & {
      prepareArgs(context: unknown): string[];
    };
    const context = { electronPlatformName: 'darwin', arch: 3, packager: { info: { framework: { version: '45.4.1' } } } };
    const args = hook.prepareArgs(context);
    expect(args.slice(1)).toEqual([
      path.join(root, 'scripts', 'prepare-electron.ts'),
      '--package',
      '--platform',
      'darwin',
      '--arch',
      'arm64',
      '--electron-version',
      '45.4.1',
    ]);
    const calls: unknown[][] = [];
    await hook(context, (...call: unknown[]) => (calls.push(call), { status: 0 }));
    expect(calls[0]![0]).toBe(process.execPath);
    await expect(hook(context, () => ({ status: 1 }))).rejects.toThrow(/darwin-arm64 failed/);
  });
});
