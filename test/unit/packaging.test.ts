import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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
