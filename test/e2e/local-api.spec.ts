import net from 'node:net';
import { findFreePort } from '../../src/main/local-api/service';
import { testPortNear } from '../support/ports';
import { expect, test } from './fixtures';

/** Issue 14: Settings → Local API in Chromium through the bridge: enable, a taken port offered a free one, keys. */
test('Settings → Local API: off by default, enable on free ports, create a key shown once, use it, revoke it', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const panel = page.getByTestId('local-api-panel');
  await expect(panel.getByRole('heading', { name: 'Local API' })).toBeVisible();
  const enable = panel.getByRole('checkbox', { name: 'Enable the local API' });
  await expect(enable).not.toBeChecked();

  // A port another program holds: the panel says so and offers a free one.
  const taken = await findFreePort(testPortNear());
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', () => resolve()));
  try {
    const wsPort = await findFreePort(taken + 10);
    await panel.getByLabel('REST port').fill(String(taken));
    await panel.getByLabel('WebSocket port').fill(String(wsPort));
    await enable.check();
    await expect(panel.getByTestId('local-api-http-problem')).toContainText(`Port ${taken} is already in use by another program`);
    await panel.getByRole('button', { name: 'Use the free port' }).click();
    await expect(panel.getByTestId('local-api-http')).toContainText('listening on http://127.0.0.1:');
    await expect(panel.getByTestId('local-api-ws')).toContainText(`ws://127.0.0.1:${wsPort}`);
  } finally {
    blocker.close();
  }
  const restPort = bridge.services.localApi.status().rest.port;

  // A trade key for the paper account, shown once.
  const form = panel.getByTestId('local-api-new-key');
  await form.getByLabel('Key name').fill('my script');
  await form.getByLabel('Permission').selectOption('trade');
  await form.getByRole('button', { name: 'Create key' }).click();
  const secret = (await panel.locator('#local-api-secret-value').textContent()) ?? '';
  expect(secret).toMatch(/^[0-9a-f]{64}$/);
  const row = panel.getByTestId('local-api-key-row').filter({ hasText: 'my script' });
  await expect(row).toContainText('Trade');
  await expect(row).toContainText('Paper account');
  await panel.getByRole('button', { name: 'Done' }).click();
  await expect(panel.getByTestId('local-api-secret')).toHaveCount(0);
  await expect(page.getByText(secret)).toHaveCount(0);

  // The key works from a script (no Origin), and this very page cannot use it (its Origin is refused).
  const ping = await fetch(`http://127.0.0.1:${restPort}/api/v1/ping`, { method: 'POST', body: JSON.stringify({ apikey: secret }) });
  expect(await ping.json()).toEqual({ status: 'success', data: { broker: 'paper', message: 'pong' } });
  const fromPage = await page.evaluate(
    async ({ port, key }) => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/ping`, { method: 'POST', body: JSON.stringify({ apikey: key }) });
        return res.status;
      } catch {
        return 'blocked';
      }
    },
    { port: restPort, key: secret },
  );
  expect(fromPage).not.toBe(200);

  // Make it read only, then revoke it.
  await row.getByRole('button', { name: 'Make read only' }).click();
  await expect(row).toContainText('Read only');
  await row.getByRole('button', { name: 'Revoke my script' }).click();
  await expect(row).toContainText('Revoked');
  const refused = await fetch(`http://127.0.0.1:${restPort}/api/v1/ping`, { method: 'POST', body: JSON.stringify({ apikey: secret }) });
  expect(refused.status).toBe(403);
});

test('Settings → Local API: after the kill switch, API trading stays off until the trader resumes it here', async ({ page, bridge }) => {
  await bridge.services.trading.killSwitch.engage(false);
  bridge.services.trading.mode.unlock();
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const panel = page.getByTestId('local-api-panel');
  await expect(panel.getByTestId('local-api-halted')).toContainText('The kill switch stopped API trading');
  await panel.getByRole('button', { name: 'Resume API trading' }).click();
  await expect(panel.getByTestId('local-api-halted')).toHaveCount(0);
  expect(bridge.services.localApi.status().tradingHalted).toBe(false);
});
