import type { SimulatorHandle } from '../simulators/harness';
import { expect, test } from './fixtures';
import { connectAngel, wizard } from './flows/connect';
import { goLive } from './flows/mode';
import { startSim } from './flows/sims';

/** Issue 16: LIVE says it once. A connection left with its broker's name reads "LIVE Angel One SmartAPI ••••6847". */
let angel: SimulatorHandle;
test.beforeEach(async () => {
  angel = await startSim('angel-one');
});
test.afterEach(async () => {
  await angel.close();
});

test('the LIVE badge names a connection called after its broker once', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  // No name typed: the wizard names the connection after the broker.
  await connectAngel(page, angel);
  await wizard(page).getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('connection-card')).toHaveAccessibleName('Angel One SmartAPI');
  await goLive(page, 'Angel One SmartAPI');
  const badge = page.getByTestId('mode-badge');
  await expect(badge).toHaveText(/^LIVE\s*Angel One SmartAPI •+\d{4}$/);
  await expect(badge).not.toContainText('·');
});
