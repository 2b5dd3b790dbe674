import path from 'node:path';
import { createServices } from '../../src/main/composition';
import { confPreferences } from '../../src/main/preferences-conf';
import { FileKeyStore } from './file-keystore';
import { fakeAdapter } from './fake-broker';

/**
 * Child process for the crash-safety test: writes connections in a loop and prints
 * "committed <index> <id>" after each one returns, until it is killed. The audit seal is written as it goes.
 */
const dataDir = process.argv[2]!;
const start = Number(process.argv[3] ?? 0);
const services = await createServices({
  dataDir,
  keyStore: new FileKeyStore(path.join(dataDir, 'test-key.json')),
  preferences: confPreferences(dataDir),
  logSink: { write: () => undefined },
  brokers: [fakeAdapter('alpaca')],
  // Seal the audit log after every append, so kills also land between a commit and its seal, and mid-seal.
  auditSealDelayMs: 0,
});
for (let i = start; ; i++) {
  const result = await services.router.handle(
    'connections:create',
    { url: 'app://bundle/index.html', isMainFrame: true },
    {
      broker: 'alpaca',
      label: `crash-${i}`,
      environment: 'live',
      fields: { api_key: `AKCRASH${String(i).padStart(8, '0')}`, api_secret: `secret-for-${i}-${'x'.repeat(i % 50)}` },
    },
  );
  if (!result.ok) {
    console.error(JSON.stringify(result.error));
    process.exit(1);
  }
  process.stdout.write(`committed ${i} ${(result.value as { id: string }).id}\n`);
  // Calls arrive as separate events in the app: let due timers (the audit seal) run between them.
  await new Promise<void>((resolve) => setTimeout(resolve, 1));
}
