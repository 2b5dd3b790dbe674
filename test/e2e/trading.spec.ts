import { expect, test } from './fixtures';
import { priceAt } from '../simulators/exchange';
import { startIbkrGateway, type IbkrSimHandle } from '../simulators/ibkr';
import { connectAngel, connectIbkr } from './flows/connect';
import { goLive, killSwitch, liveOnAngel } from './flows/mode';
import { SkippingClock, startSim, windowGap, type Pause } from './flows/sims';
import { answerBrokerQuestion, brokerQuestion, expectNewestOrder, placeLiveOrder, ticket } from './flows/trading';

test('paper trading: an order fills on simulated prices; a limit breach needs confirmation', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await expect(page).toHaveTitle('BrokerVault — Paper');

  // A pre-trade limit set in Settings.
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByLabel('Max quantity per order').fill('5');
  await page.getByRole('button', { name: 'Save limits' }).click();
  await expect(page.getByText('Limits saved.')).toBeVisible();

  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  const ticket = page.getByRole('form', { name: 'Order ticket' });
  await ticket.getByLabel('Symbol').fill('NSE:INFY');
  await expect(page.getByTestId('simulated-prices')).toBeVisible();
  // No broker connected: the ticket says the prices are simulated, as the Quotes panel does.
  await expect(ticket.getByLabel('Symbol')).toHaveAccessibleDescription('Paper mode: any symbol in EXCHANGE:SYMBOL form; prices are simulated.');
  await ticket.getByLabel('Quantity').fill('2');
  await ticket.getByRole('button', { name: 'Buy (paper)' }).click();
  await expect(ticket.getByTestId('order-placed')).toContainText('BUY 2 NSE:INFY');
  await expect(page.getByTestId('order-row').first().getByTestId('order-state')).toHaveText('FILLED', { timeout: 10_000 });
  await expect(page.getByTestId('position-row')).toContainText('NSE:INFY');
  // The paper account says which feed values the position.
  await expect(page.getByTestId('paper-price-sources')).toHaveText('NSE:INFY: simulated prices');

  // Above the limit: main asks for a confirmation with its reasons; placing anyway re-sends with it.
  await ticket.getByLabel('Quantity').fill('10');
  await ticket.getByRole('button', { name: 'Buy (paper)' }).click();
  await expect(ticket.getByTestId('order-confirm')).toContainText('pre-trade limits');
  await ticket.getByRole('button', { name: 'Place anyway' }).click();
  await expect(ticket.getByTestId('order-placed')).toContainText('BUY 10 NSE:INFY');
  await expect(page.getByTestId('order-row')).toHaveCount(2);
});

test('going live through the confirmation, placing a live order that fills, kill switch back to paper', async ({ page, bridge }) => {
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await connectAngel(page, angel, { label: 'Angel main' });
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

    // The confirmation names the account and wants the phrase typed.
    await goLive(page, 'Angel main', { broker: 'Angel One SmartAPI', environment: 'LIVE' });

    // Live ticket: symbol from the broker's instruments, product required, review before sending.
    await placeLiveOrder(page, { search: 'INFY', symbol: 'NSE:INFY', product: 'CNC' });
    await expect(ticket(page).getByTestId('order-placed')).toContainText('BUY 1 NSE:INFY', { timeout: 10_000 });
    await expectNewestOrder(page, 'FILLED');
    // Live quotes come from the broker: never labelled simulated (they were, for a moment, after a switch).
    await expect(page.getByTestId('broker-prices')).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId('simulated-prices')).toHaveCount(0);

    // Kill switch: always in the top bar in live mode; reports per order; back to paper, live locked.
    await killSwitch(page);
  } finally {
    await angel.close();
  }
});

test('paper trading with a connected broker: the ticket says where the symbol’s prices come from, as the Quotes panel does', async ({ page, bridge }) => {
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await connectAngel(page, angel, { label: 'Angel main' });
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Trading', exact: true }).click();
    const form = ticket(page);
    const symbol = form.getByLabel('Symbol');
    // Angel One prices NSE symbols: paper quotes and fills use its prices, and both the panel and the ticket say so.
    await symbol.fill('NSE:INFY');
    await expect(page.getByTestId('broker-prices')).toBeVisible({ timeout: 10_000 });
    await expect(symbol).toHaveAccessibleDescription('Paper mode: any symbol in EXCHANGE:SYMBOL form; prices come from your connected broker.', {
      timeout: 10_000,
    });
    await expect(page.getByTestId('simulated-prices')).toHaveCount(0);
    // No connected broker prices US symbols: simulated, and said so for that symbol.
    await symbol.fill('US:AAPL');
    await expect(page.getByTestId('simulated-prices')).toBeVisible({ timeout: 10_000 });
    await expect(symbol).toHaveAccessibleDescription('Paper mode: any symbol in EXCHANGE:SYMBOL form; prices are simulated.', { timeout: 10_000 });
  } finally {
    await angel.close();
  }
});

