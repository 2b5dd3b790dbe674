/**
 * Screenshots of every screen for docs/ui.md: starts the test bridge with an Angel One simulator,
 * seeds connections and a few paper orders, and saves PNGs into docs/screenshots/. A second bridge with
 * an IBKR gateway simulator (on a shared clock set to Sunday night in New York) shows the broker's
 * question dialog. Run after `npm run build`: npx tsx scripts/screenshots.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { startBridge } from '../test/bridge/server';
import { SkippingClock } from '../test/e2e/flows/sims';
import { priceAt } from '../test/simulators/exchange';
import { startIbkrGateway } from '../test/simulators/ibkr';
import { SIMULATORS } from '../test/simulators/registry';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'docs/screenshots');

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(outDir, `${name}.png`) });
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
    const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page.goto(bridge.url);
    await page.getByTestId('vault-badge').waitFor();
    await theme(page, 'light');
    await shot(page, 'connections-empty');

    // The wizard: broker list, then Zerodha's details with its redirect URL.
    await page.getByRole('button', { name: 'Connect your first broker' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect a broker' });
    await shot(page, 'wizard-pick-broker');
    await dialog.getByTestId('broker-zerodha').click();
    await dialog.getByLabel('API key', { exact: true }).fill('kitesimkey0001');
    await dialog.getByLabel('API secret', { exact: true }).fill('kitesimsecret0000000000000001');
    await dialog.getByLabel('API secret', { exact: true }).blur();
    await dialog.getByTestId('redirect-uri').scrollIntoViewIfNeeded();
    await shot(page, 'wizard-details');
    await page.keyboard.press('Escape');

    // Seed: a validated Angel One connection and an untested Zerodha one.
    await bridge.services.brokerCalls.connect({ broker: 'angel-one', label: 'Angel main', environment: 'live', fields: { ...angel.credentials }, apiHost: angel.baseUrl });
    await bridge.services.connections.create({ broker: 'zerodha', label: 'Zerodha family', environment: 'live', fields: { ...zerodha.credentials }, apiHost: zerodha.baseUrl });
    await page.reload();
    await nav(page, 'Connections');
    await shot(page, 'connections');
    await nav(page, 'Health');
    await shot(page, 'health-light');
    await theme(page, 'dark');
    await shot(page, 'health-dark');
    await theme(page, 'light');

    // Paper trading with a couple of fills.
    await page.evaluate(async () => {
      const api = (window as unknown as { brokerVault: { orders: { place(i: unknown): Promise<unknown> } } }).brokerVault;
      await api.orders.place({ ticketId: crypto.randomUUID(), symbol: 'NSE:INFY', side: 'BUY', quantity: 10, type: 'MARKET' });
      await api.orders.place({ ticketId: crypto.randomUUID(), symbol: 'NSE:SBIN', side: 'BUY', quantity: 25, type: 'MARKET' });
      await api.orders.place({ ticketId: crypto.randomUUID(), symbol: 'NSE:SBIN', side: 'SELL', quantity: 5, type: 'LIMIT', limitPrice: 99999 });
    });
    await nav(page, 'Trading');
    await page.getByRole('form', { name: 'Order ticket' }).getByLabel('Symbol').fill('NSE:INFY');
    await page.getByTestId('simulated-prices').waitFor();
    await shot(page, 'trading-paper-light');
    await theme(page, 'dark');
    await shot(page, 'trading-paper-dark');
    await theme(page, 'light');

    // Going live: the confirmation, then the live frame.
    await page.getByRole('button', { name: 'Go live…' }).click();
    const live = page.getByRole('dialog', { name: 'Switch to live trading' });
    await live.getByRole('button', { name: 'Continue' }).click();
    await live.getByTestId('live-target').waitFor();
    await live.getByLabel('Confirmation phrase').fill('GO LIVE');
    await shot(page, 'go-live-confirm');
    await live.getByRole('button', { name: 'Go live' }).click();
    await page.getByTestId('kill-switch').waitFor();
    await page.getByRole('form', { name: 'Order ticket' }).getByRole('combobox', { name: 'Symbol' }).fill('NSE:INFY');
    // Live quotes come from the broker: the label says so (never "simulated prices" in live mode).
    await page.getByTestId('broker-prices').waitFor();
    await shot(page, 'trading-live');
    await page.getByTestId('kill-switch').click();
    await shot(page, 'kill-switch');
    await page.getByRole('dialog', { name: 'Kill switch' }).getByRole('button', { name: 'Engage kill switch' }).click();
    await page.getByTestId('kill-summary').waitFor();
    await shot(page, 'kill-switch-report');
    await page.getByRole('dialog', { name: 'Kill switch' }).getByRole('button', { name: 'Close' }).click();

    await nav(page, 'Audit');
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

/** IBKR's question about a big order, in the dialog that shows it as the broker's words. */
async function brokerQuestionShot(browser: import('@playwright/test').Browser): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-shots-ibkr-'));
  // Sunday 23:00 in New York; the app and the gateway share the clock so its 5-s pacing windows can be skipped.
  const clock = new SkippingClock(Date.UTC(2026, 0, 5, 4, 0, 0));
  const gateway = await startIbkrGateway({ clock, globalPerSecond: 1_000 });
  const bridge = await startBridge({ dataDir, logSink: { write: () => undefined }, oauthPort: 47392, clock });
  try {
    const view = await bridge.services.brokerCalls.connect({ broker: 'ibkr', label: 'IBKR paper', environment: 'paper', fields: { ...gateway.credentials }, apiHost: gateway.baseUrl });
    // The health monitor's first check may be paced by the gateway (status "error"): check again in fresh windows.
    for (let i = 0; i < 3 && bridge.services.connections.get(view.id).status !== 'valid'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      clock.skip(5_100);
      await bridge.services.brokerCalls.validate(view.id).catch(() => undefined);
    }
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
    await ticket.getByRole('combobox', { name: 'Symbol' }).fill('US:AAPL');
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
    await shot(page, 'broker-question-answered');
    await page.close();
  } finally {
    await bridge.close();
    await gateway.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
