import { expect, test } from './fixtures';

test('the charges estimate is off by default; switched on in Settings, a paper fill shows its estimated charges', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const toggle = page.getByRole('checkbox', { name: /Estimate charges on paper fills/ });
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(page.getByText('Saved.')).toBeVisible();

  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByLabel('Symbol').fill('NSE:INFY');
  await ticket.getByLabel('Quantity').fill('10');
  await ticket.getByRole('button', { name: 'Buy (paper)' }).click();
  const row = page.getByTestId('order-row').first();
  await expect(row.getByTestId('order-state')).toHaveText('FILLED', { timeout: 10_000 });
  await expect(row).toContainText(/Estimated charges \d+\.\d\d INR \(.*stamp duty/);

  // Off again: the next fill books none.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('checkbox', { name: /Estimate charges on paper fills/ }).uncheck();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  await page.getByRole('form', { name: 'Order ticket' }).getByLabel('Symbol').fill('NSE:INFY');
  await page.getByRole('form', { name: 'Order ticket' }).getByRole('button', { name: 'Buy (paper)' }).click();
  const next = page.getByTestId('order-row').first();
  await expect(next).toContainText('Filled 1 at', { timeout: 10_000 });
  await expect(next).not.toContainText('Estimated charges');
});
