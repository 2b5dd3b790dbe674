import { expect, test } from './fixtures';
import { connectAngel } from './flows/connect';
import { goLive, killSwitch, liveOnAngel } from './flows/mode';
import { fillOrder } from './flows/schedules';
import { startSim } from './flows/sims';
import { ticket } from './flows/trading';

const basket = (page: import('@playwright/test').Page) => page.getByRole('form', { name: 'Basket order' });

test('a basket from the ticket in paper: rows added, reviewed, each placed with its own result, never twice', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  await ticket(page).getByRole('button', { name: 'Basket', exact: true }).click();
  const form = basket(page);
  await fillOrder(form.getByRole('group', { name: 'Order 1' }), { symbol: 'NSE:INFY', quantity: '2' });
  await fillOrder(form.getByRole('group', { name: 'Order 2' }), { symbol: 'NSE:TCS', quantity: '1', limitPrice: '1' });
  await form.getByRole('button', { name: 'Add order' }).click();
  await fillOrder(form.getByRole('group', { name: 'Order 3' }), { symbol: 'NSE:ITC', quantity: '3', side: 'SELL' });

  // A blank symbol is caught in the ticket's own words before anything is sent.
  await form.getByRole('group', { name: 'Order 3' }).getByLabel('Symbol').fill('');
  await form.getByRole('button', { name: 'Review 3 orders' }).click();
  await expect(form.getByRole('group', { name: 'Order 3' })).toContainText('Enter a symbol as EXCHANGE:SYMBOL');
  await expect(form.getByTestId('basket-review')).toHaveCount(0);
  await form.getByRole('button', { name: 'Remove order 3' }).click();

  await form.getByRole('button', { name: 'Review 2 orders' }).click();
  const review = form.getByTestId('basket-review');
  await expect(review).toContainText('Review — 2 orders in paper');
  await expect(review.getByRole('listitem')).toHaveText(['BUY 2 NSE:INFY at market', 'BUY 1 NSE:TCS limit 1']);
  await form.getByRole('button', { name: 'Place 2 orders (paper)' }).click();

  const results = form.getByTestId('basket-result');
  await expect(results).toHaveCount(2);
  await expect(results.nth(0)).toContainText('Order sent: BUY 2 NSE:INFY — filled');
  await expect(results.nth(1)).toContainText('Order sent: BUY 1 NSE:TCS — open');
  await expect(page.getByTestId('order-row')).toHaveCount(2);

  // Pressing Place again sends nothing twice: each row's ticket id is its idempotency key.
  await form.getByRole('button', { name: 'Place again' }).click();
  await expect(results.nth(0)).toContainText('Order sent: BUY 2 NSE:INFY');
  await expect(page.getByTestId('order-row')).toHaveCount(2);

  // Back to the single ticket.
  await form.getByRole('button', { name: 'Single order' }).click();
  await expect(ticket(page)).toBeVisible();
});

test('a live basket needs the same review as a live order, names the account, and reports each row', async ({ page, bridge }) => {
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await connectAngel(page, angel, { label: 'Angel main' });
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    await goLive(page, 'Angel main', { broker: 'Angel One SmartAPI', environment: 'LIVE' });
    await page.getByRole('button', { name: 'Trading', exact: true }).click();
    await ticket(page).getByRole('button', { name: 'Basket', exact: true }).click();
    const form = basket(page);
    await expect(form).toContainText('LIVE · Angel main');
    await fillOrder(form.getByRole('group', { name: 'Order 1' }), { symbol: 'NSE:INFY', quantity: '1', product: 'CNC' });
    await fillOrder(form.getByRole('group', { name: 'Order 2' }), { symbol: 'NSE:SBIN', quantity: '2', product: 'CNC' });
    await form.getByRole('button', { name: 'Review 2 orders' }).click();
    const review = form.getByTestId('basket-review');
    await expect(review).toContainText('Review — these are 2 orders, real orders');
    await expect(review).toContainText('Angel main');
    await expect(review.getByRole('listitem')).toHaveText(['BUY 1 NSE:INFY at market (CNC)', 'BUY 2 NSE:SBIN at market (CNC)']);
    // Edit goes back without sending anything.
    await form.getByRole('button', { name: 'Edit' }).click();
    await expect(page.getByTestId('order-row')).toHaveCount(0);
    await form.getByRole('button', { name: 'Review 2 orders' }).click();
    await form.getByRole('button', { name: 'Place 2 orders live' }).click();
    const results = form.getByTestId('basket-result');
    await expect(results).toHaveCount(2, { timeout: 15_000 });
    await expect(results.nth(0)).toContainText('BUY 1 NSE:INFY');
    await expect(results.nth(1)).toContainText('BUY 2 NSE:SBIN');
    await expect(page.getByTestId('order-row')).toHaveCount(2);
    await expect(page.getByTestId('order-row').first()).toContainText('LIVE');
  } finally {
    await angel.close();
  }
});

