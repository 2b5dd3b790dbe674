import { expect, test } from './fixtures';
import { liveOnAngel } from './flows/mode';
import { startSim } from './flows/sims';
import { expectNewestOrder, ticket } from './flows/trading';

/** Modify a working order from the orders table: paper at once; live only after the trader confirms the change. */

test('paper: a resting limit order is modified from the orders table', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const form = ticket(page);
  await form.getByLabel('Symbol').fill('NSE:INFY');
  await form.getByLabel('Quantity').fill('2');
  await form.getByLabel('Order type').selectOption('LIMIT');
  await form.getByLabel('Limit price').fill('1');
  await form.getByRole('button', { name: 'Buy (paper)' }).click();
  const row = page.getByTestId('order-row').first();
  await expect(row.getByTestId('order-state')).toHaveText('OPEN', { timeout: 10_000 });

  await row.getByRole('button', { name: 'Modify order NSE:INFY BUY 2' }).click();
  const dialog = page.getByTestId('modify-order');
  await expect(dialog).toContainText('A paper order');
  await dialog.getByLabel('Quantity').fill('3');
  await dialog.getByLabel('Limit price').fill('2');
  await dialog.getByRole('button', { name: 'Modify (paper)' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('LIMIT @ 2');
  await expect(row.getByTestId('order-message')).toContainText('Modified. Resting: buy limit at 2.');
  await expect(row.getByTestId('order-state')).toHaveText('OPEN');

  // A change that changes nothing is refused in the dialog, nothing sent.
  await row.getByRole('button', { name: 'Modify order NSE:INFY BUY 3' }).click();
  await dialog.getByRole('button', { name: 'Modify (paper)' }).click();
  await expect(dialog.getByTestId('modify-error')).toContainText('Change the quantity, type or a price first.');
  await dialog.getByRole('button', { name: 'Keep order as it is' }).click();
  await expect(dialog).toBeHidden();
});

test('live: a change to a working order goes out only after the trader confirms it', async ({ page, bridge }) => {
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await liveOnAngel(page, angel);
    const form = ticket(page);
    const symbol = form.getByRole('combobox', { name: 'Symbol' });
    await symbol.fill('INFY');
    await form
      .getByRole('option', { name: /NSE:INFY/ })
      .getByRole('button')
      .first()
      .click();
    await expect(symbol).toHaveValue('NSE:INFY');
    await form.getByLabel('Order type').selectOption('LIMIT');
    await form.getByLabel('Limit price').fill('1');
    await form.getByLabel('Product').selectOption('CNC');
    await form.getByRole('button', { name: 'Review order' }).click();
    await form.getByRole('button', { name: 'Place live order' }).click();
    await expectNewestOrder(page, 'OPEN');

    const row = page.getByTestId('order-row').first();
    await row.getByRole('button', { name: 'Modify order NSE:INFY BUY 1' }).click();
    const dialog = page.getByTestId('modify-order');
    await expect(dialog).toContainText('This is a real order at your broker');
    await dialog.getByLabel('Limit price').fill('2');
    await dialog.getByRole('button', { name: 'Review change' }).click();
    await expect(dialog.getByTestId('modify-confirm')).toContainText('This changes a live order at angel-one: limit 1 → 2.');
    // Nothing changed yet: the order still rests at 1.
    await expect(row).toContainText('LIMIT @ 1');
    await dialog.getByRole('button', { name: 'Confirm change' }).click();
    await expect(dialog).toBeHidden({ timeout: 10_000 });
    await expect(row).toContainText('LIMIT @ 2');
    await expect(row.getByTestId('order-state')).toHaveText('OPEN');
  } finally {
    await angel.close();
  }
});
