import { expect, test } from './fixtures';

test('the P&L curve of the paper account for today: a point per fill, realised and open, drawn', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const panel = page.getByTestId('pnl-curve');
  await expect(panel.getByRole('heading', { name: 'P&L curve' })).toBeVisible();
  // No fills yet today: a flat curve from the day's start to now.
  await expect(panel).toHaveAttribute('data-points', '2');
  await expect(panel.getByTestId('pnl-summary')).toContainText('0 fills');
  await expect(panel.getByTestId('pnl-summary')).toContainText('nothing open');

  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByLabel('Symbol').fill('NSE:INFY');
  await ticket.getByLabel('Quantity').fill('10');
  await ticket.getByRole('button', { name: 'Buy (paper)' }).click();
  await expect(page.getByTestId('order-row').first().getByTestId('order-state')).toHaveText('FILLED', { timeout: 10_000 });
  await ticket.locator('label', { hasText: /^Sell$/ }).click();
  await ticket.getByLabel('Quantity').fill('4');
  await ticket.getByRole('button', { name: 'Sell (paper)' }).click();
  await expect(page.getByTestId('order-row').first().getByTestId('order-state')).toHaveText('FILLED', { timeout: 10_000 });

  // Each fill adds a point (fills in the same second share one on the chart, not in the curve).
  await expect(panel).toHaveAttribute('data-points', '4', { timeout: 10_000 });
  const summary = panel.getByTestId('pnl-summary');
  await expect(summary).toContainText('2 fills');
  await expect(summary).toContainText(/realised -?[\d,.]+, open -?[\d,.]+ \(marked at current prices\)/);
  // The line is painted on the chart's canvas.
  await expect
    .poll(() =>
      panel.evaluate((el) =>
        [...el.querySelectorAll('canvas')].some((c) => {
          const ctx = c.getContext('2d');
          if (!ctx || c.width === 0) return false;
          const px = ctx.getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < px.length; i += 4) if (px[i] === 255) return true;
          return false;
        }),
      ),
    )
    .toBe(true);
  // Another zone's day reads the curve again.
  await panel.getByLabel('Day in').selectOption('UTC');
  await expect(summary).toContainText('2 fills');
  await expect(panel.locator('a[href="https://www.tradingview.com/"]').first()).toBeAttached();
});
