import { expect, test } from './fixtures';
import { liveOnAngel } from './flows/mode';
import { startSim } from './flows/sims';
import { expectNewestOrder, placeLiveOrder, ticket } from './flows/trading';

/**
 * Live trading when the broker's answers go missing, through the bridge:
 * - an order whose outcome is unknown (the broker took it, its answer and the first lookups were lost): the
 *   ticket must not say "sent"; it follows the journal and shows the broker's answer once known;
 * - the kill switch while order-book reads get no answer: its dialog says what it is waiting for.
 */

/** Main's fetch, losing the broker's answers to matching calls while `losing` is set (sent, processed, answer lost). */
const net = { losing: null as string | null };
const lossyFetch: typeof fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const response = await globalThis.fetch(input, init);
  if (net.losing !== null && url.pathname.includes(net.losing)) {
    await response.arrayBuffer();
    throw Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
  }
  return response;
};

test.use({ bridgeOptions: { fetch: lossyFetch } });

test('an order with an unknown outcome: the ticket says so, then follows the journal to FILLED', async ({ page, bridge }) => {
  expect(bridge.url).toBeTruthy();
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await liveOnAngel(page, angel);

    net.losing = '/order/v1/';
    await placeLiveOrder(page, { search: 'INFY', symbol: 'NSE:INFY', product: 'CNC' });
    const said = ticket(page).getByTestId('order-placed');
    await expect(said).toHaveText('Outcome unknown, checking with the broker: BUY 1 NSE:INFY.', { timeout: 10_000 });
    await expectNewestOrder(page, 'UNKNOWN');

    // The broker answers again: the list settles the order, and the ticket says what really happened.
    net.losing = null;
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expectNewestOrder(page, 'FILLED');
    await expect(said).toHaveText('Order sent: BUY 1 NSE:INFY — filled.');
  } finally {
    net.losing = null;
    await angel.close();
  }
});

test('the kill switch dialog shows its progress while a broker does not answer, then the report', async ({ page, bridge }) => {
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await liveOnAngel(page, angel);
    await placeLiveOrder(page, { search: 'INFY', symbol: 'NSE:INFY', product: 'CNC' });
    await expectNewestOrder(page, 'FILLED');

    net.losing = '/order/v1/getOrderBook';
    await page.getByTestId('kill-switch').click();
    const kill = page.getByRole('dialog', { name: 'Kill switch' });
    await kill.getByRole('button', { name: 'Engage kill switch' }).click();
    await expect(kill.getByRole('status')).toContainText(
      'Reading the order book (Angel main): the broker asked BrokerVault to slow down (or did not answer); trying again…',
    );
    net.losing = null;
    await expect(kill.getByTestId('kill-summary')).toContainText('paper mode', { timeout: 15_000 });
  } finally {
    net.losing = null;
    await angel.close();
  }
});
