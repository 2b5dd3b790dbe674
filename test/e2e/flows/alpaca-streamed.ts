import type { Page } from '@playwright/test';
import type { AlpacaSimHandle } from '../../simulators/alpaca';
import { expect, test } from '../fixtures';
import { fillDetails, openWizardFor, wizard } from './connect';
import { SkippingClock, startSim } from './sims';

/** Monday 5 January 2026, 10:00 in New York: the US market is open, so a silent feed would count as stale. */
export const MARKET_OPEN_NY = Date.UTC(2026, 0, 5, 15, 0, 0);

/** A test with Alpaca's simulator streaming on a clock the bridge shares, starting while the US market is open. */
export const alpacaStreamed = test.extend<{ clock: SkippingClock; alpaca: AlpacaSimHandle }>({
  // eslint-disable-next-line no-empty-pattern
  clock: async ({}, use) => {
    await use(new SkippingClock(MARKET_OPEN_NY));
  },
  alpaca: async ({ clock }, use) => {
    const sim = await startSim<AlpacaSimHandle>('alpaca', { clock });
    await use(sim);
    await sim.close();
  },
  bridgeOptions: async ({ clock }, use) => {
    await use({ clock });
  },
});

/** Connect that simulator through the wizard as the trader would: details, test, save, done. */
export async function connectAlpaca(page: Page, alpaca: AlpacaSimHandle, name: string): Promise<void> {
  await openWizardFor(page, 'alpaca', 'alpaca');
  await wizard(page).getByLabel('Name for this connection').fill(name);
  await fillDetails(page, { 'API Key ID': alpaca.credentials.apiKeyId!, 'API Secret Key': alpaca.credentials.apiSecretKey! }, alpaca.baseUrl);
  await wizard(page).getByRole('button', { name: 'Continue to test' }).click();
  await expect(wizard(page).getByTestId('test-ok')).toContainText('accepted these credentials', { timeout: 10_000 });
  await wizard(page).getByRole('button', { name: 'Save connection' }).click();
  await wizard(page).getByRole('button', { name: 'Done' }).click();
}
