import { expect } from './fixtures';
import { goLive } from './flows/mode';
import { alpacaStreamed, connectAlpaca } from './flows/alpaca-streamed';
import { ticket } from './flows/trading';

const streaming = alpacaStreamed;

streaming('a quote changes on screen as the broker streams it, and an order’s new state arrives without Refresh', async ({ page, bridge, clock, alpaca }) => {
  await page.goto(bridge.url);
  await connectAlpaca(page, alpaca, 'Alpaca paper');

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
