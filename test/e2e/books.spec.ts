import { expect, test } from './fixtures';
import type { AngelSimulatorHandle } from '../simulators/angel-one';
import { liveOnAngel } from './flows/mode';
import { startSim } from './flows/sims';
import { expectNewestOrder, placeLiveOrder, ticket } from './flows/trading';

const books = (page: import('@playwright/test').Page) => page.getByRole('region', { name: 'Holdings and trades' });

test('paper: a filled buy shows as a holding and in the trade book', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const panel = books(page);
  await expect(panel.getByText('No holdings in paper.')).toBeVisible();
  await panel.getByRole('tab', { name: 'Trades' }).click();
  await expect(panel.getByText('No trades yet in paper.')).toBeVisible();

  const form = ticket(page);
  await form.getByLabel('Symbol').fill('NSE:INFY');
  await form.getByLabel('Quantity').fill('3');
  await form.getByRole('button', { name: 'Buy (paper)' }).click();
  await expect(page.getByTestId('order-row').first().getByTestId('order-state')).toHaveText('FILLED', { timeout: 10_000 });

  const trade = panel.getByTestId('trade-row');
  await expect(trade).toHaveCount(1);
  await expect(trade).toContainText('NSE:INFY');
  await expect(trade).toContainText('BUY');
  await panel.getByRole('tab', { name: 'Holdings' }).click();
  await expect(panel.getByRole('tab', { name: 'Holdings' })).toHaveAttribute('aria-selected', 'true');
  const holding = panel.getByTestId('holding-row');
  await expect(holding).toHaveCount(1);
  await expect(holding.getByRole('cell').nth(0)).toHaveText('NSE:INFY');
  await expect(holding.getByRole('cell').nth(1)).toHaveText('3');
});

test('live on Angel One: the broker’s trade book, then its holdings after settlement', async ({ page, bridge }) => {
  const angel = await startSim<AngelSimulatorHandle>('angel-one');
  try {
    await page.goto(bridge.url);
    await liveOnAngel(page, angel);
    const panel = books(page);
    await expect(panel.getByText('No holdings in this account.')).toBeVisible({ timeout: 10_000 });

    await placeLiveOrder(page, { search: 'INFY', symbol: 'NSE:INFY', product: 'CNC' });
    await expectNewestOrder(page, 'FILLED');
    await panel.getByRole('tab', { name: 'Trades' }).click();
    const trade = panel.getByTestId('trade-row');
    await expect(trade).toHaveCount(1, { timeout: 10_000 });
    await expect(trade).toContainText('NSE:INFY');
    await expect(trade).toContainText(angel.exchange.list()[0]!.id);

    // The broker settles the day: the delivery buy becomes a holding and its trade book starts empty.
    angel.exchange.rollDay();
    await panel.getByRole('tab', { name: 'Holdings' }).click();
    await expect(panel.getByTestId('holding-row')).toContainText('NSE:INFY', { timeout: 10_000 });
    await panel.getByRole('tab', { name: 'Trades' }).click();
    await expect(panel.getByText('No trades yet in this account.')).toBeVisible({ timeout: 10_000 });
  } finally {
    await angel.close();
  }
});
