import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test as base } from '@playwright/test';
import { startBridge, type Bridge, type BridgeOptions } from '../bridge/server';
import type { SystemBrowser } from './flows/connect';

/** A free loopback port, so parallel workers never share the OAuth redirect listener's port. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A fresh profile and bridge per test; the bridge's log is attached when a test fails.
 * `opened` records every URL main asked the system browser to open (unless bridgeOptions.openExternal is given),
 * and the OAuth listener gets a free port of its own unless bridgeOptions.oauthPort is given.
 */
export const test = base.extend<{ bridgeOptions: Partial<BridgeOptions>; opened: string[]; bridge: Bridge; systemBrowser: SystemBrowser }>({
  bridgeOptions: [{}, { option: true }],
  // eslint-disable-next-line no-empty-pattern
  opened: async ({}, use) => {
    await use([]);
  },
  /** The OAuth flows' "system browser": URLs come from `opened`; the trader signs in on a new page of this context. */
  systemBrowser: async ({ opened, context }, use) => {
    let seen = 0;
    await use({
      async nextUrl() {
        await expect.poll(() => opened.length, { message: 'main opens the broker sign-in page' }).toBeGreaterThan(seen);
        return opened[seen++]!;
      },
      newPage: () => context.newPage(),
    });
  },
  bridge: async ({ bridgeOptions, opened }, use, testInfo) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-e2e-'));
    const logLines: string[] = [];
    const bridge = await startBridge({
      dataDir,
      logSink: { write: (l) => logLines.push(l) },
      oauthPort: await freePort(),
      openExternal: async (url) => {
        opened.push(url);
      },
      ...bridgeOptions,
    });
    await use(bridge);
    await bridge.close();
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('main.log', { body: logLines.join('\n'), contentType: 'text/plain' });
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect };
