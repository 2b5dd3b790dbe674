import fs from 'node:fs';
import { createServices } from '../../src/main/composition';
import { confPreferences } from '../../src/main/preferences-conf';
import type { MasterKey } from '../../src/main/vault/crypto';
import { PassphraseKeyFile } from '../../src/main/vault/passphrase-keyfile';
import { FileKeyStore } from './file-keystore';
import { fakeAdapter } from './fake-broker';
import { KEY_CRASH_FIELDS, KEY_CRASH_PASSPHRASE, keyCrashStore, type KeyCrashScenario } from './key-crash';

/**
 * Child process for the key crash test: runs one key operation and SIGKILLs itself at kill point
 * number `killAt`. Kill points are every step that writes keys or rows: before and after each keychain
 * write, before and after each key-file write, inside each database transaction before it commits, and
 * after each commit. Prints "point <n> <name>" as it passes each one, and "done" if it finishes.
 */
const [dataDir, scenario, killAtText] = process.argv.slice(2) as [string, KeyCrashScenario, string];
const killAt = Number(killAtText);
let armed = false;
let passed = 0;
function point(name: string): void {
  if (!armed) return;
  passed++;
  fs.writeSync(1, `point ${passed} ${name}\n`);
  if (passed === killAt) process.kill(process.pid, 'SIGKILL');
}

class KillingKeyStore extends FileKeyStore {
  override async save(account: string, keys: MasterKey[]) {
    point('before keychain write');
    await super.save(account, keys);
    point('after keychain write');
  }
  override async clear(account: string) {
    point('before keychain clear');
    await super.clear(account);
    point('after keychain clear');
  }
}

const writeKeyFile = PassphraseKeyFile.prototype.write;
PassphraseKeyFile.prototype.write = async function (this: PassphraseKeyFile, passphrase: string, keys: MasterKey[]) {
  point('before key-file write');
  await writeKeyFile.call(this, passphrase, keys);
  point('after key-file write');
};

const services = await createServices({
  dataDir,
  keyStore: new KillingKeyStore(keyCrashStore(dataDir)),
  preferences: confPreferences(dataDir),
  logSink: { write: () => undefined },
  brokers: [fakeAdapter('alpaca')],
  scrypt: { N: 2 ** 10, r: 8, p: 1 },
});
const transaction = services.db.transaction.bind(services.db);
services.db.transaction = ((fn: (...args: unknown[]) => unknown) => {
  const tx = transaction((...args: unknown[]) => {
    const result = fn(...args);
    point('before commit (in transaction)');
    return result;
  });
  return (...args: unknown[]) => {
    const result = tx(...args);
    point('after commit');
    return result;
  };
}) as unknown as typeof services.db.transaction;

const sender = { url: 'app://bundle/index.html', isMainFrame: true };
const call = async (channel: string, input: unknown) => {
  const result = await services.router.handle(channel as never, sender, input);
  if (!result.ok) {
    console.error(JSON.stringify(result.error));
    process.exit(1);
  }
};
const create = () => call('connections:create', { broker: 'alpaca', label: 'killed-create', environment: 'live', fields: KEY_CRASH_FIELDS });

if (scenario === 'passphrase-rotate') {
  await call('vault:unlock', { passphrase: KEY_CRASH_PASSPHRASE });
}
armed = true;
switch (scenario) {
  case 'first-key':
    await create();
    break;
  case 'rotate':
  case 'passphrase-rotate':
    await call('vault:rotateKey', {});
    break;
  case 'passphrase-setup':
    await call('vault:setupPassphrase', { passphrase: KEY_CRASH_PASSPHRASE });
    break;
  case 'passphrase-first':
    await call('vault:setupPassphrase', { passphrase: KEY_CRASH_PASSPHRASE });
    await create();
    break;
}
armed = false;
fs.writeSync(1, 'done\n');
services.close();
process.exit(0);
