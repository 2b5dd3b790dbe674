import type { Page } from '@playwright/test';
import type { SimulatorHandle } from '../simulators/harness';
import { SIMULATORS } from '../simulators/registry';
import { expect } from './fixtures';

/** Start one broker simulator by its registry id; the caller closes it. */
export async function startSim<T extends SimulatorHandle = SimulatorHandle>(id: string): Promise<T> {
  const start = await SIMULATORS[id]!();
  return (await start()) as T;
}

/** Open the wizard from wherever the trader is and pick a broker by searching for it. */
export async function openWizardFor(page: Page, search: string, brokerId: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Connect a broker' });
  if (!(await dialog.isVisible())) {
    await page.getByRole('button', { name: 'Connections', exact: true }).click();
    await page.getByRole('button', { name: /Connect (your first|a) broker/ }).first().click();
  }
  await dialog.getByRole('searchbox').fill(search);
  await dialog.getByTestId(`broker-${brokerId}`).click();
}

/** Fill the broker's fields by their labels, and the API host under Advanced. */
export async function fillDetails(page: Page, values: Record<string, string>, apiHost?: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Connect a broker' });
  for (const [label, value] of Object.entries(values)) await dialog.getByLabel(label, { exact: true }).fill(value);
  if (apiHost !== undefined) {
    await dialog.getByText('Advanced', { exact: true }).click();
    await dialog.getByLabel('API host override').fill(apiHost);
  }
}

export const ANGEL_LABELS = (c: Record<string, string>) => ({
  'SmartAPI API key': c.api_key!,
  'Client code': c.clientcode!,
  MPIN: c.mpin!,
  'TOTP secret': c.totp_secret!,
  'Registered static IP (optional)': c.static_ip!,
});

/** Connect Angel One through the wizard (test, then save) and wait for the done step. */
export async function connectAngel(page: Page, sim: SimulatorHandle, label?: string): Promise<void> {
  await openWizardFor(page, 'angel', 'angel-one');
  const dialog = page.getByRole('dialog', { name: 'Connect a broker' });
  if (label) await dialog.getByLabel('Name for this connection').fill(label);
  await fillDetails(page, ANGEL_LABELS(sim.credentials), sim.baseUrl);
  await dialog.getByRole('button', { name: 'Continue to test' }).click();
  await expect(dialog.getByTestId('test-ok')).toContainText('accepted these credentials', { timeout: 10_000 });
  // SmartAPI allows one login per second; the test above just logged in.
  await page.waitForTimeout(1100);
  await dialog.getByRole('button', { name: 'Save connection' }).click();
  await expect(dialog.getByTestId('wizard-done')).toBeVisible({ timeout: 10_000 });
}
