import { expect, type Page } from '@playwright/test';
import type { SimulatorHandle } from '../../simulators/harness';
import { windowGap, type Pause } from './sims';

/**
 * Page-level flows for connecting brokers through the wizard. They take a Playwright Page (the bridge
 * in Chromium, or the real Electron window) and the simulator's details, and nothing from either harness.
 */

export const wizard = (page: Page) => page.getByRole('dialog', { name: 'Connect a broker' });

/** Open the wizard from wherever the trader is and pick a broker by searching for it. */
export async function openWizardFor(page: Page, search: string, brokerId: string): Promise<void> {
  const dialog = wizard(page);
  if (!(await dialog.isVisible())) {
    await page.getByRole('button', { name: 'Connections', exact: true }).click();
    await page
      .getByRole('button', { name: /Connect (your first|a) broker/ })
      .first()
      .click();
  }
  await dialog.getByRole('searchbox').fill(search);
  await dialog.getByTestId(`broker-${brokerId}`).click();
}

/** Fill the broker's fields by their labels, and the API host under Advanced. */
export async function fillDetails(page: Page, values: Record<string, string>, apiHost?: string): Promise<void> {
  const dialog = wizard(page);
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

/** Test the credentials, wait `gap` (the broker's own pacing), save, and wait for the done step. */
async function testThenSave(page: Page, pause: Pause, gap: number): Promise<void> {
  const dialog = wizard(page);
  await dialog.getByRole('button', { name: 'Continue to test' }).click();
  await expect(dialog.getByTestId('test-ok')).toContainText('accepted these credentials', { timeout: 10_000 });
  await pause(gap);
  await dialog.getByRole('button', { name: 'Save connection' }).click();
  await expect(dialog.getByTestId('wizard-done')).toBeVisible({ timeout: 10_000 });
}

/** Connect Angel One (TOTP: BrokerVault logs in itself) through the wizard and wait for the done step. */
export async function connectAngel(page: Page, sim: SimulatorHandle, options: { label?: string; pause?: Pause } = {}): Promise<void> {
  await openWizardFor(page, 'angel', 'angel-one');
  const dialog = wizard(page);
  await expect(dialog.getByText('No codes to type.')).toBeVisible();
  if (options.label) await dialog.getByLabel('Name for this connection').fill(options.label);
  await fillDetails(page, ANGEL_LABELS(sim.credentials), sim.baseUrl);
  // SmartAPI allows one login per second; the test just logged in.
  await testThenSave(page, options.pause ?? ((ms) => page.waitForTimeout(ms)), windowGap(1_000));
}

/**
 * Connect Interactive Brokers (a Client Portal Gateway already logged in) in its paper environment, with the
 * gateway's API root as host. `pause` must pass the gateway's 5-second /portfolio/accounts window.
 */
export async function connectIbkr(page: Page, sim: SimulatorHandle, options: { label?: string; pause?: Pause } = {}): Promise<void> {
  await openWizardFor(page, 'interactive', 'ibkr');
  const dialog = wizard(page);
  await dialog.getByRole('radio', { name: /^PAPER/ }).check();
  if (options.label) await dialog.getByLabel('Name for this connection').fill(options.label);
  await fillDetails(page, { 'Account ID (optional)': sim.credentials.accountId! }, sim.baseUrl);
  await testThenSave(page, options.pause ?? ((ms) => page.waitForTimeout(ms)), windowGap(5_000));
}

/**
 * Where the trader signs in for an OAuth broker. In the bridge main's openExternal is recorded; in
 * Electron shell.openExternal is stubbed in the main process. Either way the flow gets the URL main
 * opened and plays the trader in a separate browser page.
 */
export interface SystemBrowser {
  /** The URL main asked the system browser to open (waits for it). */
  nextUrl(): Promise<string>;
  /** A fresh browser page for the broker's sign-in; the flow closes it. */
  newPage(): Promise<Page>;
}

/** Connect Zerodha (browser sign-in) through the wizard: register the redirect URL, sign in on the simulated Kite page. */
export async function connectZerodha(
  page: Page,
  sim: SimulatorHandle & { setRedirectUrl(url: string): void },
  browser: SystemBrowser,
  options: { label?: string } = {},
): Promise<void> {
  await openWizardFor(page, 'zerodha', 'zerodha');
  const dialog = wizard(page);
  await expect(dialog.getByRole('group', { name: 'Environment' })).toContainText('LIVE');
  await expect(dialog.getByText('Static IP needed for orders')).toBeVisible();
  if (options.label) await dialog.getByLabel('Name for this connection').fill(options.label);
  await fillDetails(page, { 'API key': sim.credentials.api_key!, 'API secret': sim.credentials.api_secret! }, sim.baseUrl);
  await expect(dialog.getByLabel('API secret', { exact: true })).toHaveAttribute('type', 'password');
  const redirectUri = (await dialog.getByTestId('redirect-uri').textContent())!;
  expect(redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\/zerodha$/);
  sim.setRedirectUrl(redirectUri);
  await dialog.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(dialog.getByTestId('signin-state')).toContainText(`Waiting for you to sign in at 127.0.0.1:${sim.port}`);

  // Play the trader in the browser main opened: the simulated Kite page, pre-filled.
  const url = await browser.nextUrl();
  const kite = await browser.newPage();
  try {
    await kite.goto(url);
    await kite.getByRole('button', { name: 'Login' }).click();
    await expect(dialog.getByTestId('wizard-done')).toContainText('is connected', { timeout: 10_000 });
  } finally {
    await kite.close();
  }
}
