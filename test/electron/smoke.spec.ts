import { expect, test } from '@playwright/test';
import { CHANNEL_NAMES } from '../../src/shared/channels';
import { electronBinary, noElectronReason } from './binary';
import { launchApp } from './launch';

/**
 * The real Electron app, where an Electron binary is installed. Here (no Electron download possible)
 * every test skips with that reason; the same checks run in Chromium through the bridge (test/e2e).
 */
const binary = electronBinary();
test.skip(!binary, noElectronReason());

test('the window opens with no Node in the page and exactly the contract on the bridge', async () => {
  const launched = await launchApp(binary!);
  const { app } = launched;
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('vault-badge')).toBeVisible();
    const surface = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      module: typeof (window as unknown as { module?: unknown }).module,
      api: Object.fromEntries(
        Object.entries((window as unknown as { brokerVault: Record<string, unknown> }).brokerVault).map(([k, v]) => [
          k,
          typeof v === 'function' ? 'fn' : Object.keys(v as object).sort(),
        ]),
      ),
    }));
    expect(surface.require).toBe('undefined');
    expect(surface.process).toBe('undefined');
    expect(surface.module).toBe('undefined');
    const expected: Record<string, string[] | string> = { on: 'fn' };
    for (const channel of CHANNEL_NAMES) {
      const [ns, method] = channel.split(':') as [string, string];
      expected[ns] ??= [] as string[];
      (expected[ns] as string[]).push(method);
    }
    for (const key of Object.keys(expected)) if (Array.isArray(expected[key])) (expected[key] as string[]).sort();
    expect(surface.api).toEqual(expected);
  } finally {
    await launched.close();
  }
});
