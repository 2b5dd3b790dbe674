// Electron fuses for release builds, kept as data so a Node test can pin them.
// See https://www.electronjs.org/docs/latest/tutorial/fuses
const { FuseV1Options, FuseVersion } = require('@electron/fuses');

const RELEASE_FUSES = {
  version: FuseVersion.V1,
  // SECURITY: the app binary can never be used as a plain Node interpreter or be debugged through env/CLI flags.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // SECURITY: only load app code from the signed-off asar, and verify its integrity.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

module.exports = { RELEASE_FUSES };
