import fs from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * Two suites: `web` drives the built renderer in Debian's Chromium through the test bridge;
 * `electron` drives the real app with Playwright's _electron and skips where no Electron binary exists.
 */
export default defineConfig({
  timeout: 30_000,
  expect: { timeout: 5_000 },
  workers: 2,
  reporter: [['list']],
  use: { trace: 'off', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'web',
      testDir: 'test/e2e',
      use: {
        browserName: 'chromium',
        launchOptions: {
          // Debian's Chromium here; elsewhere (the desktop workflow) Playwright's own, from `npx playwright install`.
          executablePath: process.env.CHROMIUM_PATH ?? (fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined),
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    { name: 'electron', testDir: 'test/electron' },
  ],
});
