import { expect, test } from './fixtures';

test('paper short sale: CNC refuses it with the reason, MIS opens a negative position', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByLabel('Symbol').fill('NSE:INFY');
  // The side radio itself is hidden: click its label, as a trader does.
  await ticket.locator('label', { hasText: /^Sell$/ }).click();
  await expect(ticket.getByRole('radio', { name: 'Sell' })).toBeChecked();
  await ticket.getByLabel('Quantity').fill('3');

  await ticket.getByLabel('Product').selectOption('CNC');
  await ticket.getByRole('button', { name: 'Sell (paper)' }).click();
  await expect(page.getByTestId('order-row').first()).toContainText('Short selling is not allowed on CNC (delivery)');
  await expect(page.getByTestId('position-row')).toHaveCount(0);

  await ticket.getByLabel('Product').selectOption('MIS');
  await ticket.getByRole('button', { name: 'Sell (paper)' }).click();
  await expect(ticket.getByTestId('order-placed')).toContainText('SELL 3 NSE:INFY');
  await expect(page.getByTestId('position-row')).toContainText('NSE:INFY');
  await expect(page.getByTestId('position-row')).toContainText('-3');
});
