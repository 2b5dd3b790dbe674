import { expect, test } from './fixtures';
import { ticket } from './flows/trading';

/**
 * What the trader reads in the exits panel: each Cancel says which exit it cancels, and a finished exit no longer
 * carries "works only while BrokerVault is running", which reads as a warning still standing.
 */
test('each exit’s Cancel names its exit; a cancelled exit drops the who-holds-it line', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const form = ticket(page);
  await form.getByLabel('Symbol').fill('NSE:INFY');
  await form.getByLabel('Quantity').fill('2');
  await form.getByRole('button', { name: 'Buy (paper)' }).click();
  await expect(page.getByTestId('order-row').first().getByTestId('order-state')).toHaveText('FILLED', { timeout: 10_000 });

  const exit = page.getByRole('form', { name: 'Protective exit' });
  await exit.getByRole('combobox', { name: 'Exit', exact: true }).selectOption('trailing');
  await exit.getByLabel('Trail', { exact: true }).fill('5');
  await exit.getByRole('button', { name: 'Set exit (paper)' }).click();
  await exit.getByRole('combobox', { name: 'Exit', exact: true }).selectOption('oco');
  await exit.getByLabel('Target price').fill('99999');
  await exit.getByLabel('Stop price').fill('1');
  await exit.getByRole('button', { name: 'Set exit (paper)' }).click();
  const rows = page.getByTestId('exit-row');
  await expect(rows).toHaveCount(2);

  await page.getByRole('button', { name: 'Cancel exit: Trailing stop · SELL 1 NSE:INFY', exact: true }).click();
  const cancelled = rows.filter({ hasText: 'Trailing stop' });
  await expect(cancelled.getByTestId('exit-state')).toHaveText('cancelled');
  await expect(cancelled.getByTestId('exit-handling')).toHaveCount(0);
  // The other, still working, says who holds it and keeps its own Cancel.
  const working = rows.filter({ hasText: 'Stop-loss with target' });
  await expect(working.getByTestId('exit-handling')).toHaveText('Managed by BrokerVault — works only while BrokerVault is running');
  await expect(working.getByRole('button', { name: 'Cancel exit: Stop-loss with target · SELL 1 NSE:INFY' })).toBeVisible();
});
