/**
 * Screenshots of every screen for docs/ui.md: starts the test bridge with an Angel One simulator,
 * seeds connections, a few paper orders and two schedules, and saves PNGs into docs/screenshots/. A second bridge
 * with an IBKR gateway simulator (on a shared clock set to Sunday night in New York) shows the broker's question
 * dialog. Run with `npm run screenshots` (builds first, then runs this file).
 *
 * Every shot waits for what it shows, not for a fixed time: no spinner, no "Loading…" or "Searching…" left on the
 * page, and the data the shot is about (orders, positions, quotes…) in place. Paper quotes may be labelled
 * "simulated prices" or "broker prices" (broker prices once a connected broker prices every symbol, as the
 * validated Angel One simulator does); either is accepted there. Live quotes always come from the broker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from '@playwright/test';
import { startBridge } from '../test/bridge/server';
import { SkippingClock } from '../test/e2e/flows/sims';
import { priceAt } from '../test/simulators/exchange';
import { startIbkrGateway } from '../test/simulators/ibkr';
import { SIMULATORS } from '../test/simulators/registry';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'docs/screenshots');

/** Texts the renderer shows while something is still on its way (spinners carry words too). */
const PENDING = /\b(Loading|Searching|Saving|Sending|Checking|Switching|Cancelling|Deleting|Pausing|Resuming|Resetting|Unlocking|Verifying|Working)\b[^\n]*…/;

/**
 * Wait until the page has nothing on its way: no spinner and no pending text, twice in a row a short while
 * apart (a panel that refreshes may show its spinner again), and the fonts loaded.
 */
