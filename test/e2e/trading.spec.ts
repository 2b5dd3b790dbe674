import { expect, test } from './fixtures';
import { connectAngel, startSim } from './helpers';

test('paper trading: an order fills on simulated prices; a limit breach needs confirmation', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await expect(page).toHaveTitle('BrokerVault — Paper');

  // A pre-trade limit set in Settings.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Max quantity per order').fill('5');
  await page.getByRole('button', { name: 'Save limits' }).click();
  await expect(page.getByText('Limits saved.')).toBeVisible();

  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByLabel('Symbol').fill('NSE:INFY');
  await expect(page.getByTestId('simulated-prices')).toBeVisible();
  await ticket.getByLabel('Quantity').fill('2');
  await ticket.getByRole('button', { name: 'Buy (paper)' }).click();
  await expect(ticket.getByTestId('order-placed')).toContainText('BUY 2 NSE:INFY');
  await expect(page.getByTestId('order-row').first().getByTestId('order-state')).toHaveText('FILLED', { timeout: 10_000 });
  await expect(page.getByTestId('position-row')).toContainText('NSE:INFY');

  // Above the limit: main asks for a confirmation with its reasons; placing anyway re-sends with it.
  await ticket.getByLabel('Quantity').fill('10');
  await ticket.getByRole('button', { name: 'Buy (paper)' }).click();
  await expect(ticket.getByTestId('order-confirm')).toContainText('pre-trade limits');
  await ticket.getByRole('button', { name: 'Place anyway' }).click();
  await expect(ticket.getByTestId('order-placed')).toContainText('BUY 10 NSE:INFY');
  await expect(page.getByTestId('order-row')).toHaveCount(2);
});

test('going live through the confirmation, placing a live order that fills, kill switch back to paper', async ({ page, bridge }) => {
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await connectAngel(page, angel, 'Angel main');
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

    // The confirmation names the account and wants the phrase typed.
    await page.getByRole('button', { name: 'Go live…' }).click();
    const live = page.getByRole('dialog', { name: 'Switch to live trading' });
    await live.getByRole('button', { name: 'Continue' }).click();
    await expect(live.getByTestId('live-target')).toContainText('Angel main');
    await expect(live.getByTestId('live-target')).toContainText('Angel One SmartAPI');
    await expect(live.getByTestId('live-target')).toContainText('LIVE');
    const goLive = live.getByRole('button', { name: 'Go live' });
    await expect(goLive).toBeDisabled();
    await live.getByLabel('Confirmation phrase').fill('GO LIVE');
    await goLive.click();
    await expect(live).toBeHidden();
    await expect(page.getByTestId('mode-badge')).toContainText('LIVE');
    await expect(page.getByTestId('mode-badge')).toContainText('Angel main');
    await expect(page).toHaveTitle('BrokerVault — LIVE');
    await expect(page.locator('.app')).toHaveClass(/app-live/);

    // Live ticket: symbol from the broker's instruments, product required, review before sending.
    await page.getByRole('button', { name: 'Trading', exact: true }).click();
    const ticket = page.getByRole('form', { name: 'Order ticket' });
    await ticket.getByRole('combobox', { name: 'Symbol' }).fill('INFY');
    await ticket.getByRole('option', { name: /NSE:INFY/ }).getByRole('button').click();
    await ticket.getByLabel('Product').selectOption('CNC');
    await ticket.getByRole('button', { name: 'Review order' }).click();
    await expect(ticket.getByTestId('order-review')).toContainText('BUY 1 NSE:INFY at market (CNC)');
    await ticket.getByRole('button', { name: 'Place live order' }).click();
    await expect(ticket.getByTestId('order-placed')).toContainText('BUY 1 NSE:INFY', { timeout: 10_000 });
    const row = page.getByTestId('order-row').first();
    await expect(row).toContainText('LIVE');
    await expect(row.getByTestId('order-state')).toHaveText('FILLED', { timeout: 15_000 });

    // Kill switch: always in the top bar in live mode; reports per order; back to paper, live locked.
    await page.getByTestId('kill-switch').click();
    const kill = page.getByRole('dialog', { name: 'Kill switch' });
    await kill.getByRole('button', { name: 'Engage kill switch' }).click();
    await expect(kill.getByTestId('kill-summary')).toContainText('paper mode');
    await kill.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByTestId('mode-badge')).toHaveText('PAPER');
    await expect(page.getByText('Live locked')).toBeVisible();
    await expect(page).toHaveTitle('BrokerVault — Paper');
    await expect(page.locator('.app')).not.toHaveClass(/app-live/);
  } finally {
    await angel.close();
  }
});