test('a live order above the freeze quantity is sent in slices and shown grouped in the orders table', async ({ page, bridge }) => {
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await connectAngel(page, angel, { label: 'Angel main' });
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    await goLive(page, 'Angel main', { broker: 'Angel One SmartAPI', environment: 'LIVE' });
    await page.getByRole('button', { name: 'Trading', exact: true }).click();
    const form = ticket(page);
    // Picked from Angel One's instrument search, whose master gives the lot size (75).
    const symbol = form.getByRole('combobox', { name: 'Symbol' });
    await symbol.fill('NIFTY27JAN26F');
    await form
      .getByRole('option', { name: /NFO:NIFTY27JAN26FUT/ })
      .getByRole('button')
      .first()
      .click();
    await expect(symbol).toHaveValue('NFO:NIFTY27JAN26FUT');
    await form.getByLabel('Quantity').fill('4500');
    await form.getByLabel('Order type').selectOption('LIMIT');
    await form.getByLabel('Limit price').fill('10');
    await form.getByLabel('Product').selectOption('NRML');
    await form.getByRole('button', { name: 'Review order' }).click();
    await form.getByRole('button', { name: 'Place live order' }).click();
    await expect(form.getByTestId('order-split')).toHaveText("Above the exchange's freeze quantity: sent as 3 of 3 slices, each a separate order.", {
      timeout: 15_000,
    });
    await expect(page.getByTestId('split-row')).toContainText('BUY 4500 NFO:NIFTY27JAN26FUT in 3 slices · 0 filled');
    const rows = page.getByTestId('order-row');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0)).toContainText('slice 1/3');
    await expect(rows.nth(0)).toContainText('1,800');
    await expect(rows.nth(2)).toContainText('slice 3/3');
    await expect(rows.nth(2)).toContainText('900');
  } finally {
    await angel.close();
  }
});

test('the kill switch while a live basket is being placed: the remaining rows are not sent, not even to paper', async ({ page, bridge }) => {
  // The first row's answer is held on the bridge's wire until the kill switch has run.
  let holding = true;
  let held: (() => void) | null = null;
  const placeCalls = new Set<number>();
  let refreshed = false;
  await page.routeWebSocket(/\/__bridge\/ws/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const call = JSON.parse(String(message)) as { id?: number; channel?: string };
      if (call.channel === 'orders:place' && call.id !== undefined) placeCalls.add(call.id);
      if (call.channel === 'orders:refresh') refreshed = true;
      server.send(message);
    });
    server.onMessage((message) => {
      const reply = JSON.parse(String(message)) as { id?: number };
      if (holding && reply.id !== undefined && placeCalls.has(reply.id)) {
        holding = false;
        held = () => ws.send(message);
      } else ws.send(message);
    });
  });
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await liveOnAngel(page, angel);
    await ticket(page).getByRole('button', { name: 'Basket', exact: true }).click();
    const form = basket(page);
    await fillOrder(form.getByRole('group', { name: 'Order 1' }), { symbol: 'NSE:INFY', quantity: '1', product: 'CNC' });
    await fillOrder(form.getByRole('group', { name: 'Order 2' }), { symbol: 'NSE:SBIN', quantity: '2', product: 'CNC' });
    await form.getByRole('button', { name: 'Review 2 orders' }).click();
    await form.getByRole('button', { name: 'Place 2 orders live' }).click();
    await expect.poll(() => held !== null).toBe(true);

    await killSwitch(page);
    held!();
    // Only the first row was placed (live); the second went nowhere, paper included.
    const rows = page.getByTestId('order-row');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('LIVE');
    await expect(rows.first()).toContainText('NSE:INFY');
    // A later call on the same ordered socket: any next row's orders:place would have gone before it.
    await page.getByRole('region', { name: 'Orders' }).getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => refreshed).toBe(true);
    expect(placeCalls.size).toBe(1);
  } finally {
    await angel.close();
  }
});
