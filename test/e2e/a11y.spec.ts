import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startBridge } from '../bridge/server';
import { priceAt } from '../simulators/exchange';
import type { SimulatorHandle } from '../simulators/harness';
import { startIbkrGateway, type IbkrSimHandle } from '../simulators/ibkr';
import { A11yWalk, formatFindings, scanA11y } from './a11y';
import { expect, test } from './fixtures';
import { ANGEL_LABELS, connectIbkr, fillDetails, openWizardFor, wizard } from './flows/connect';
import { goLive } from './flows/mode';
import { SkippingClock, startSim, windowGap, type Pause } from './flows/sims';
import { brokerQuestion, placeLiveOrder } from './flows/trading';

/**
 * The standing accessibility check: every page and every dialog, in light and in dark theme, scanned with axe-core
 * against WCAG 2.1 A and AA. Each theme walks the whole app once and fails with every violation found on the way.
 */

const THEMES = ['light', 'dark'] as const;

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate(async (t) => {
    await (window as unknown as { brokerVault: { settings: { set(i: unknown): Promise<unknown> } } }).brokerVault.settings.set({ theme: t });
  }, theme);
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

/** Close the open dialog with its Cancel-like button and wait until it is gone. */
async function dismiss(page: Page, button: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await expect(dialog).toBeHidden();
}

