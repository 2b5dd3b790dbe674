import type { SimulatorHandle } from '../simulators/harness';
import { expect, test } from './fixtures';
import { connectAngel, wizard } from './flows/connect';
import { startSim } from './flows/sims';

/**
 * Issue 16: a connection card shows only what the trader entered. Angel One's login stores feedToken, jwtToken and
 * refreshToken; the card shows none of them, only "Signed in, session ends …".
 */
let angel: SimulatorHandle;
test.beforeEach(async () => {
  angel = await startSim('angel-one');
});
test.afterEach(async () => {
  await angel.close();
});

test('an Angel One card lists the entered fields and one "Signed in" line, never the session tokens', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await connectAngel(page, angel, { label: 'Angel main' });
  await wizard(page).getByRole('button', { name: 'Done' }).click();
  const card = page.getByTestId('connection-card').filter({ hasText: 'Angel main' });
  await expect(card.locator('.fields dt')).toHaveText(['SmartAPI API key', 'Client code', 'MPIN', 'Registered static IP', 'TOTP secret', 'API host']);
  const stored = bridge.services.db.prepare<[], { name: string }>('SELECT name FROM connection_fields ORDER BY name').all();
  expect(stored.map((r) => r.name)).toEqual(expect.arrayContaining(['feedToken', 'jwtToken', 'refreshToken']));
  for (const token of ['feedToken', 'jwtToken', 'refreshToken']) await expect(card).not.toContainText(token);
  const expiresAt = bridge.services.connections.list()[0]!.tokenExpiresAt!;
  expect(expiresAt).toBeGreaterThan(Date.now());
  const when = await page.evaluate((at) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }), expiresAt);
  await expect(card.getByTestId('connection-session')).toHaveText(`Signed in, session ends ${when}`);
});
