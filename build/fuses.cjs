// electron-builder afterPack hook: flip the release fuses on the packaged Electron binary.
// A separate test build for Playwright may keep inspect on by setting BROKERVAULT_TEST_BUILD=1.
const path = require('node:path');
const { flipFuses, FuseV1Options } = require('@electron/fuses');
const { RELEASE_FUSES } = require('./fuse-config.cjs');

module.exports = async function afterPack(context) {
  const name = context.packager.appInfo.productFilename;
  const executable = {
    darwin: path.join(context.appOutDir, `${name}.app`),
    win32: path.join(context.appOutDir, `${name}.exe`),
    linux: path.join(context.appOutDir, context.packager.executableName),
  }[context.electronPlatformName];
  const fuses = { ...RELEASE_FUSES };
  if (process.env.BROKERVAULT_TEST_BUILD === '1') fuses[FuseV1Options.EnableNodeCliInspectArguments] = true;
  await flipFuses(executable, { ...fuses, resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' });
};
