/**
 * Runs before `npm start` and `npm run dev` (npm's prestart/predev), and from the packaging hook:
 *
 *   tsx scripts/prepare-electron.ts            Electron's binary + the Electron build of better-sqlite3 for it
 *   tsx scripts/prepare-electron.ts --package --platform P --arch A --electron-version V
 *                                              only the better-sqlite3 build for a packaging target, staged for
 *                                              electron-builder (which downloads its own Electron)
 *   --root DIR                                 project folder (default: this script's project; tests use a temp one)
 *
 * Any failure prints one plain sentence and exits 1.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  PrepareError,
  detectRosetta,
  ensureElectronBinary,
  ensureElectronSqlite,
  installArch,
  installPlatform,
  locateElectronPackage,
  stageForPackaging,
} from './electron-native';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: 'string' },
      package: { type: 'boolean', default: false },
      platform: { type: 'string' },
      arch: { type: 'string' },
      'electron-version': { type: 'string' },
    },
  });
  const projectRoot = path.resolve(values.root ?? path.join(import.meta.dirname, '..'));
  const env = process.env;
  const log = (line: string): void => console.log(line);

  if (values.package) {
    const platform = values.platform ?? process.platform;
    const arch = values.arch ?? process.arch;
    const electronVersion = values['electron-version'] ?? locateElectronPackage(projectRoot).version;
    const { addon } = await ensureElectronSqlite({ projectRoot, target: { electronVersion, platform, arch }, log });
    stageForPackaging(projectRoot, addon, arch);
    return;
  }

  const pkg = locateElectronPackage(projectRoot);
  const platform = installPlatform(env, process.platform);
  ensureElectronBinary({ projectRoot, pkg, env, platform, log });
  const arch = installArch(env, platform, process.platform, process.arch, detectRosetta);
  await ensureElectronSqlite({ projectRoot, target: { electronVersion: pkg.version, platform, arch }, log });
}

main().catch((error: unknown) => {
  console.error(
    error instanceof PrepareError
      ? error.sentence
      : `Preparing Electron failed, so the desktop app cannot start: ${error instanceof Error ? error.message : String(error)}.`,
  );
  process.exitCode = 1;
});
