import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createSchedule, schedule, schedulesPanel } from './flows/schedules';

/** How far the document is taller / wider than the window (0 when only the app's own panes scroll). */
async function windowOverflow(page: Page): Promise<{ y: number; x: number }> {
  return page.evaluate(() => {
    const doc = document.scrollingElement!;
    return { y: doc.scrollHeight - innerHeight, x: doc.scrollWidth - innerWidth };
  });
}

test('the window itself never scrolls: with schedules listed the top bar stays in view and only the content pane scrolls', async ({ page, bridge }) => {
  // A short window, so the schedule cards (with their screen-reader text, "Runs on Mon, …") are below the fold.
  await page.setViewportSize({ width: 1280, height: 560 });
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  await createSchedule(page, { name: 'Close buy', time: '15:10', orders: [{ symbol: 'NSE:SBIN', quantity: '1' }] });
  await createSchedule(page, {
    name: 'Evening basket',
    time: '20:15',
    orders: [
      { symbol: 'NSE:INFY', quantity: '5', side: 'SELL', limitPrice: '260', product: 'CNC' },
      { symbol: 'US:AAPL', quantity: '2' },
    ],
  });
  const last = schedule(page, 'Evening basket');
  await expect(last.getByTestId('schedule-days')).toContainText('Runs on Mon, Tue, Wed, Thu, Fri');

  // The content pane has more than fits; the document does not.
  expect(await page.locator('.content').evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  expect(await windowOverflow(page)).toEqual({ y: 0, x: 0 });

  // Even asked to, the window has nowhere to scroll; the pane brings the last card into view and the top bar (the
  // mode, and Go live… where the Kill switch is in live mode) stays on screen.
  await page.evaluate(() => scrollTo(0, 10_000));
  expect(await page.evaluate(() => scrollY)).toBe(0);
  await last.getByRole('button', { name: 'Delete schedule Evening basket' }).scrollIntoViewIfNeeded();
  await expect(last.getByRole('button', { name: 'Delete schedule Evening basket' })).toBeInViewport();
  expect(await page.evaluate(() => scrollY)).toBe(0);
  await expect(page.getByTestId('mode-badge')).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Go live…' })).toBeInViewport();
});

/**
 * Whether a select shows its chosen option in full: a copy of it sized to that option (`field-sizing: content`, the
 * browser's own measure of text, padding and arrow) is no wider than the select on screen.
 */
async function showsWholeOption(select: Locator): Promise<{ text: string; shown: number; needed: number }> {
  return select.evaluate((el) => {
    const s = el as HTMLSelectElement;
    const copy = s.cloneNode(true) as HTMLSelectElement;
    copy.value = s.value;
    copy.style.cssText = 'field-sizing: content; width: auto; min-width: 0; max-width: none; position: absolute; visibility: hidden;';
    s.after(copy);
    const needed = Math.ceil(copy.getBoundingClientRect().width);
    copy.remove();
    return { text: s.selectedOptions[0]!.text, shown: Math.ceil(s.getBoundingClientRect().width), needed };
  });
}

test('the New schedule dialog’s order row shows every product in full at the dialog’s size, and wraps on narrower windows', async ({ page, bridge }) => {
  // The size of the docs' screenshots.
  await page.setViewportSize({ width: 1360, height: 860 });
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  await schedulesPanel(page).getByRole('button', { name: 'New schedule' }).click();
  const dialog = page.getByRole('dialog', { name: 'New schedule' });
  const row = dialog.getByRole('group', { name: 'Order 1' });
  await row.getByLabel('Symbol').fill('NSE:INFY');
  await row.getByLabel('Order type').selectOption('LIMIT');
  const product = row.getByLabel('Product');
  const fields = row.locator('.basket-row-fields');
  // Items start at their flex line's top (less their own top margin): one such top means one line.
  const oneLine = () =>
    fields.evaluate(
      (el) => new Set([...el.children].map((c) => Math.round(c.getBoundingClientRect().top - parseFloat(getComputedStyle(c).marginTop)))).size === 1,
    );
  const fits = () =>
    fields.evaluate((el) => el.scrollWidth <= el.clientWidth && el.getBoundingClientRect().right <= el.closest('.dialog')!.getBoundingClientRect().right);

  // One order (no ✕) and two (each with its ✕): CNC and MIS in full, on one line with the rest of the order.
  for (const rows of [1, 2]) {
    if (rows === 2) await dialog.getByRole('button', { name: '+ Add order' }).click();
    for (const value of ['CNC', 'MIS']) {
      await product.selectOption(value);
      const shown = await showsWholeOption(product);
      expect(shown.shown, `"${shown.text}" with ${rows} order(s)`).toBeGreaterThanOrEqual(shown.needed);
      expect(await oneLine(), `${value} with ${rows} order(s) on one line`).toBe(true);
    }
    // The longest also in full (it may take the next line when the row is full).
    await product.selectOption('NRML');
    const shown = await showsWholeOption(product);
    expect(shown.text).toBe('NRML — F&O carry forward');
    expect(shown.shown).toBeGreaterThanOrEqual(shown.needed);
    expect(await fits()).toBe(true);
  }
  await expect(row.getByLabel('Order type')).toHaveValue('LIMIT');
  const type = await showsWholeOption(row.getByLabel('Order type'));
  expect(type.shown).toBeGreaterThanOrEqual(type.needed);

  // Narrower windows: the row wraps instead of squeezing or spilling out of the dialog; every select still reads in full.
  await product.selectOption('CNC');
  for (const width of [900, 640, 480]) {
    await page.setViewportSize({ width, height: 860 });
    expect(await fits(), `row fits at ${width} px`).toBe(true);
    for (const select of [product, row.getByLabel('Order type')]) {
      const shown = await showsWholeOption(select);
      expect(shown.shown, `"${shown.text}" at ${width} px`).toBeGreaterThanOrEqual(shown.needed);
    }
  }
});
