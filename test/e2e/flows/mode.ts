import { expect, type Page } from '@playwright/test';
import type { SimulatorHandle } from '../../simulators/harness';
import { connectAngel } from './connect';

/** Go live on the connection named `label` through the confirmation (the phrase typed). */
export async function goLive(page: Page, label: string, checks: { broker?: string; environment?: string } = {}): Promise<void> {
  await page.getByRole('button', { name: 'Go live…' }).click();
  const live = page.getByRole('dialog', { name: 'Switch to live trading' });
  const account = live.getByLabel('Account to trade');
  const option = account.getByRole('option', { name: label });
  if ((await option.count()) > 0) await account.selectOption({ label: (await option.first().textContent())! });
  await live.getByRole('button', { name: 'Continue' }).click();
  const target = live.getByTestId('live-target');
  await expect(target).toContainText(label);
  if (checks.broker) await expect(target).toContainText(checks.broker);
  if (checks.environment) await expect(target).toContainText(checks.environment);
  const button = live.getByRole('button', { name: 'Go live' });
  await expect(button).toBeDisabled();
  await live.getByLabel('Confirmation phrase').fill('GO LIVE');
  await button.click();
  await expect(live).toBeHidden();
  await expectLive(page, label);
}

/** Connect the Angel One simulator as "Angel main", go live on it and open the trading console. */
export async function liveOnAngel(page: Page, angel: SimulatorHandle): Promise<void> {
  await connectAngel(page, angel, { label: 'Angel main' });
  await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
  await goLive(page, 'Angel main');
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
}

export async function expectLive(page: Page, label: string): Promise<void> {
  await expect(page.getByTestId('mode-badge')).toContainText('LIVE');
  await expect(page.getByTestId('mode-badge')).toContainText(label);
  await expect(page).toHaveTitle('BrokerVault — LIVE');
  await expect(page.locator('.app')).toHaveClass(/app-live/);
}

export async function expectPaper(page: Page): Promise<void> {
  await expect(page.getByTestId('mode-badge')).toHaveText('PAPER');
  await expect(page.getByTestId('mode-environment')).toHaveCount(0);
  await expect(page).toHaveTitle('BrokerVault — Paper');
  await expect(page.locator('.app')).not.toHaveClass(/app-live/);
}

/** Engage the kill switch from the top bar: per-order report, back to paper, live locked. */
export async function killSwitch(page: Page): Promise<void> {
  await page.getByTestId('kill-switch').click();
  const kill = page.getByRole('dialog', { name: 'Kill switch' });
  await kill.getByRole('button', { name: 'Engage kill switch' }).click();
  await expect(kill.getByTestId('kill-summary')).toContainText('paper mode');
  await kill.getByRole('button', { name: 'Close' }).click();
  await expectPaper(page);
  await expect(page.getByText('Live locked')).toBeVisible();
}