for (const theme of THEMES) {
  test.describe(`accessibility (${theme} theme)`, () => {
    test.use({ actionTimeout: 10_000 });
    let angel: SimulatorHandle;
    test.beforeEach(async () => {
      angel = await startSim('angel-one');
    });
    test.afterEach(async () => {
      await angel.close();
    });

    test(`every page and dialog passes WCAG 2.1 A/AA in the ${theme} theme`, async ({ page, bridge }) => {
      test.setTimeout(200_000);
      // The Tab walk (every control reached, with its ring) once, in the light theme: reachability is the same in both.
      const scan = new A11yWalk(page, theme, theme === 'light');
      await page.goto(bridge.url);
      await expect(page.getByTestId('vault-badge')).toBeVisible();
      await setTheme(page, theme);

      // Connections, empty, and the wizard's steps.
      await expect(page.getByRole('button', { name: 'Connect your first broker' })).toBeVisible();
      await scan.scan('Connections (empty)');
      await page.getByRole('button', { name: 'Connect your first broker' }).click();
      await expect(wizard(page).getByTestId('broker-angel-one')).toBeVisible();
      await scan.scanDialog('Wizard: pick a broker');
      await wizard(page).getByTestId('broker-zerodha').click();
      await expect(wizard(page).getByTestId('redirect-uri')).toBeVisible();
      await scan.scanDialog('Wizard: details (OAuth broker)');
      await page.keyboard.press('Escape');
      await expect(wizard(page)).toBeHidden();
      // Angel One (TOTP): details, the test's answer, then done.
      await openWizardFor(page, 'angel', 'angel-one');
      await wizard(page).getByLabel('Name for this connection').fill('Angel main');
      await fillDetails(page, ANGEL_LABELS(angel.credentials), angel.baseUrl);
      await scan.scanDialog('Wizard: details (TOTP broker)');
      await wizard(page).getByRole('button', { name: 'Continue to test' }).click();
      await expect(wizard(page).getByTestId('test-ok')).toContainText('accepted these credentials', { timeout: 10_000 });
      await scan.scanDialog('Wizard: test');
      // SmartAPI allows one login per second; the test just logged in.
      await page.waitForTimeout(windowGap(1_000));
      await wizard(page).getByRole('button', { name: 'Save connection' }).click();
      await expect(wizard(page).getByTestId('wizard-done')).toBeVisible({ timeout: 10_000 });
      await scan.scanDialog('Wizard: done');
      await wizard(page).getByRole('button', { name: 'Done' }).click();
      await expect(wizard(page)).toBeHidden();

      // Connections with a card, its Edit and Delete dialogs.
      await nav(page, 'Connections');
      const card = page.getByTestId('connection-card').filter({ hasText: 'Angel main' });
      await expect(card).toBeVisible();
      await scan.scan('Connections');
      await card.getByRole('button', { name: 'Edit Angel main' }).click();
      await expect(page.getByRole('dialog', { name: 'Edit “Angel main”' })).toBeVisible();
      await scan.scanDialog('Edit connection');
      await dismiss(page, 'Cancel');
      await card.getByRole('button', { name: 'Delete Angel main' }).click();
      await expect(page.getByRole('dialog', { name: 'Delete “Angel main”?' })).toBeVisible();
      await scan.scanDialog('Delete connection');
      await dismiss(page, 'Cancel');

      await nav(page, 'Health');
      await expect(page.getByTestId('health-card').filter({ hasText: 'Connected' })).toBeVisible({ timeout: 10_000 });
      await scan.scan('Health');

      // Settings: paper charges on, so the orders table below shows the estimated charges of each fill.
      await nav(page, 'Settings');
      // Clicked, not check(): the box shows main's saved setting, which arrives a moment after the click.
      const charges = page.getByRole('checkbox', { name: /Estimate charges on paper fills/ });
      await charges.click();
      await expect(charges).toBeChecked();

      // Trading on paper: a filled order, a resting one, a schedule; then its dialogs.
      await nav(page, 'Trading');
      const form = page.getByRole('form', { name: 'Order ticket' });
      await form.getByLabel('Symbol').fill('NSE:INFY');
      await form.getByLabel('Quantity').fill('2');
      await form.getByRole('button', { name: 'Buy (paper)' }).click();
      // Setting up the screens to scan, not timing the order path (trading.spec.ts does that). The paper price comes
      // from the Angel One simulator, whose REST quotes are paced at one a second: under heavy machine load the
      // second order has been seen to wait over 10 s behind other quote requests (an open finding, see docs/ui.md).
      await expect(page.getByTestId('order-row').first().getByTestId('order-state')).toHaveText('FILLED', { timeout: 30_000 });
      await form.getByLabel('Order type').selectOption('LIMIT');
      await form.getByLabel('Limit price').fill('1');
      await form.getByRole('button', { name: 'Buy (paper)' }).click();
      await expect(page.getByTestId('order-row').first().getByTestId('order-state')).toHaveText('OPEN', { timeout: 30_000 });
      await expect(page.getByTestId('position-row').first()).toBeVisible();
      await expect(page.getByTestId('order-row').nth(1)).toContainText('Estimated charges');
      await expect(page.getByTestId('pnl-curve')).not.toHaveAttribute('data-points', '0', { timeout: 10_000 });
      await scan.scan('Trading (paper)');

      // The chart panel, opened from the ticket.
      await form.getByRole('button', { name: 'Open chart' }).click();
      await expect(page.getByTestId('chart-panel')).not.toHaveAttribute('data-bars', '0', { timeout: 10_000 });
      await scan.scan('Trading (paper, chart)');
      await page.getByRole('button', { name: 'Close chart' }).click();
      await expect(page.getByTestId('chart-panel')).toBeHidden();

      // The ticket's Exits section in each of its shapes, then the exits panel with one exit of each kind.
      const exitForm = page.getByRole('form', { name: 'Protective exit' });
      await exitForm.getByRole('combobox', { name: 'Exit', exact: true }).selectOption('bracket');
      await exitForm.getByRole('combobox', { name: 'Entry', exact: true }).selectOption('LIMIT');
      await exitForm.getByLabel('Entry limit price').fill('1');
      await exitForm.getByLabel('Target price').fill('99999');
      await exitForm.getByLabel('Stop price').fill('0.5');
      await scan.scan('Trading (exits: bracket)');
      await exitForm.getByRole('button', { name: 'Set exit (paper)' }).click();
      await expect(exitForm.getByTestId('exit-placed')).toBeVisible({ timeout: 10_000 });
      await exitForm.getByRole('combobox', { name: 'Exit', exact: true }).selectOption('oco');
      await exitForm.getByLabel('Exit quantity').fill('1');
      await exitForm.getByLabel('Target price').fill('99999');
      await exitForm.getByLabel('Stop price').fill('1');
      await exitForm.getByRole('button', { name: 'Set exit (paper)' }).click();
      await expect(exitForm.getByTestId('exit-placed')).toBeVisible({ timeout: 10_000 });
      await exitForm.getByRole('combobox', { name: 'Exit', exact: true }).selectOption('trailing');
      await exitForm.getByLabel('Exit quantity').fill('1');
      await exitForm.getByLabel('Trail', { exact: true }).fill('5');
      await exitForm.getByRole('button', { name: 'Set exit (paper)' }).click();
      await expect(exitForm.getByTestId('exit-placed')).toBeVisible({ timeout: 10_000 });
      await expect(page.getByTestId('exit-row')).toHaveCount(3);
      await scan.scan('Trading (paper, exits)');

      await page
        .getByTestId('order-row')
        .first()
        .getByRole('button', { name: /^Modify order/ })
        .click();
      await expect(page.getByTestId('modify-order')).toBeVisible();
      await scan.scanDialog('Modify order');
      await dismiss(page, 'Keep order as it is');

      const schedules = page.getByTestId('schedules-panel');
      await schedules.getByRole('button', { name: 'New schedule' }).click();
      const newSchedule = page.getByRole('dialog', { name: 'New schedule' });
      await expect(newSchedule).toBeVisible();
      await scan.scanDialog('New schedule');
      await newSchedule.getByLabel('Name').fill('Close buy');
      await newSchedule.getByLabel('Time (24-hour)').fill('15:10');
      const row = newSchedule.getByRole('group', { name: 'Order 1' });
      await row.getByLabel('Symbol').fill('NSE:SBIN');
      await row.getByLabel('Quantity').fill('1');
      await newSchedule.getByRole('button', { name: 'Save schedule' }).click();
      await expect(newSchedule).toBeHidden();
      await expect(schedules.getByTestId('schedule').filter({ hasText: 'Close buy' })).toBeVisible();
      await scan.scan('Trading (paper, a schedule)');
      await schedules.getByRole('button', { name: 'Delete schedule Close buy' }).click();
      await expect(page.getByRole('dialog', { name: 'Delete schedule “Close buy”?' })).toBeVisible();
      await scan.scanDialog('Delete schedule');
      await dismiss(page, 'Cancel');

      await page.getByTestId('paper-account').getByRole('button', { name: 'Reset…' }).click();
      await expect(page.getByRole('dialog', { name: 'Reset the paper account?' })).toBeVisible();
      await scan.scanDialog('Reset paper account');
      await dismiss(page, 'Cancel');

      await form.getByRole('button', { name: 'Basket', exact: true }).click();
      const basket = page.getByRole('form', { name: 'Basket order' });
      for (const [i, symbol] of ['NSE:INFY', 'NSE:TCS'].entries())
        await basket
          .getByRole('group', { name: `Order ${i + 1}` })
          .getByLabel('Symbol')
          .fill(symbol);
      await basket.getByRole('button', { name: 'Review 2 orders' }).click();
      await expect(basket.getByTestId('basket-review')).toBeVisible();
      await scan.scan('Trading (basket review)');
      await basket.getByRole('button', { name: 'Single order' }).click();

      // Going live: both steps of the confirmation, the live console, the kill switch and its report.
      await page.getByRole('button', { name: 'Go live…' }).click();
      const live = page.getByRole('dialog', { name: 'Switch to live trading' });
      await expect(live.getByRole('button', { name: 'Continue' })).toBeVisible();
      await scan.scanDialog('Go live: pick the account');
      await live.getByRole('button', { name: 'Continue' }).click();
      await expect(live.getByTestId('live-target')).toBeVisible();
      await live.getByLabel('Confirmation phrase').fill('GO LIVE');
      await scan.scanDialog('Go live: confirm');
      await live.getByRole('button', { name: 'Go live' }).click();
      await expect(live).toBeHidden();
      await expect(page.getByTestId('kill-switch')).toBeVisible();
      await form.getByLabel('Symbol').fill('NSE:INFY');
      await expect(
        page.getByRole('region', { name: 'Positions' }).getByText('No open positions in this account').or(page.getByTestId('position-row')).first(),
      ).toBeVisible();
      await scan.scan('Trading (live)');
      await exitForm.getByRole('combobox', { name: 'Exit', exact: true }).selectOption('trailing');
      await exitForm.getByLabel('Trail', { exact: true }).fill('5');
      await exitForm.getByRole('button', { name: 'Review exit' }).click();
      await expect(exitForm.getByTestId('exit-review')).toBeVisible();
      await scan.scan('Trading (live exit review)');
      await page.getByTestId('kill-switch').click();
      const kill = page.getByRole('dialog', { name: 'Kill switch' });
      await expect(kill.getByRole('button', { name: 'Engage kill switch' })).toBeVisible();
      await scan.scanDialog('Kill switch');
      await kill.getByRole('button', { name: 'Engage kill switch' }).click();
      await expect(kill.getByTestId('kill-summary')).toBeVisible();
      await scan.scanDialog('Kill switch report');
      await kill.getByRole('button', { name: 'Close' }).click();
      await expect(kill).toBeHidden();
      await scan.scan('Trading (live locked)');

      await nav(page, 'Audit');
      await expect(page.getByRole('table', { name: 'Audit log' }).locator('tbody tr').first()).toBeVisible();
      await scan.scan('Audit');

      // No reload: the first saved connection made the key, and main's vault:changed brought it to Settings.
      await nav(page, 'Settings');
      await expect(page.getByTestId('vault-state')).toHaveAttribute('data-state', 'ready');
      await scan.scan('Settings');
      await page.getByRole('button', { name: 'Rotate encryption key…' }).click();
      await expect(page.getByRole('dialog', { name: 'Rotate the encryption key?' })).toBeVisible();
      await scan.scanDialog('Rotate key');
      await dismiss(page, 'Cancel');
      await page.getByRole('button', { name: 'Back up now' }).click();
      await page.getByRole('button', { name: 'Restore…' }).first().click();
      await expect(page.getByRole('dialog', { name: 'Restore this backup?' })).toBeVisible();
      await scan.scanDialog('Restore backup');
      await dismiss(page, 'Cancel');

      console.log(`a11y ${theme}: ${[...scan.counts].map(([k, v]) => `${k}=${v}`).join('; ')}`);
      scan.assertNone();
    });
  });
}

