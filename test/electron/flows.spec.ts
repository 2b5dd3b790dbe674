import { chromium, expect, test, type Browser, type ElectronApplication, type Page } from '@playwright/test';
import type { ZerodhaSimHandle } from '../simulators/zerodha';
import { startIbkrGateway } from '../simulators/ibkr';
import { priceAt } from '../simulators/exchange';
import { connectAngel, connectIbkr, connectZerodha, wizard, type SystemBrowser } from '../e2e/flows/connect';
import { goLive, killSwitch } from '../e2e/flows/mode';
import { startSim } from '../e2e/flows/sims';
import { brokerQuestion, expectNewestOrder, placeLiveOrder, ticket } from '../e2e/flows/trading';
import { electronBinary, noElectronReason } from './binary';
import { launchApp, type LaunchedApp } from './launch';

/**
 * The e2e flows (test/e2e/flows) against the real Electron app: connect an OAuth broker (Zerodha) and a
 * TOTP broker (Angel One), go live, place an order, kill switch; and IBKR's order questions. Skips where no
 * Electron binary is installed (here); the same flows run in Chromium through the bridge in test/e2e.
 *
 * Broker sign-in: in Electron, main opens the broker's page with shell.openExternal (the system browser).
 * The test replaces shell.openExternal in the main process (electronApp.evaluate) with a stub that records
 * the URL, then opens that URL in a Playwright Chromium page and signs in there; the broker redirects to
 * main's loopback listener exactly as from a real browser. Notifications are recorded the same way
 * (Notification.prototype.show). The app's clock is the system clock here, so token expiry (test/e2e/health.spec.ts,
 * on a ManualClock) is covered through the bridge only.
 */
const binary = electronBinary();
test.skip(!binary, noElectronReason());
// One app at a time: the OAuth loopback listener has one port.
test.describe.configure({ mode: 'serial' });

interface Launched extends LaunchedApp {
  page: Page;
}

async function launch(): Promise<Launched> {
  const launched = await launchApp(binary!);
  const { app } = launched;
  // Record instead of opening the system browser or showing desktop notifications.
  await app.evaluate(({ shell, Notification }) => {
    const g = globalThis as unknown as { __bvOpened: string[]; __bvNotes: { title: string; body: string }[] };
    g.__bvOpened = [];
    g.__bvNotes = [];
    shell.openExternal = async (url: string) => {
      g.__bvOpened.push(url);
    };
    Notification.prototype.show = function (this: Electron.Notification) {
      g.__bvNotes.push({ title: this.title, body: this.body });
    };
  });
  const page = await app.firstWindow();
  await expect(page.getByTestId('vault-badge')).toBeVisible();
  await ensureVault(page);
  return { ...launched, page };
}

/** Where no OS keychain is reachable (CI), protect the vault with a passphrase first, as a trader would. */
async function ensureVault(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const state = (await page.getByTestId('vault-state').getAttribute('data-state')) ?? '';
  if (state === 'keystore-unavailable') {
    const passphrase = 'electron-flows-passphrase';
    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.getByLabel('Repeat passphrase', { exact: true }).fill(passphrase);
    await page.getByRole('button', { name: 'Use passphrase' }).click();
    await expect(page.getByTestId('vault-state')).not.toHaveAttribute('data-state', 'keystore-unavailable');
  }
  await page.getByRole('button', { name: 'Connections', exact: true }).click();
}

async function shutdown(l: Launched): Promise<void> {
  await l.close();
}

/** The system browser as the OAuth flow sees it: URLs from the stubbed shell.openExternal, pages in Chromium. */
function stubbedBrowser(app: ElectronApplication, browser: () => Promise<Browser>): SystemBrowser {
  let seen = 0;
  const opened = () => app.evaluate(() => (globalThis as unknown as { __bvOpened: string[] }).__bvOpened);
  return {
    async nextUrl() {
      await expect.poll(async () => (await opened()).length, { message: 'main opens the broker sign-in page' }).toBeGreaterThan(seen);
      return (await opened())[seen++]!;
    },
    newPage: async () => (await browser()).newPage(),
  };
}

test('connect Zerodha (browser sign-in) and Angel One (TOTP), go live, place an order, kill switch', async () => {
  test.setTimeout(90_000);
  const zerodha = await startSim<ZerodhaSimHandle>('zerodha');
  const angel = await startSim('angel-one');
  const l = await launch();
  let signInBrowser: Browser | null = null;
  try {
    const { page, app } = l;
    const browser = stubbedBrowser(app, async () => (signInBrowser ??= await chromium.launch({ executablePath: process.env.CHROMIUM_PATH })));
    await page.getByRole('button', { name: 'Connect your first broker' }).click();
    await connectZerodha(page, zerodha, browser);
    await wizard(page).getByRole('button', { name: 'Add another broker' }).click();
    await connectAngel(page, angel, { label: 'Angel main' });
    await wizard(page).getByRole('button', { name: 'Done' }).click();

    await goLive(page, 'Angel main', { broker: 'Angel One SmartAPI' });
    const notes = () => app.evaluate(() => (globalThis as unknown as { __bvNotes: { title: string }[] }).__bvNotes.map((n) => n.title));
    await expect.poll(notes).toContain('BrokerVault is LIVE');

    await placeLiveOrder(page, { search: 'INFY', symbol: 'NSE:INFY', product: 'CNC' });
    await expect(ticket(page).getByTestId('order-placed')).toContainText('BUY 1 NSE:INFY', { timeout: 10_000 });
    await expectNewestOrder(page, 'FILLED');
    await killSwitch(page);
  } finally {
    await (signInBrowser as Browser | null)?.close();
    await shutdown(l);
    await zerodha.close();
    await angel.close();
  }
});

test('IBKR asks about a big order; the trader answers every question in the broker dialog', async () => {
  test.setTimeout(90_000);
  // The real app runs on the system clock, so the gateway does too: its pacing windows are waited for.
  const gateway = await startIbkrGateway({ globalPerSecond: 1_000 });
  const l = await launch();
  try {
    const { page } = l;
    const window = () => page.waitForTimeout(5_100);
    await connectIbkr(page, gateway, { label: 'IBKR paper' });
    await wizard(page).getByRole('button', { name: 'Done' }).click();
    await window();
    await page.getByRole('button', { name: 'Health', exact: true }).click();
    await page.getByRole('button', { name: 'Test IBKR paper' }).click();
    await expect(page.getByTestId('health-card').getByTestId('status-pill')).toHaveText('Connected', { timeout: 10_000 });
    await window();
    await goLive(page, 'IBKR paper', { broker: 'Interactive Brokers' });

    const quantity = Math.ceil(30_500 / priceAt('US:AAPL', Date.now()));
    await window();
    await placeLiveOrder(page, { symbol: 'US:AAPL', quantity });
    const question = brokerQuestion(page);
    await expect(question).toBeVisible({ timeout: 10_000 });
    await expect(question.getByTestId('broker-prompt')).toContainText('exceeds the Total Value Limit');
    // A second question (outside regular trading hours) depends on the real time of day: answer while asked.
    for (let round = 0; round < 3 && (await question.isVisible()); round++) {
      await window();
      await question.getByRole('button', { name: 'Confirm', exact: true }).click();
      const next = `Question ${round + 2}`;
      await expect.poll(async () => !(await question.isVisible()) || (await question.textContent())!.includes(next), { timeout: 10_000 }).toBe(true);
    }
    await expect(question).toBeHidden({ timeout: 10_000 });
    await expectNewestOrder(page, 'FILLED');
  } finally {
    await shutdown(l);
    await gateway.close();
  }
});
