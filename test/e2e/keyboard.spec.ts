import type { SimulatorHandle } from '../simulators/harness';
import { expect, test } from './fixtures';
import { ANGEL_LABELS, wizard } from './flows/connect';
import { expectTabReachesAll, tabAndEnter, tabAndType, tabTo } from './flows/keyboard';
import { startSim, windowGap } from './flows/sims';

/**
 * Issue 16: every action reachable with Tab, Enter and Escape, with a visible focus ring. The trader connects Angel
 * One (its simulator) through the wizard and places a paper order without the mouse: no click, no focus() call;
 * every Tab stop on the way must show its ring.
 */
let angel: SimulatorHandle;
test.beforeEach(async () => {
  angel = await startSim('angel-one');
});
test.afterEach(async () => {
  await angel.close();
});
test.use({ actionTimeout: 10_000 });

test('keyboard only: connect a broker through the wizard and place a paper order', async ({ page, bridge }) => {
  test.setTimeout(60_000);
  await page.goto(bridge.url);
  await expect(page.getByTestId('vault-badge')).toHaveText('Vault ready');

  // Open the wizard; Escape closes it and gives the focus back to its button; open it again.
  const connect = page.getByRole('button', { name: 'Connect your first broker' });
  await tabAndEnter(page, connect);
  const dialog = wizard(page);
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(connect).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();

  // The search box has the focus: type, then Tab to the broker and pick it with Enter.
  await expect(dialog.getByRole('searchbox')).toBeFocused();
  await page.keyboard.type('angel');
  await tabAndEnter(page, dialog.getByTestId('broker-angel-one'));

  // Details: the name, each field, then Advanced (a <summary>: Enter opens it) and the API host.
  await tabAndType(page, dialog.getByLabel('Name for this connection'), 'Angel keys');
  for (const [label, value] of Object.entries(ANGEL_LABELS(angel.credentials))) await tabAndType(page, dialog.getByLabel(label, { exact: true }), value);
  await tabAndEnter(page, dialog.getByText('Advanced', { exact: true }));
  await tabAndType(page, dialog.getByLabel('API host override'), angel.baseUrl);
  await tabAndEnter(page, dialog.getByRole('button', { name: 'Continue to test' }));
  await expect(dialog.getByTestId('test-ok')).toContainText('accepted these credentials', { timeout: 10_000 });
  // SmartAPI allows one login per second; the test just logged in.
  await page.waitForTimeout(windowGap(1_000));
  await tabAndEnter(page, dialog.getByRole('button', { name: 'Save connection' }));
  await expect(dialog.getByTestId('wizard-done')).toBeVisible({ timeout: 10_000 });
  // Done has the focus on the done step.
  await expect(dialog.getByRole('button', { name: 'Done' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('connection-card').filter({ hasText: 'Angel keys' })).toBeVisible();

  // To Trading by the sidebar, then a paper order from the ticket.
  await tabAndEnter(page, page.getByRole('button', { name: 'Trading', exact: true }));
  await expect(page.getByRole('heading', { name: 'Trading', level: 1 })).toBeVisible();
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await tabAndType(page, ticket.getByLabel('Symbol'), 'NSE:INFY');
  // Escape closes the symbol suggestions, if any, and keeps what was typed.
  await page.keyboard.press('Escape');
  await expect(ticket.getByLabel('Symbol')).toHaveValue('NSE:INFY');
  await tabAndType(page, ticket.getByLabel('Quantity'), '3');
  await tabAndEnter(page, ticket.getByRole('button', { name: 'Buy (paper)' }));
  await expect(ticket.getByTestId('order-placed')).toContainText('BUY 3 NSE:INFY');
  await expect(page.getByTestId('order-row').first().getByTestId('order-state')).toHaveText('FILLED', { timeout: 10_000 });
  await expect(page.getByTestId('order-row').first()).toContainText('PAPER');
});

test('a Tab stop without a visible focus ring fails the keyboard steps', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await expect(page.getByTestId('vault-badge')).toHaveText('Vault ready');
  await page.addStyleTag({ content: ':focus-visible { outline: none !important; }' });
  await expect(tabTo(page, page.getByRole('button', { name: 'Connect your first broker' }))).rejects.toThrow(/shows a focus ring/);
});

test('the Tab walk names a control Tab never reaches', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await expect(page.getByTestId('vault-badge')).toHaveText('Vault ready');
  await expectTabReachesAll(page, 'Connections');
  // A control that gives the focus away as soon as it gets it cannot be used from the keyboard.
  await page.evaluate(() => {
    const slippery = document.createElement('button');
    slippery.textContent = 'Slippery';
    slippery.addEventListener('focus', () => slippery.blur());
    document.querySelector('main')!.prepend(slippery);
  });
  await expect(expectTabReachesAll(page, 'Connections')).rejects.toThrow(/Slippery/);
});
