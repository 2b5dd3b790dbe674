import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The installed Electron executable, found the way the electron package finds it, but without
 * requiring the package: on a missing binary that would try to download one.
 */
export function electronBinary(): string | null {
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = path.join(dir, 'path.txt');
    if (!fs.existsSync(pathFile)) return null;
    const relative = fs.readFileSync(pathFile, 'utf8').trim();
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    const binary = override ? path.join(override, relative) : path.join(dir, 'dist', relative);
    return fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** Why the Electron suite skips where there is no binary (the same checks run in Chromium through the bridge, test/e2e). */
export const NO_ELECTRON_REASON =
  'No Electron binary is installed here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); these run where Electron can be downloaded.';