/** Sunday 23:00 in New York: IBKR also asks about trading outside regular hours. */
const SUNDAY_NIGHT_NY = Date.UTC(2026, 0, 5, 4, 0, 0);
const ibkr = test.extend<{ clock: SkippingClock; gateway: IbkrSimHandle }>({
  // eslint-disable-next-line no-empty-pattern
  clock: async ({}, use) => {
    await use(new SkippingClock(SUNDAY_NIGHT_NY));
  },
  gateway: async ({ clock }, use) => {
    const sim = await startIbkrGateway({ clock, globalPerSecond: 1_000 });
    await use(sim);
    await sim.close();
  },
  bridgeOptions: async ({ clock }, use) => {
    await use({ clock });
  },
});

for (const theme of THEMES) {
  test(`the recovery screen and its confirmation pass WCAG 2.1 A/AA in the ${theme} theme`, async ({ page }) => {
    // Shown before the settings load: it follows the system's theme.
    await page.emulateMedia({ colorScheme: theme });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-e2e-a11y-recovery-'));
    fs.writeFileSync(path.join(dataDir, 'brokervault.sqlite'), 'not a database\n'.repeat(100));
    const bridge = await startBridge({ dataDir, logSink: { write: () => undefined }, oauthPort: 0 });
    try {
      const scan = new A11yWalk(page, theme, theme === 'light');
      await page.goto(bridge.url);
      const screen = page.getByTestId('recovery-screen');
      await expect(screen.getByRole('heading', { name: 'The database file is damaged' })).toBeVisible();
      expect(await page.evaluate(() => getComputedStyle(document.body).colorScheme)).toBe(theme);
      await scan.scan('Recovery screen');
      await screen.getByRole('button', { name: 'Move the damaged file aside and start fresh…' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await scan.scanDialog('Recovery: move aside');
      console.log(`a11y recovery ${theme}: ${[...scan.counts].map(([k, v]) => `${k}=${v}`).join('; ')}`);
      scan.assertNone();
    } finally {
      await bridge.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  ibkr(`the IBKR broker-question dialog passes WCAG 2.1 A/AA in the ${theme} theme`, async ({ page, bridge, clock, gateway }) => {
    test.setTimeout(90_000);
    const pause: Pause = async (ms) => clock.skip(ms);
    const nextWindow = () => clock.skip(windowGap(5_000));
    const scan = new A11yWalk(page, theme, theme === 'light');
    await page.goto(bridge.url);
    await expect(page.getByTestId('vault-badge')).toBeVisible();
    await setTheme(page, theme);
    await connectIbkr(page, gateway, { label: 'IBKR paper', pause });
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    nextWindow();
    await page.getByRole('button', { name: 'Health', exact: true }).click();
    await page.getByRole('button', { name: 'Test IBKR paper' }).click();
    await expect(page.getByTestId('health-card').getByTestId('status-pill')).toHaveText('Connected', { timeout: 10_000 });
    nextWindow();
    await goLive(page, 'IBKR paper', { broker: 'Interactive Brokers', environment: 'paper' });
    // Over the gateway's Total Value Limit (25,000 USD): IBKR asks before it takes the order.
    const quantity = Math.ceil(30_500 / priceAt('US:AAPL', clock.now()));
    nextWindow();
    await placeLiveOrder(page, { search: 'AAPL', symbol: 'US:AAPL', quantity });
    await expect(brokerQuestion(page)).toBeVisible({ timeout: 10_000 });
    await expect(brokerQuestion(page).getByTestId('broker-prompt')).toContainText('Total Value Limit');
    await scan.scanDialog('IBKR broker question');
    console.log(`a11y ibkr ${theme}: ${[...scan.counts].map(([k, v]) => `${k}=${v}`).join('; ')}`);
    scan.assertNone();
  });
}

test('the scan fails on a violation and names the rule, the element and why', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await expect(page.getByTestId('vault-badge')).toBeVisible();
  await page.evaluate(() => {
    const faint = document.createElement('p');
    faint.id = 'faint-text';
    faint.textContent = 'Hard to read';
    faint.style.color = '#cccccc';
    faint.style.background = '#ffffff';
    document.querySelector('main')!.append(faint);
  });
  const findings = await scanA11y(page, 'Injected');
  expect(findings.map((f) => f.rule)).toContain('color-contrast');
  const listing = formatFindings(findings);
  expect(listing).toContain('Injected: color-contrast [serious]');
  expect(listing).toContain('#faint-text: ');
  expect(listing).toMatch(/insufficient color contrast/);
});