test('live instrument search: Escape while a search is running ends “Searching…”, and its late answer does not reopen the list', async ({ page, bridge }) => {
  // Instrument searches from the page are held until the test lets them through; everything else passes at once.
  let holding = false;
  const held: { id: number; send(): void }[] = [];
  const answered = new Set<number>();
  await page.routeWebSocket(/\/__bridge\/ws/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const call = JSON.parse(String(message)) as { id?: number; channel?: string };
      if (holding && call.channel === 'instruments:search' && call.id !== undefined) held.push({ id: call.id, send: () => server.send(message) });
      else server.send(message);
    });
    server.onMessage((message) => {
      const reply = JSON.parse(String(message)) as { id?: number };
      if (reply.id !== undefined) answered.add(reply.id);
      ws.send(message);
    });
  });

  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await liveOnAngel(page, angel);
    const form = ticket(page);
    const symbol = form.getByRole('combobox', { name: 'Symbol' });
    const hint = 'Type part of a name and pick from your broker’s instruments.';

    holding = true;
    await symbol.fill('INFY');
    await expect(symbol).toHaveAccessibleDescription(`${hint} Searching…`);
    await expect.poll(() => held.length).toBe(1);
    // The trader gives up on the suggestions while the broker is still searching.
    await symbol.press('Escape');
    await expect(symbol).toHaveAccessibleDescription(hint);
    // The answer arrives afterwards: dropped, the list stays closed and nothing says it is still searching.
    holding = false;
    const late = held.splice(0);
    for (const call of late) call.send();
    await expect.poll(() => late.every((call) => answered.has(call.id))).toBe(true);
    await expect(form.getByRole('listbox')).toHaveCount(0);
    await expect(symbol).toHaveAttribute('aria-expanded', 'false');
    await expect(symbol).toHaveAccessibleDescription(hint);

    // Typing again searches again, and the search ends with its results.
    await symbol.fill('INF');
    await expect(form.getByRole('option', { name: /NSE:INFY/ })).toBeVisible({ timeout: 10_000 });
    await expect(symbol).toHaveAccessibleDescription(hint);
  } finally {
    await angel.close();
  }
});

/** Sunday 23:00 in New York: outside US regular trading hours, so IBKR also asks about that. */
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
  // The app and the gateway share the clock, so the gateway's pacing windows can be skipped, not waited for.
  bridgeOptions: async ({ clock }, use) => {
    await use({ clock });
  },
});

ibkr(
  'IBKR asks about a big order: the trader sees the broker’s questions and answers them; a declined one is cancelled',
  async ({ page, bridge, clock, gateway }) => {
    // The gateway paces /portfolio/accounts and the order list at one call per 5 s: move time past each window.
    const pause: Pause = async (ms) => clock.skip(ms);
    const nextWindow = () => clock.skip(windowGap(5_000));
    await page.goto(bridge.url);
    await connectIbkr(page, gateway, { label: 'IBKR paper', pause });
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    // The health monitor's first check can land in the same 5-s window as the wizard's save and be paced by
    // the gateway (a paced check keeps the status it had); test it in a fresh window, as a trader would.
    nextWindow();
    await page.getByRole('button', { name: 'Health', exact: true }).click();
    await page.getByRole('button', { name: 'Test IBKR paper' }).click();
    await expect(page.getByTestId('health-card').getByTestId('status-pill')).toHaveText('Connected', { timeout: 10_000 });
    nextWindow();
    await goLive(page, 'IBKR paper', { broker: 'Interactive Brokers', environment: 'paper' });
    // Live on the broker's paper account: the bar says so next to LIVE, so it is never mistaken for real money.
    await expect(page.getByTestId('mode-environment')).toHaveText('BROKER PAPER');

    // Worth more than 30,000 USD: over the gateway's Total Value Limit (25,000).
    const quantity = Math.ceil(30_500 / priceAt('US:AAPL', clock.now()));
    // IBKR has no instrument list to download: the ticket searches the gateway's contracts as the trader types.
    nextWindow();
    await placeLiveOrder(page, { search: 'AAPL', symbol: 'US:AAPL', quantity });
    const question = brokerQuestion(page);
    await expect(question).toBeVisible({ timeout: 10_000 });
    await expect(question.getByRole('heading')).toHaveText('Interactive Brokers asks about your order');
    await expect(question).toContainText('This question comes from Interactive Brokers, not from BrokerVault');
    await expect(question.getByTestId('broker-question-order')).toContainText(`BUY ${quantity} US:AAPL at market`);
    // The broker's own words, with no HTML in them.
    await expect(question.getByTestId('broker-prompt')).toContainText(`value exceeds the Total Value Limit of 25,000 USD. Are you sure`);
    await expect(question.getByTestId('broker-prompt')).not.toContainText('<br>');
    // Nothing answers for the trader: Escape leaves the question open and the order waiting.
    await page.keyboard.press('Escape');
    await expect(question).toBeVisible();
    await expect(page.getByTestId('order-question')).toContainText('waiting for your answer');
    await expectNewestOrder(page, 'PENDING');
    await expect(page.getByTestId('order-row').first().getByTestId('order-message')).toContainText('Waiting for your answer');

    // Confirm: IBKR asks again, about trading outside regular hours; confirm that too and the order fills.
    nextWindow();
    await answerBrokerQuestion(page, 'exceeds the Total Value Limit', 'Confirm');
    await expect(question).toContainText('Question 2');
    nextWindow();
    await answerBrokerQuestion(page, 'outside regular trading hours', 'Confirm');
    await expect(question).toBeHidden({ timeout: 10_000 });
    await expect(ticket(page).getByTestId('order-placed')).toContainText(`Order sent: BUY ${quantity} US:AAPL — filled`);
    await expectNewestOrder(page, 'FILLED');

    // The same order again, declined: nothing is placed and the order shows as cancelled, saying why.
    nextWindow();
    await placeLiveOrder(page, { symbol: 'US:AAPL', quantity });
    nextWindow();
    await answerBrokerQuestion(page, 'exceeds the Total Value Limit', 'Decline');
    await expect(question).toBeHidden({ timeout: 10_000 });
    await expect(ticket(page).getByTestId('order-placed')).toContainText(`Order not placed: BUY ${quantity} US:AAPL — cancelled`);
    await expectNewestOrder(page, 'CANCELLED');
    await expect(page.getByTestId('order-row').first().getByTestId('order-message')).toContainText('You declined the broker');
    await expect(page.getByTestId('order-row')).toHaveCount(2);
    expect(gateway.exchange.orders.size).toBe(1);
  },
);
