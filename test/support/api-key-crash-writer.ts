import path from 'node:path';
import { createServices } from '../../src/main/composition';
import { confPreferences } from '../../src/main/preferences-conf';
import { FileKeyStore } from './file-keystore';
import { fakeAdapter } from './fake-broker';

/**
 * Child process for the API key crash test: creates local API keys through IPC in a loop, revoking every other one,
 * and prints "created <id> <secret>" / "revoked <id>" after each call returns, until it is killed.
 */
const dataDir = process.argv[2]!;
const services = await createServices({
  dataDir,
  keyStore: new FileKeyStore(path.join(dataDir, 'test-key.json')),
  preferences: confPreferences(dataDir),
  logSink: { write: () => undefined },
  brokers: [fakeAdapter('alpaca')],
  auditSealDelayMs: 0,
});
const sender = { url: 'app://bundle/index.html', isMainFrame: true };
for (let i = 0; ; i++) {
  const created = await services.router.handle('localApi:createKey', sender, { label: `crash-${i}`, permission: 'trade', paper: true, connectionIds: [] });
  if (!created.ok) {
    console.error(JSON.stringify(created.error));
    process.exit(1);
  }
  const { key, secret } = created.value as { key: { id: string }; secret: string };
  process.stdout.write(`created ${key.id} ${secret}\n`);
  if (i % 2 === 1) {
    const revoked = await services.router.handle('localApi:revokeKey', sender, { id: key.id });
    if (!revoked.ok) process.exit(1);
    process.stdout.write(`revoked ${key.id}\n`);
  }
  await new Promise<void>((resolve) => setTimeout(resolve, 1));
}
