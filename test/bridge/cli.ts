import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enableLocalApi } from './local-api';
import { startBridge, type KeyStoreChoice } from './server';

/**
 * `npm run bridge [-- --data-dir DIR] [--port N] [--keystore memory|unavailable|keychain] [--local-api]`
 * Starts the test bridge and prints its URL on one line. Without --data-dir it uses a throwaway profile.
 * With --local-api it also enables the local API on free ports, creates a trade key for the paper account and
 * prints one JSON line after the URL: {"restBase","wsUrl","apikey"}.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const keep = arg('--data-dir');
  const dataDir = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'brokervault-bridge-'));
  const keyStore = (arg('--keystore') ?? 'memory') as KeyStoreChoice;
  if (!['memory', 'unavailable', 'keychain'].includes(keyStore)) throw new Error('--keystore must be memory, unavailable or keychain');
  const port = arg('--port') ? Number(arg('--port')) : undefined;
  const bridge = await startBridge({ dataDir, keyStore, port });
  console.log(bridge.url);
  if (process.argv.includes('--local-api')) console.log(JSON.stringify(await enableLocalApi(bridge.services)));
  const stop = () =>
    void bridge.close().then(() => {
      if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
