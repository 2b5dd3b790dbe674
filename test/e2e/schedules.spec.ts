import type { Page } from '@playwright/test';
import { ManualClock } from '../../src/main/clock';
import { TRADING_TICK_MS } from '../../src/main/composition';
import { ManualScheduler } from '../support/manual-scheduler';
import { expect, test } from './fixtures';
import { liveOnAngel } from './flows/mode';
import { createSchedule, schedule, schedulesPanel } from './flows/schedules';
import { startSim } from './flows/sims';

const MINUTE = 60_000;

/** The page's clock stands at the bridge's time, and the trading console is open. */
async function openTradingAt(page: Page, url: string, clock: ManualClock): Promise<void> {
  await page.clock.setFixedTime(clock.now());
  await page.goto(url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
}

/**
 * The app (bridge) and its timers run on a manual clock, so a schedule's time can be reached at once; the page's
 * clock follows it. The page's computer is in London with a British locale, so dates read the same on every
 * machine — and 15:10 in Asia/Kolkata shows as 09:40 there (IST is 5 h 30 min ahead of GMT in January).
 */
function timedAt(start: number) {
  return test.extend<{ clock: ManualClock; scheduler: ManualScheduler }>({
    // eslint-disable-next-line no-empty-pattern
    clock: async ({}, use) => {
      await use(new ManualClock(start));
    },
    scheduler: async ({ clock }, use) => {
      await use(new ManualScheduler(clock));
    },
    bridgeOptions: async ({ clock, scheduler }, use) => {
      await use({ clock, scheduler });
    },
  });
}

/** Move the app's clock to `at`, firing every timer due on the way (the 15-s trading tick runs schedules); the page follows. */
async function runUntil(page: Page, clock: ManualClock, scheduler: ManualScheduler, at: number): Promise<void> {
  await scheduler.advanceTo(at);
  await page.clock.setFixedTime(clock.now());
}

/** 09:30 IST on Monday 5 January 2026; 15:10 IST that day and the next. */
const MONDAY_0930 = Date.UTC(2026, 0, 5, 4, 0);
const MONDAY_1510 = Date.UTC(2026, 0, 5, 9, 40);
const TUESDAY_1510 = MONDAY_1510 + 24 * 60 * MINUTE;

const monday = timedAt(MONDAY_0930);
monday.use({ locale: 'en-GB', timezoneId: 'Europe/London' });

monday(
  'a trader schedules a basket through the dialog, sees it run at its time, pauses and resumes it, and deletes it',
  async ({ page, bridge, clock, scheduler }) => {
    await openTradingAt(page, bridge.url, clock);
    const panel = schedulesPanel(page);
    await expect(panel.getByTestId('schedules-empty')).toContainText('No schedules yet.');
    await expect(panel.getByTestId('schedules-empty')).toContainText('never placed late');

    await panel.getByRole('button', { name: 'New schedule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New schedule' });
    await expect(dialog.getByLabel('Name')).toBeFocused();
    // Weekdays by default; the zone is this computer's until an order names its exchange.
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) await expect(dialog.getByRole('checkbox', { name: day })).toBeChecked();
    for (const day of ['Sat', 'Sun']) await expect(dialog.getByRole('checkbox', { name: day })).not.toBeChecked();
    await expect(dialog.getByLabel('Time zone')).toHaveValue('Europe/London');

    await dialog.getByLabel('Name').fill('Close buy');
    await dialog.getByLabel('Time (24-hour)').fill('15:10');
    const order = dialog.getByRole('group', { name: 'Order 1' });
    await order.getByLabel('Symbol').fill('NSE:INFY');
    await expect(dialog.getByLabel('Time zone')).toHaveValue('Asia/Kolkata');

    // A limit order without its price: said next to the field and in the summary; focus goes there; nothing is saved.
    await order.getByLabel('Order type').selectOption('LIMIT');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await expect(dialog.getByTestId('schedule-problems')).toHaveText('One field needs attention: Order 1: Enter the limit price (above zero).');
    await expect(order.getByLabel('Limit price')).toBeFocused();
    await expect(order.getByText('Enter the limit price (above zero).')).toBeVisible();
    expect(bridge.services.trading.schedules.list()).toEqual([]);

    await order.getByLabel('Order type').selectOption('MARKET');
    await expect(order.getByLabel('Limit price')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await expect(dialog).toBeHidden();

    const card = schedule(page, 'Close buy');
    await expect(card.getByTestId('schedule-time')).toHaveText('15:10 Asia/Kolkata');
    await expect(card.getByTestId('schedule-days')).toContainText('Runs on Mon, Tue, Wed, Thu, Fri');
    await expect(card.getByTestId('schedule-order')).toHaveText('BUY 1 NSE:INFY MARKET');
    await expect(card.getByTestId('schedule-next')).toHaveText('05/01/2026, 09:40:00 in 5 h 40 min');
    await expect(card.getByTestId('schedule-last')).toHaveText('Not run yet');
    await expect(card.getByTestId('schedule-markets')).toHaveText('Skips NSE/BSE holidays (list through 31 Dec 2026; after that runs every selected weekday)');
    await expect(panel.getByTestId('schedules-notice')).toHaveText('Saved “Close buy”. Next run 05/01/2026, 09:40:00.');
    expect(bridge.services.trading.schedules.list()).toHaveLength(1);

    // 15:10 IST comes while the app is open: the basket is placed once, in paper, and the card says it ran.
    clock.set(MONDAY_1510 - MINUTE);
    await runUntil(page, clock, scheduler, MONDAY_1510 + TRADING_TICK_MS);
    await expect(page.getByTestId('order-row')).toHaveCount(1);
    await expect(page.getByTestId('order-row')).toContainText('NSE:INFY');
    await expect(card.getByTestId('schedule-outcome')).toHaveText('Ran');
    await expect(card.getByTestId('schedule-outcome')).toHaveClass(/state-ok/);
    await expect(card.getByTestId('schedule-last')).toContainText('05/01/2026, 09:40:00');
    await expect(card.getByTestId('schedule-message')).toHaveText('Placed 1 order(s).');
    await expect(card.getByTestId('schedule-next')).toContainText('06/01/2026, 09:40:00');

    // Paused over Tuesday's 15:10: nothing is placed and nothing is reported missed; resumed, it runs again from Wednesday.
    await card.getByRole('button', { name: 'Pause schedule Close buy' }).click();
    await expect(card.getByTestId('schedule-paused')).toHaveText('Paused');
    await expect(card.getByTestId('schedule-next')).toHaveText('Paused: nothing runs until you resume it, and runs due meanwhile are not made up.');
    clock.set(TUESDAY_1510 - MINUTE);
    await runUntil(page, clock, scheduler, TUESDAY_1510 + 2 * TRADING_TICK_MS);
    await card.getByRole('button', { name: 'Resume schedule Close buy' }).click();
    await expect(card.getByTestId('schedule-paused')).toHaveCount(0);
    await expect(card.getByTestId('schedule-next')).toContainText('07/01/2026, 09:40:00');
    await runUntil(page, clock, scheduler, clock.now() + 2 * TRADING_TICK_MS);
    await expect(page.getByTestId('order-row')).toHaveCount(1);
    expect(bridge.services.trading.schedules.list()[0]!.lastRun).toMatchObject({ at: MONDAY_1510, outcome: 'ran' });

    // Delete asks first; Cancel keeps it.
    await card.getByRole('button', { name: 'Delete schedule Close buy' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete schedule “Close buy”?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(card).toBeVisible();
    await card.getByRole('button', { name: 'Delete schedule Close buy' }).click();
    await confirm.getByRole('button', { name: 'Delete schedule' }).click();
    await expect(confirm).toBeHidden();
    await expect(panel.getByTestId('schedules-empty')).toBeVisible();
    await expect(panel.getByTestId('schedules-notice')).toHaveText('Deleted “Close buy”.');
    await expect(panel.getByRole('button', { name: 'New schedule' })).toBeFocused();
    expect(bridge.services.trading.schedules.list()).toEqual([]);
    // The order it placed stays.
    await expect(page.getByTestId('order-row')).toHaveCount(1);
  },
);

/** Friday 23 January 2026, 16:00 IST. Monday the 26th is Republic Day: NSE and BSE are closed. */
const FRIDAY_1600 = Date.UTC(2026, 0, 23, 10, 30);
const REPUBLIC_DAY_1510 = Date.UTC(2026, 0, 26, 9, 40);

const beforeHoliday = timedAt(FRIDAY_1600);
beforeHoliday.use({ locale: 'en-GB', timezoneId: 'Europe/London' });

beforeHoliday(
  'on an exchange holiday an NSE basket is skipped and says why; a mixed basket places the open exchanges’ orders',
  async ({ page, bridge, clock, scheduler }) => {
    await openTradingAt(page, bridge.url, clock);

    await createSchedule(page, { name: 'NSE close', time: '15:10', orders: [{ symbol: 'NSE:SBIN', quantity: '5' }] });
    const nse = schedule(page, 'NSE close');
    // The next run skips Republic Day: Tuesday, not Monday.
    await expect(nse.getByTestId('schedule-next')).toContainText('27/01/2026, 09:40:00');

    await createSchedule(page, {
      name: 'Mixed',
      time: '15:20',
      days: { uncheck: ['Fri'], check: ['Sat'] },
      orders: [
        { symbol: 'NSE:INFY', quantity: '1', side: 'SELL', product: 'MIS' },
        { symbol: 'CRYPTO:BTCUSDT', quantity: '0.5', limitPrice: '1' },
        { symbol: 'MCX:GOLDM', quantity: '1' },
      ],
    });
    const mixed = schedule(page, 'Mixed');
    await expect(mixed.getByTestId('schedule-days')).toContainText('Runs on Mon, Tue, Wed, Thu, Sat');
    await expect(mixed.getByTestId('schedule-order')).toHaveText([
      'SELL 1 NSE:INFY MARKET · MIS',
      'BUY 0.5 CRYPTO:BTCUSDT LIMIT @ 1',
      'BUY 1 MCX:GOLDM MARKET',
    ]);
    await expect(mixed.getByTestId('schedule-markets').getByRole('listitem')).toHaveText([
      'Skips NSE/BSE holidays (list through 31 Dec 2026; after that runs every selected weekday)',
      'Crypto: runs every selected day',
      'MCX: no holiday list — runs every selected weekday',
    ]);
    // Saturday is one of its days and crypto trades at the weekend, so it runs tomorrow.
    await expect(mixed.getByTestId('schedule-next')).toContainText('24/01/2026, 09:50:00');

    // The computer slept over the weekend (no timer ran): on Monday afternoon the first tick reports Saturday's run
    // missed, never placing it late; main pushes the outcome (schedules:changed) and the panel shows it.
    clock.set(REPUBLIC_DAY_1510 - 2 * MINUTE);
    await runUntil(page, clock, scheduler, REPUBLIC_DAY_1510 - MINUTE);
    await expect(mixed.getByTestId('schedule-outcome')).toHaveText('Missed');
    await expect(mixed.getByTestId('schedule-outcome')).toHaveClass(/state-warn/);
    await expect(mixed.getByTestId('schedule-message')).toContainText('BrokerVault was not running. The orders were not placed.');
    await expect(page.getByTestId('order-row')).toHaveCount(0);

    // Crypto and MCX trade on Republic Day, so the mixed basket runs for them; the NSE-only one is skipped.
    await runUntil(page, clock, scheduler, REPUBLIC_DAY_1510 + 11 * MINUTE);
    await expect(mixed.getByTestId('schedule-outcome')).toHaveText('Ran');
    await expect(mixed.getByTestId('schedule-message')).toHaveText('Placed 2 order(s). NSE:INFY skipped: NSE/BSE is closed on 2026-01-26 (Republic Day).');
    await expect(nse.getByTestId('schedule-outcome')).toHaveText('Skipped');
    await expect(nse.getByTestId('schedule-outcome')).toHaveClass(/state-muted/);
    await expect(nse.getByTestId('schedule-message')).toHaveText('Not run: NSE/BSE is closed on 2026-01-26 (Republic Day). Nothing was placed.');
    await expect(nse.getByTestId('schedule-next')).toContainText('27/01/2026, 09:40:00');
    await expect(page.getByTestId('order-row')).toHaveCount(2);
    await expect(page.getByTestId('order-row').filter({ hasText: 'NSE:' })).toHaveCount(0);
  },
);

test('in live mode a basket row searches the live broker’s instruments, and the panel warns that runs place real orders', async ({ page, bridge }) => {
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await liveOnAngel(page, angel);

    await schedulesPanel(page).getByRole('button', { name: 'New schedule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New schedule' });
    await expect(dialog.getByTestId('schedule-mode-note')).toContainText('BrokerVault is live: runs place real orders with Angel main');
    const order = dialog.getByRole('group', { name: 'Order 1' });
    const symbol = order.getByRole('combobox', { name: 'Symbol' });
    await symbol.fill('INFY');
    const match = order.getByRole('option', { name: /NSE:INFY/ });
    await expect(match).toBeVisible({ timeout: 10_000 });
    // Escape closes the suggestions first; the dialog (and what was typed) stays.
    await symbol.press('Escape');
    await expect(match).toBeHidden();
    await expect(dialog).toBeVisible();
    await symbol.fill('INF');
    await match.getByRole('button').click();
    await expect(symbol).toHaveValue('NSE:INFY');
    await order.getByLabel('Product').selectOption('CNC');
    await dialog.getByLabel('Name').fill('Live close');
    await dialog.getByLabel('Time (24-hour)').fill('9:20');
    await dialog.getByRole('button', { name: 'Save schedule' }).click();
    await expect(dialog).toBeHidden();

    const card = schedule(page, 'Live close');
    await expect(card.getByTestId('schedule-time')).toHaveText('09:20 Asia/Kolkata');
    await expect(card.getByTestId('schedule-order')).toHaveText('BUY 1 NSE:INFY MARKET · CNC');
    await expect(schedulesPanel(page).getByTestId('schedules-live')).toContainText('runs place real orders with Angel main');
  } finally {
    await angel.close();
  }
});
