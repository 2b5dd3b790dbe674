import { expect, type Page } from '@playwright/test';

export const ticket = (page: Page) => page.getByRole('form', { name: 'Order ticket' });

/**
 * A live order from the ticket: pick the symbol from the broker's search results (`search`), or type it in
 * full; review; place.
 */
export async function placeLiveOrder(page: Page, order: { search?: string; symbol: string; quantity?: number; product?: string }): Promise<void> {
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const form = ticket(page);
  const symbol = form.getByRole('combobox', { name: 'Symbol' });
  if (order.search) {
    await symbol.fill(order.search);
    await form
      .getByRole('option', { name: new RegExp(order.symbol) })
      .getByRole('button')
      .first()
      .click();
  } else {
    await symbol.fill(order.symbol);
  }
  await expect(symbol).toHaveValue(order.symbol);
  if (order.quantity !== undefined) await form.getByLabel('Quantity').fill(String(order.quantity));
  if (order.product) await form.getByLabel('Product').selectOption(order.product);
  await form.getByRole('button', { name: 'Review order' }).click();
  const quantity = order.quantity ?? 1;
  await expect(form.getByTestId('order-review')).toContainText(`BUY ${quantity} ${order.symbol} at market${order.product ? ` (${order.product})` : ''}`);
  await form.getByRole('button', { name: 'Place live order' }).click();
}

/** The newest order row reaches `state` (and is a live one). */
export async function expectNewestOrder(page: Page, state: string, timeout = 15_000): Promise<void> {
  const row = page.getByTestId('order-row').first();
  await expect(row).toContainText('LIVE');
  await expect(row.getByTestId('order-state')).toHaveText(state, { timeout });
}

/** The broker's question dialog (IBKR): shows its words; `answer` clicks Confirm or Decline. */
export const brokerQuestion = (page: Page) => page.getByTestId('broker-question');

export async function answerBrokerQuestion(page: Page, expected: RegExp | string, answer: 'Confirm' | 'Decline'): Promise<void> {
  const dialog = brokerQuestion(page);
  await expect(dialog).toBeVisible({ timeout: 10_000 });
  await expect(dialog.getByTestId('broker-prompt')).toContainText(expected);
  await dialog.getByRole('button', { name: answer, exact: true }).click();
}
