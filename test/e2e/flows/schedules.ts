import { expect, type Locator, type Page } from '@playwright/test';

export const schedulesPanel = (page: Page) => page.getByTestId('schedules-panel');

/** The schedule card named `name`. */
export const schedule = (page: Page, name: string) =>
  schedulesPanel(page)
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name, exact: true }) });

export interface BasketOrder {
  symbol: string;
  quantity: string;
  side?: 'BUY' | 'SELL';
  /** A limit order at this price; a market order without it. */
  limitPrice?: string;
  product?: string;
}

/** One basket row (the schedule dialog's or the ticket's basket), filled as a trader does. */
export async function fillOrder(row: Locator, order: BasketOrder): Promise<void> {
  await row.getByLabel('Symbol').fill(order.symbol);
  // The side is a toggle of two labelled radios (the radio itself is hidden): click its label, as a trader does.
  const side = order.side === 'SELL' ? 'Sell' : 'Buy';
  await row.locator('label', { hasText: side }).click();
  await expect(row.getByRole('radio', { name: side })).toBeChecked();
  await row.getByLabel('Quantity').fill(order.quantity);
  await row.getByLabel('Order type').selectOption(order.limitPrice ? 'LIMIT' : 'MARKET');
  if (order.limitPrice) await row.getByLabel('Limit price').fill(order.limitPrice);
  if (order.product) await row.getByLabel('Product').selectOption(order.product);
}

/**
 * Create a schedule through the "New schedule" dialog (on the Trading page): the time zone is left to follow
 * the first order's exchange; days are Mon–Fri unless changed.
 */
export async function createSchedule(
  page: Page,
  s: { name: string; time: string; days?: { check?: string[]; uncheck?: string[] }; orders: BasketOrder[] },
): Promise<void> {
  await schedulesPanel(page).getByRole('button', { name: 'New schedule' }).click();
  const dialog = page.getByRole('dialog', { name: 'New schedule' });
  await dialog.getByLabel('Name').fill(s.name);
  await dialog.getByLabel('Time (24-hour)').fill(s.time);
  for (const day of s.days?.check ?? []) await dialog.getByRole('checkbox', { name: day }).check();
  for (const day of s.days?.uncheck ?? []) await dialog.getByRole('checkbox', { name: day }).uncheck();
  for (const [i, order] of s.orders.entries()) {
    if (i > 0) {
      await dialog.getByRole('button', { name: '+ Add order' }).click();
      // The new row takes the focus, ready for its symbol.
      await expect(dialog.getByRole('group', { name: `Order ${i + 1}` }).getByLabel('Symbol')).toBeFocused();
    }
    await fillOrder(dialog.getByRole('group', { name: `Order ${i + 1}` }), order);
  }
  await dialog.getByRole('button', { name: 'Save schedule' }).click();
  await expect(dialog).toBeHidden();
  await expect(schedule(page, s.name)).toBeVisible();
}
