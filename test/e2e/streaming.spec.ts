import type { AlpacaSimHandle } from '../simulators/alpaca';
import { expect, test } from './fixtures';
import { fillDetails, openWizardFor, wizard } from './flows/connect';
import { goLive } from './flows/mode';
import { SkippingClock, startSim } from './flows/sims';
import { ticket } from './flows/trading';

/** Monday 5 January 2026, 10:00 in New York: the US market is open, so a silent feed would count as stale. */
const MARKET_OPEN_NY = Date.UTC(2026, 0, 5, 15, 0, 0);

const streaming = test.extend<{ clock: SkippingClock; alpaca: AlpacaSimHandle }>({
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

streaming('a quote changes on screen as the broker streams it, and an order’s new state arrives without Refresh', async ({ page, bridge, clock, alpaca }) => {
  await page.goto(bridge.url);
  await openWizardFor(page, 'alpaca', 'alpaca');
  await wizard(page).getByLabel('Name for this connection').fill('Alpaca paper');
  await fillDetails(page, { 'API Key ID': alpaca.credentials.apiKeyId!, 'API Secret Key': alpaca.credentials.apiSecretKey! }, alpaca.baseUrl);
  await wizard(page).getByRole('button', { name: 'Continue to test' }).click();
  await expect(wizard(page).getByTestId('test-ok')).toContainText('accepted these credentials', { timeout: 10_000 });
  await wizard(page).getByRole('button', { name: 'Save connection' }).click();
  await wizard(page).getByRole('button', { name: 'Done' }).click();

  // The health card says whether the connection's price feed is up; nothing is watched yet.
  await page.getByRole('button', { name: 'Health', exact: true }).click();
  await expect(page.getByTestId('health-card').getByTestId('feed-status')).toHaveText('not streaming');

  // Typing a symbol in the ticket watches it: its price streams from Alpaca.
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  await ticket(page).getByLabel('Symbol', { exact: true }).fill('US:AAPL');
  const row = page.getByTestId('quote-row').filter({ hasText: 'US:AAPL' });
  await expect(row).toHaveAttribute('data-source', 'stream', { timeout: 10_000 });
  await expect(page.getByTestId('feed-status')).toHaveText('live');
  await expect(page.getByTestId('broker-prices')).toBeVisible();
  const first = await row.getByTestId('quote-last').textContent();
  // A minute later on the broker's clock the price has moved; the next streamed trade shows it with no request.
  clock.skip(60_000);
  await expect(row.getByTestId('quote-last')).not.toHaveText(first!, { timeout: 5_000 });

  // Live on the broker's paper account; a limit order far below the market rests, open.
  await goLive(page, 'Alpaca paper', { broker: 'Alpaca', environment: 'paper' });
  const form = ticket(page);
  await form.getByLabel('Symbol', { exact: true }).fill('US:AAPL');
  await form.getByLabel('Order type').selectOption('LIMIT');
  await form.getByLabel('Limit price').fill('1.00');
  await form.getByRole('button', { name: 'Review order' }).click();
  await form.getByRole('button', { name: 'Place live order' }).click();
  const order = page.getByTestId('order-row').first();
  await expect(order.getByTestId('order-state')).toHaveText('OPEN', { timeout: 10_000 });

  // The trader cancels it in Alpaca's own app: BrokerVault hears it on trade_updates, with no Refresh and no timer.
  const applied = bridge.services.market.orderStreams.counters.applied;
  const resting = alpaca.exchange.list().find((o) => o.status === 'OPEN')!;
  alpaca.exchange.cancel(resting.id);
  await expect(order.getByTestId('order-state')).toHaveText('CANCELLED', { timeout: 5_000 });
  expect(bridge.services.market.orderStreams.counters.applied).toBeGreaterThan(applied);
});
