import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { startBridge, type Bridge, type BridgeOptions } from '../bridge/server';

/** A fresh profile and bridge per test; the bridge's log is attached when a test fails. */
export const test = base.extend<{ bridgeOptions: Partial<BridgeOptions>; bridge: Bridge }>({
  bridgeOptions: [{}, { option: true }],
  bridge: async ({ bridgeOptions }, use, testInfo) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-e2e-'));
    const logLines: string[] = [];
    const bridge = await startBridge({ dataDir, logSink: { write: (l) => logLines.push(l) }, ...bridgeOptions });
    await use(bridge);
    await bridge.close();
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('main.log', { body: logLines.join('\n'), contentType: 'text/plain' });
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
