import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { simulatedPriceAt } from '../../src/main/trading/paper';
import { MemoryKeyStore } from '../../src/main/vault/keystore';
import { startBridge } from '../bridge/server';
import { priceAt } from '../simulators/exchange';
import { expect, freePort, test } from './fixtures';
import { alpacaStreamed, connectAlpaca } from './flows/alpaca-streamed';
import { SkippingClock } from './flows/sims';
import { ticket } from './flows/trading';

const MANAGED = 'Managed by BrokerVault — works only while BrokerVault is running';

const exitForm = (page: Page) => page.getByRole('form', { name: 'Protective exit' });
const exitRow = (page: Page) => page.getByTestId('exit-row').first();
/** The Qty cell of a symbol's position row. */
const quantityOf = (page: Page, symbol: string) => page.getByTestId('position-row').filter({ hasText: symbol }).getByRole('cell').nth(1);

/** The first second after `from` (within ten minutes) at which `price(t)` meets `test`. */
function firstSecond(price: (t: number) => number, test: (p: number) => boolean, from: number): number {
  for (let t = from + 1_000; t < from + 600_000; t += 1_000) if (test(price(t))) return t;
  throw new Error('the price never gets there');
}

const streamed = alpacaStreamed;

streamed('a paper bracket enters, arms, and its stop fires from the broker’s live feed', async ({ page, bridge, clock, alpaca }) => {
  await page.goto(bridge.url);
  await connectAlpaca(page, alpaca, 'Alpaca prices');

  // Paper mode on Alpaca's streamed prices: the ticket's symbol streams.
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  await ticket(page).getByLabel('Symbol', { exact: true }).fill('US:AAPL');
  await expect(page.getByTestId('quote-row').filter({ hasText: 'US:AAPL' })).toHaveAttribute('data-source', 'stream', { timeout: 10_000 });

  const price = (t: number) => priceAt('AAPL', t);
  const now = price(clock.now());
  const stop = Math.round(now * 0.995 * 100) / 100;
  const form = exitForm(page);
  await form.getByRole('combobox', { name: 'Exit', exact: true }).selectOption('bracket');
  await form.getByLabel('Exit quantity').fill('2');
  await form.getByLabel('Target price').fill(String(Math.round(now * 1.5)));
  await form.getByLabel('Stop price').fill(String(stop));
  await form.getByRole('button', { name: 'Set exit (paper)' }).click();
  await expect(form.getByTestId('exit-placed')).toContainText('managed by BrokerVault');

  // The entry filled: target and stop are armed, and the exit says plainly who watches it.
  await expect(exitRow(page).getByTestId('exit-state')).toHaveText('armed', { timeout: 10_000 });
  await expect(exitRow(page).getByTestId('exit-handling')).toHaveText(MANAGED);
  await expect(quantityOf(page, 'US:AAPL')).toHaveText('2');

  // The broker's price falls through the stop: the next streamed trade fires it, and the exit order sells.
  clock.skip(firstSecond(price, (p) => p <= stop - 0.5, clock.now()) - clock.now());
  await expect(exitRow(page).getByTestId('exit-state')).toHaveText('done', { timeout: 10_000 });
  await expect(exitRow(page).getByTestId('exit-message')).toContainText('(stop)');
  const sell = page.getByTestId('order-row').filter({ hasText: 'SELL' }).first();
  await expect(sell).toContainText('US:AAPL');
  await expect(sell.getByTestId('order-state')).toHaveText('FILLED');
  // Flat now (the row stays for its realised P&L).
  await expect(quantityOf(page, 'US:AAPL')).toHaveText('0');
});

test('a managed exit survives a restart of BrokerVault (same data folder) and still fires', async ({ page }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-e2e-exits-'));
  const clock = new SkippingClock(Date.UTC(2026, 0, 5, 4, 0, 0));
  const keyStore = new MemoryKeyStore();
  const open = async () => startBridge({ dataDir, clock, keyStore, logSink: { write: () => undefined }, oauthPort: await freePort() });
  let bridge = await open();
  try {
    await page.goto(bridge.url);
    await page.getByRole('button', { name: 'Trading', exact: true }).click();
    const form = ticket(page);
    await form.getByLabel('Symbol').fill('NSE:INFY');
    await form.getByLabel('Quantity').fill('4');
    await form.getByRole('button', { name: 'Buy (paper)' }).click();
    await expect(form.getByTestId('order-placed')).toContainText('BUY 4 NSE:INFY');

    const symbol = 'NSE:INFY';
    const price = (t: number) => simulatedPriceAt(symbol, t);
    const now = price(clock.now());
    const stop = Math.round(now * 0.997 * 100) / 100;
    const exit = exitForm(page);
    await exit.getByRole('combobox', { name: 'Exit', exact: true }).selectOption('oco');
    await exit.getByLabel('Exit quantity').fill('4');
    await exit.getByLabel('Target price').fill(String(Math.round(now * 2)));
    await exit.getByLabel('Stop price').fill(String(stop));
    await exit.getByRole('button', { name: 'Set exit (paper)' }).click();
    await expect(exitRow(page).getByTestId('exit-state')).toHaveText('armed');

    // BrokerVault stops and starts again on the same data folder.
    await bridge.close();
    bridge = await open();
    await page.goto(bridge.url);
    await page.getByRole('button', { name: 'Trading', exact: true }).click();
    await expect(exitRow(page).getByTestId('exit-state')).toHaveText('armed');
    await expect(exitRow(page).getByTestId('exit-handling')).toHaveText(MANAGED);
    await expect(exitRow(page)).toContainText(`stop ${stop}`);
    // docs/ui.md's picture of exits: BV_EXITS_SHOT=docs/screenshots/trading-exits.png npx playwright test exits.spec.ts
    if (process.env.BV_EXITS_SHOT) {
      await page.getByRole('form', { name: 'Order ticket' }).getByLabel('Symbol').fill(symbol);
      await page.setViewportSize({ width: 1400, height: 1100 });
      await page.screenshot({ path: process.env.BV_EXITS_SHOT, animations: 'disabled' });
    }

    // Re-armed from the feed: when the price reaches the stop, it fires.
    clock.skip(firstSecond(price, (p) => p <= stop, clock.now()) - clock.now());
    await expect(exitRow(page).getByTestId('exit-state')).toHaveText('done', { timeout: 10_000 });
    await expect(quantityOf(page, symbol)).toHaveText('0');
  } finally {
    await bridge.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
