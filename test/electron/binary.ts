import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function electronPackageDir(): string | null {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * The installed Electron executable, found exactly as the electron package's index.js finds it
 * (path.txt, ELECTRON_OVERRIDE_DIST_PATH, dist/), but without requiring the package: on a missing
 * binary, requiring it would start a download.
 */
export function electronBinary(): string | null {
  const dir = electronPackageDir();
  if (!dir) return null;
  const pathFile = path.join(dir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8') : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? path.join(override, relative || 'electron') : relative ? path.join(dir, 'dist', relative) : null;
  return binary && fs.existsSync(binary) ? binary : null;
}

/** Why the Electron suite skips where there is no binary; the same checks run in Chromium through the bridge (test/e2e). */
export function noElectronReason(): string {
  if (!electronPackageDir()) return 'The electron package is not installed.';
  const how = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
    ? 'it was installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on machines that cannot download it'
    : 'node_modules/electron has no binary yet (run `npx install-electron` or `npm start` once)';
  return `No Electron binary is installed here: ${how}. These tests run on the desktop CI workflow, where Electron is downloaded.`;
}