async function settle(page: Page): Promise<void> {
  const idle = () =>
    page.waitForFunction((pending) => !document.querySelector('.spinner') && !new RegExp(pending).test(document.body.innerText), PENDING.source, {
      timeout: 30_000,
    });
  await idle();
  await page.waitForTimeout(250);
  await idle();
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  // Only the content pane should scroll; if the window itself has scrolled (the shell's top bar moved out of
  // view), say so and put it back, so the shot shows the shell as the app means it.
  const scrolled = await page.evaluate(() => window.scrollY);
  if (scrolled !== 0) {
    console.warn(`  note: the window itself had scrolled by ${scrolled} px; scrolled back to 0`);
    await page.evaluate(() => window.scrollTo(0, 0));
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await settle(page);
  // An error on screen is worth a look before it goes into the docs: say so, but keep going.
  const alerts = (await page.locator('[role="alert"]:visible, .error-text:visible, .error-box:visible').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  for (const alert of alerts) console.warn(`  note: ${name} shows an error or alert: ${alert.replace(/\s+/g, ' ')}`);
  // Animations off: a dialog is shot fully open, the pulsing LIVE badge in its resting state.
  await page.screenshot({ path: path.join(outDir, `${name}.png`), animations: 'disabled' });
  console.log(`saved docs/screenshots/${name}.png`);
}

async function nav(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

async function theme(page: Page, value: 'light' | 'dark'): Promise<void> {
  await page.evaluate(async (t) => {
    await (window as unknown as { brokerVault: { settings: { set(i: unknown): Promise<unknown> } } }).brokerVault.settings.set({ theme: t });
  }, value);
  await page.waitForFunction((t) => document.documentElement.dataset.theme === t, value);
}

/** Call window.brokerVault.<area>.<fn>(input) for each input in turn, through the contract; fail on an error result. */
async function callApi(page: Page, area: string, fn: string, inputs: unknown[]): Promise<void> {
  await page.evaluate(
    async ({ area, fn, inputs }) => {
      const api = (
        window as unknown as {
          brokerVault: Record<string, Record<string, (i: unknown) => Promise<{ ok: boolean; error?: { code: string; message: string } }>>>;
        }
      ).brokerVault;
      for (const input of inputs) {
        const result = await api[area]![fn]!(input);
        if (!result.ok) throw new Error(`${area}.${fn} failed: ${result.error?.code} ${result.error?.message}`);
      }
    },
    { area, fn, inputs },
  );
}

/**
 * The Quotes panel has priced `symbol` (its first row) under a price-source label. Paper mode accepts either
 * label; live mode must say "broker prices". Returns the label shown.
 */
async function quotesFor(page: Page, symbol: string, mode: 'paper' | 'live'): Promise<string> {
  const table = page.getByRole('table', { name: 'Quotes' });
  await table.locator('tbody tr').first().filter({ hasText: symbol }).waitFor();
  await table.getByTestId('quote-last').first().waitFor();
  const label = mode === 'live' ? page.getByTestId('broker-prices') : page.getByTestId('simulated-prices').or(page.getByTestId('broker-prices'));
  try {
    await label.first().waitFor({ timeout: 15_000 });
  } catch (error) {
    const shown = (await page.locator('[data-testid$="-prices"]').allInnerTexts()).join(', ') || 'no label';
    throw new Error(`Quotes in ${mode} mode: expected ${mode === 'live' ? '"broker prices"' : 'a price-source label'}, the panel shows ${shown}.`, {
      cause: error,
    });
  }
  const text = (await label.first().innerText()).trim();
  console.log(`  quotes (${mode}): ${text}`);
  return text;
}

/**
 * Pick `symbol` in a live ticket's Symbol combobox as a trader does: type `search`, click the broker's match (which
 * closes the suggestions). Where the broker has no instrument list, type the full symbol instead.
 */
async function pickSymbol(form: Locator, search: string, symbol: string): Promise<void> {
  const box = form.getByRole('combobox', { name: 'Symbol' });
  await box.fill(search);
  const escaped = symbol.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  const option = form.getByRole('option', { name: new RegExp(`^${escaped}(\\s|$)`) });
  await option.or(form.getByTestId('symbol-no-list')).first().waitFor();
  if ((await option.count()) > 0) await option.first().getByRole('button').click();
  else await box.fill(symbol);
  await form.getByRole('listbox').waitFor({ state: 'hidden' });
  const value = await box.inputValue();
  if (value !== symbol) throw new Error(`Symbol field shows "${value}", expected ${symbol}.`);
}

/**
 * Scroll the page content (the `.content` pane, not the window) so `locator` starts at its top, or as near as the
 * pane allows; with no locator, back to the top. The window itself stays put, so the top bar stays in the shot.
 */
async function scrollContent(page: Page, locator?: Locator): Promise<void> {
  const target = locator ? await locator.elementHandle() : null;
  await page.evaluate((el) => {
    const pane = document.querySelector<HTMLElement>('.content');
    if (!pane) throw new Error('No .content pane to scroll.');
    pane.scrollTop = el ? pane.scrollTop + el.getBoundingClientRect().top - pane.getBoundingClientRect().top - 16 : 0;
    window.scrollTo(0, 0);
  }, target);
}

/** Two schedules for the Schedules panel: an Indian close-of-day buy and a basket over three kinds of market. */
const SCHEDULES = [
  {
    name: 'Close buy',
    time: '15:10',
    timeZone: 'Asia/Kolkata',
    days: [1, 2, 3, 4, 5],
    orders: [{ symbol: 'NSE:SBIN', side: 'BUY', quantity: 1, type: 'MARKET' }],
  },
  {
    name: 'Evening basket',
    time: '20:15',
    timeZone: 'Asia/Kolkata',
    days: [1, 2, 3, 4, 5],
    orders: [
      { symbol: 'NSE:INFY', side: 'SELL', quantity: 5, type: 'LIMIT', limitPrice: 260, product: 'CNC' },
      { symbol: 'US:AAPL', side: 'BUY', quantity: 2, type: 'MARKET' },
      { symbol: 'CRYPTO:BTCUSDT', side: 'BUY', quantity: 0.01, type: 'LIMIT', limitPrice: 60000 },
    ],
  },
];

async function main(): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-shots-'));
  const angel = await (await SIMULATORS['angel-one']!())();
  const zerodha = await (await SIMULATORS.zerodha!())();
  const bridge = await startBridge({ dataDir, logSink: { write: () => undefined }, oauthPort: 47391 });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    // An Indian trader's computer: times (orders, a schedule's next run) read in IST, like the schedules' own zone.
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 }, timezoneId: 'Asia/Kolkata' });
    await page.goto(bridge.url);
    await page.getByTestId('vault-badge').waitFor();
    await theme(page, 'light');
    await page.getByRole('button', { name: 'Connect your first broker' }).waitFor();
    await shot(page, 'connections-empty');

    // The wizard: broker list, then Zerodha's details with its redirect URL.
    await page.getByRole('button', { name: 'Connect your first broker' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect a broker' });
    await dialog.getByTestId('broker-zerodha').waitFor();
    await shot(page, 'wizard-pick-broker');
    await dialog.getByTestId('broker-zerodha').click();
    await dialog.getByLabel('API key', { exact: true }).fill('kitesimkey0001');
    await dialog.getByLabel('API secret', { exact: true }).fill('kitesimsecret0000000000000001');
    await dialog.getByLabel('API secret', { exact: true }).blur();
    await dialog.getByTestId('redirect-uri').scrollIntoViewIfNeeded();
    await shot(page, 'wizard-details');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // Seed: a validated Angel One connection and an untested Zerodha one.
    await bridge.services.brokerCalls.connect({
      broker: 'angel-one',
      label: 'Angel main',
      environment: 'live',
      fields: { ...angel.credentials },
      apiHost: angel.baseUrl,
    });
    await bridge.services.connections.create({
      broker: 'zerodha',
      label: 'Zerodha family',
      environment: 'live',
      fields: { ...zerodha.credentials },
      apiHost: zerodha.baseUrl,
    });
    await page.reload();
    await page.getByTestId('vault-badge').waitFor();
    await nav(page, 'Connections');
    await page.getByText('Zerodha family').first().waitFor();
    await shot(page, 'connections');
    await theme(page, 'dark');
    await shot(page, 'connections-dark');
    await theme(page, 'light');
    await nav(page, 'Health');
    await page.getByTestId('health-card').filter({ hasText: 'Angel main' }).filter({ hasText: 'Connected' }).waitFor();
    await page.getByTestId('health-card').filter({ hasText: 'Zerodha family' }).waitFor();
    await shot(page, 'health-light');
    await theme(page, 'dark');
    await shot(page, 'health-dark');
    await theme(page, 'light');

    // Paper trading with a couple of fills and a resting limit order, plus two schedules (through the contract).
    await callApi(page, 'orders', 'place', [
      { ticketId: crypto.randomUUID(), symbol: 'NSE:INFY', side: 'BUY', quantity: 10, type: 'MARKET' },
      { ticketId: crypto.randomUUID(), symbol: 'NSE:SBIN', side: 'BUY', quantity: 25, type: 'MARKET' },
      { ticketId: crypto.randomUUID(), symbol: 'NSE:SBIN', side: 'SELL', quantity: 5, type: 'LIMIT', limitPrice: 99999 },
    ]);
    await callApi(page, 'schedules', 'create', SCHEDULES);
    await nav(page, 'Trading');
    await page.getByRole('form', { name: 'Order ticket' }).getByLabel('Symbol').fill('NSE:INFY');
    await paperConsoleReady(page);
    await shot(page, 'trading-paper-light');
    await theme(page, 'dark');
    await shot(page, 'trading-paper-dark');
    await theme(page, 'light');

    // Schedules, under Positions: the two seeded baskets.
    const schedules = page.getByTestId('schedules-panel');
    await schedules
      .getByTestId('schedule')
      .nth(SCHEDULES.length - 1)
      .waitFor();
    for (const s of SCHEDULES)
      await schedules.getByTestId('schedule').filter({ hasText: s.name }).getByTestId('schedule-next').filter({ hasText: /\d/ }).waitFor();
    await scrollContent(page, schedules);
    await shot(page, 'trading-schedules');

    // The New schedule dialog with one order filled in (the zone follows the order's exchange).
    await schedules.getByRole('button', { name: 'New schedule' }).click();
    const newSchedule = page.getByRole('dialog', { name: 'New schedule' });
    await newSchedule.getByLabel('Name').fill('Opening buy');
    await newSchedule.getByLabel('Time (24-hour)').fill('09:20');
    const row = newSchedule.getByRole('group', { name: 'Order 1' });
    await row.getByLabel('Symbol').fill('NSE:INFY');
    await row.locator('label', { hasText: 'Buy' }).click();
    await row.getByLabel('Quantity').fill('2');
    await row.getByLabel('Order type').selectOption('LIMIT');
    await row.getByLabel('Limit price').fill('240');
    await row.getByLabel('Product').selectOption('CNC');
    await waitForValue(newSchedule.getByLabel('Time zone'), 'Asia/Kolkata');
    await newSchedule.getByLabel('Name').focus();
    await shot(page, 'schedule-dialog');
    await newSchedule.getByRole('button', { name: 'Cancel' }).click();

    // A basket from the ticket: two rows, reviewed before placing.
    await page.getByRole('form', { name: 'Order ticket' }).getByRole('button', { name: 'Basket', exact: true }).click();
    const basket = page.getByRole('form', { name: 'Basket order' });
    for (const [i, [symbol, quantity]] of [
      ['NSE:INFY', '5'],
      ['NSE:TCS', '2'],
    ].entries()) {
      const basketRow = basket.getByRole('group', { name: `Order ${i + 1}` });
      await basketRow.getByLabel('Symbol').fill(symbol!);
      await basketRow.getByLabel('Quantity').fill(quantity!);
    }
    await basket.getByRole('button', { name: 'Review 2 orders' }).click();
    await basket.getByTestId('basket-review').waitFor();
    await scrollContent(page, basket);
    await shot(page, 'trading-basket');
    await basket.getByRole('button', { name: 'Single order' }).click();
    await newSchedule.waitFor({ state: 'hidden' });
    await scrollContent(page);

    // Going live: the confirmation, then the live frame.
    await page.getByRole('button', { name: 'Go live…' }).click();
    const live = page.getByRole('dialog', { name: 'Switch to live trading' });
    await live.getByRole('button', { name: 'Continue' }).click();
    await live.getByTestId('live-target').waitFor();
    await live.getByLabel('Confirmation phrase').fill('GO LIVE');
    await shot(page, 'go-live-confirm');
    await live.getByRole('button', { name: 'Go live' }).click();
    await live.waitFor({ state: 'hidden' });
    await page.getByTestId('kill-switch').waitFor();
    const liveTicket = page.getByRole('form', { name: 'Order ticket' });
    await liveTicket.getByText('LIVE').first().waitFor();
    await pickSymbol(liveTicket, 'INFY', 'NSE:INFY');
    // Live quotes come from the broker: the label says so (never "simulated prices" in live mode).
    await quotesFor(page, 'NSE:INFY', 'live');
    // The live account's positions (none on the simulator), not the paper ones shown before the switch.
    const positions = page.getByRole('region', { name: 'Positions' });
    await positions.getByText('No open positions in this account').or(positions.getByTestId('position-row')).first().waitFor();
    await shot(page, 'trading-live');
    await page.getByTestId('kill-switch').click();
    await page.getByRole('dialog', { name: 'Kill switch' }).getByRole('button', { name: 'Engage kill switch' }).waitFor();
    await shot(page, 'kill-switch');
    await page.getByRole('dialog', { name: 'Kill switch' }).getByRole('button', { name: 'Engage kill switch' }).click();
    await page.getByTestId('kill-summary').waitFor();
    await shot(page, 'kill-switch-report');
    await page.getByRole('dialog', { name: 'Kill switch' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('dialog', { name: 'Kill switch' }).waitFor({ state: 'hidden' });

    await nav(page, 'Audit');
    await page.getByRole('table', { name: 'Audit log' }).locator('tbody tr').first().waitFor();
    await shot(page, 'audit');
    await nav(page, 'Settings');
    await shot(page, 'settings');

    await brokerQuestionShot(browser);
  } finally {
    await browser.close();
    await bridge.close();
    await angel.close();
    await zerodha.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The paper console has everything in place: the three orders, both positions, the account and INFY's quote. */
async function paperConsoleReady(page: Page): Promise<void> {
  await page.getByTestId('order-row').nth(2).waitFor();
  await page.getByTestId('order-state').filter({ hasText: 'FILLED' }).nth(1).waitFor();
  await page.getByTestId('order-state').filter({ hasText: 'OPEN' }).first().waitFor();
  await page.getByTestId('position-row').nth(1).waitFor();
  await page.getByTestId('paper-account').getByText('Equity').waitFor();
  await quotesFor(page, 'NSE:INFY', 'paper');
}

async function waitForValue(input: Locator, value: string): Promise<void> {
  await input.page().waitForFunction(([el, v]) => (el as HTMLInputElement).value === v, [await input.elementHandle(), value] as const);
}

/** IBKR's question about a big order, in the dialog that shows it as the broker's words. */
async function brokerQuestionShot(browser: Browser): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-shots-ibkr-'));
  // Sunday 23:00 in New York; the app and the gateway share the clock so its 5-s pacing windows can be skipped.
  const clock = new SkippingClock(Date.UTC(2026, 0, 5, 4, 0, 0));
  const gateway = await startIbkrGateway({ clock, globalPerSecond: 1_000 });
  const bridge = await startBridge({ dataDir, logSink: { write: () => undefined }, oauthPort: 47392, clock });
  try {
    const view = await bridge.services.brokerCalls.connect({
      broker: 'ibkr',
      label: 'IBKR paper',
      environment: 'paper',
      fields: { ...gateway.credentials },
      apiHost: gateway.baseUrl,
    });
    // The health monitor's first check may be paced by the gateway (status "error"): check again in fresh windows.
    for (let i = 0; i < 10 && bridge.services.connections.get(view.id).status !== 'valid'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      clock.skip(5_100);
      await bridge.services.brokerCalls.validate(view.id).catch(() => undefined);
    }
    const status = bridge.services.connections.get(view.id).status;
    if (status !== 'valid') throw new Error(`The IBKR simulator connection did not validate (status ${status}).`);
    clock.skip(5_100);
    const request = bridge.services.trading.mode.requestLive(view.id);
    bridge.services.trading.mode.confirmLive(request.confirmationId, request.phrase);
    clock.skip(5_100);

    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(bridge.url);
    await page.getByTestId('vault-badge').waitFor();
    await theme(page, 'light');
    await nav(page, 'Trading');
    const ticket = page.getByRole('form', { name: 'Order ticket' });
    await pickSymbol(ticket, 'AAPL', 'US:AAPL');
    await quotesFor(page, 'US:AAPL', 'live');
    await ticket.getByLabel('Quantity').fill(String(Math.ceil(30_500 / priceAt('US:AAPL', clock.now()))));
    await ticket.getByRole('button', { name: 'Review order' }).click();
    await ticket.getByRole('button', { name: 'Place live order' }).click();
    await page.getByTestId('broker-question').waitFor();
    await shot(page, 'broker-question');
    clock.skip(5_100);
    await page.getByTestId('broker-question').getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByTestId('broker-question').getByText('Question 2').waitFor();
    await shot(page, 'broker-question-2');
    clock.skip(5_100);
    await page.getByTestId('broker-question').getByRole('button', { name: 'Confirm', exact: true }).click();
    await page.getByTestId('broker-question').waitFor({ state: 'hidden' });
    await page.getByTestId('order-state').first().filter({ hasText: 'FILLED' }).waitFor();
    await ticket.getByTestId('order-placed').filter({ hasText: 'filled' }).waitFor();
    await page.getByTestId('position-row').first().waitFor();
    await shot(page, 'broker-question-answered');
    await page.close();
  } finally {
    await bridge.close();
    await gateway.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
