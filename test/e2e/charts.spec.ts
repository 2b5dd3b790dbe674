import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';

/** Whether the chart's canvases hold pixels in the theme's buy and sell colours (up and down candles). */
async function paintedCandles(chart: Locator): Promise<{ up: boolean; down: boolean }> {
  return chart.evaluate((el) => {
    const rgb = (name: string) => {
      const hex = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
      return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    };
    const [buy, sell] = [rgb('--buy'), rgb('--sell')];
    let [up, down] = [0, 0];
    for (const canvas of el.querySelectorAll('canvas')) {
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i + 3] !== 255) continue;
        if (px[i] === buy[0] && px[i + 1] === buy[1] && px[i + 2] === buy[2]) up++;
        if (px[i] === sell[0] && px[i + 1] === sell[1] && px[i + 2] === sell[2]) down++;
      }
    }
    return { up: up > 200, down: down > 200 };
  });
}

test("a chart with candles and the trader's order line: paper, simulated feed, a resting limit order", async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByLabel('Symbol').fill('NSE:INFY');

  // Opened from the ticket: bars from the simulated feed, labelled, times in the exchange's zone, TradingView credited.
  await ticket.getByRole('button', { name: 'Open chart' }).click();
  const chart = page.getByTestId('chart-panel');
  await expect(chart.getByRole('heading', { name: 'Chart NSE:INFY' })).toBeVisible();
  await expect(chart).toHaveAttribute('data-bars', /^[1-9]\d{2,}$/, { timeout: 10_000 });
  await expect(chart.getByTestId('chart-simulated')).toBeVisible();
  // The zone in the trader's words, not its internal name.
  await expect(chart.getByTestId('chart-zone')).toHaveText('Times: India (IST)');
  await expect(chart).not.toContainText('Asia/Kolkata');
  // Candles are painted: pixels in the buy (up) and sell (down) colours on the chart's canvases.
  await expect.poll(() => paintedCandles(chart), { timeout: 10_000 }).toEqual({ up: true, down: true });
  await expect(chart.locator('a[href="https://www.tradingview.com/"]').first()).toBeAttached();

  // A buy limit far below the market rests; its price is drawn on the chart.
  await ticket.getByLabel('Quantity').fill('3');
  await ticket.getByLabel('Order type').selectOption('LIMIT');
  await ticket.getByLabel('Limit price').fill('1');
  await ticket.getByRole('button', { name: 'Buy (paper)' }).click();
  await expect(page.getByTestId('order-row').first().getByTestId('order-state')).toHaveText('OPEN', { timeout: 10_000 });
  const line = chart.getByTestId('chart-line');
  await expect(line).toHaveCount(1);
  await expect(line).toHaveAttribute('data-kind', 'order');
  await expect(line).toHaveText('BUY 3 LMT 1');

  // Another interval reads history again; the line stays.
  await chart.getByLabel('Interval').selectOption('1h');
  await expect(chart).toHaveAttribute('data-bars', /^[1-9]\d{2,}$/, { timeout: 10_000 });
  await expect(line).toHaveText('BUY 3 LMT 1');

  // Cancelled, the line goes.
  await page.getByRole('button', { name: 'Cancel order NSE:INFY BUY 3' }).click();
  await expect(line).toHaveCount(0, { timeout: 10_000 });

  // Opened from a quote row and closed again.
  await chart.getByRole('button', { name: 'Close chart' }).click();
  await expect(chart).toHaveCount(0);
  await page.getByRole('button', { name: 'Chart NSE:INFY' }).click();
  await expect(page.getByTestId('chart-panel')).toHaveAttribute('data-bars', /^[1-9]\d{2,}$/, { timeout: 10_000 });
});

test('a modify by drag with confirmation: dragging a resting limit order line opens the modify dialog at the new price', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByLabel('Symbol').fill('NSE:INFY');
  await ticket.getByRole('button', { name: 'Open chart' }).click();
  const chart = page.getByTestId('chart-panel');
  await expect(chart).toHaveAttribute('data-bars', /^[1-9]\d{2,}$/, { timeout: 10_000 });

  // A buy limit just under the lowest bar loaded: it rests (the simulated feed stays within its range) and shows on the chart.
  const low = Number(await chart.getAttribute('data-low'));
  const limit = Math.floor(low * 0.995 * 20) / 20;
  await ticket.getByLabel('Quantity').fill('3');
  await ticket.getByLabel('Order type').selectOption('LIMIT');
  await ticket.getByLabel('Limit price').fill(String(limit));
  await ticket.getByRole('button', { name: 'Buy (paper)' }).click();
  const row = page.getByTestId('order-row').first();
  await expect(row.getByTestId('order-state')).toHaveText('OPEN', { timeout: 10_000 });
  // Prices as the app shows them (the page's locale groups thousands).
  const shown = (p: number) => page.evaluate((v) => v.toLocaleString(undefined, { maximumFractionDigits: 2 }), p);
  const line = chart.getByTestId('chart-line');
  await expect(line).toHaveText(`BUY 3 LMT ${await shown(limit)}`);
  await expect(line).toHaveAttribute('data-y', /\d/);
  const y = Number(await line.getAttribute('data-y'));
  const area = (await chart.locator('.chart-box').boundingBox())!;
  const x = area.x + area.width / 3;

  // Hovering the line shows it can be grabbed.
  await page.mouse.move(x, area.y + y);
  await expect(chart.locator('.chart-box')).toHaveAttribute('title', /drag to modify/);

  // Escape during a drag changes nothing.
  await page.mouse.down();
  await page.mouse.move(x, area.y + y - 30, { steps: 5 });
  await page.keyboard.press('Escape');
  await page.mouse.up();
  const dialog = page.getByTestId('modify-order');
  await expect(dialog).toHaveCount(0);

  // Dragged up 30 px: the dialog opens with the new price, on NSE's 0.05 tick; nothing changes before its confirm step.
  await page.mouse.move(x, area.y + y);
  await page.mouse.down();
  await page.mouse.move(x, area.y + y - 30, { steps: 5 });
  await page.mouse.up();
  await expect(dialog).toContainText('A paper order');
  const price = Number(await dialog.getByLabel('Limit price').inputValue());
  expect(price).toBeGreaterThan(limit);
  expect(Math.round(price * 20) / 20).toBe(price);
  await expect(row).toContainText(`LIMIT @ ${await shown(limit)}`);

  await dialog.getByRole('button', { name: 'Modify (paper)' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText(`LIMIT @ ${await shown(price)}`);
  await expect(row.getByTestId('order-state')).toHaveText('OPEN');
  // The line moves to the new price.
  await expect(line).toHaveText(`BUY 3 LMT ${await shown(price)}`);
  await expect.poll(async () => Number(await line.getAttribute('data-y'))).toBeLessThan(y - 20);
});
