// electron-builder beforePack hook: the Electron build of better-sqlite3 for the TARGET platform and arch,
// from the same stamped cache `npm start` uses, staged where electron-builder.yml's extraResources takes it
// (.cache/electron-native/package/<arch>/ → resources/native/). node_modules keeps its Node build: npmRebuild
// is off, so electron-builder never rebuilds node_modules for Electron.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { Arch } = require('electron-builder');

const projectRoot = path.resolve(__dirname, '..');

/** The prepare-electron command line for one packaging target. */
function prepareArgs(context) {
  return [
    require.resolve('tsx/cli'),
    path.join(projectRoot, 'scripts', 'prepare-electron.ts'),
    '--package',
    '--platform',
    context.electronPlatformName,
    '--arch',
    Arch[context.arch],
    '--electron-version',
    context.packager.info.framework.version,
  ];
}

async function beforePack(context, run = spawnSync) {
  const result = run(process.execPath, prepareArgs(context), { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`The Electron build of better-sqlite3 for ${context.electronPlatformName}-${Arch[context.arch]} failed; see the message above.`);
}

module.exports = beforePack;
module.exports.prepareArgs = prepareArgs;
