import { descriptor as angelOne } from '../../src/main/brokers/angel-one/descriptor';
import type { ZerodhaSimHandle } from '../simulators/zerodha';
import type { SimulatorHandle } from '../simulators/harness';
import { expect, test } from './fixtures';
import { ANGEL_LABELS, connectAngel, connectZerodha, fillDetails, openWizardFor, wizard } from './flows/connect';
import { startSim } from './flows/sims';

test('a first-time trader connects Zerodha (browser sign-in) and Angel One (TOTP) and sees both valid in Health', async ({ page, bridge, systemBrowser }) => {
  const zerodha = await startSim<ZerodhaSimHandle>('zerodha');
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await expect(page.getByTestId('mode-badge')).toHaveText('PAPER');
    await page.getByRole('button', { name: 'Connect your first broker' }).click();
    const dialog = wizard(page);

    // Zerodha: OAuth redirect. The wizard shows the redirect URL to register; the trader signs in on Kite.
    await connectZerodha(page, zerodha, systemBrowser);
    await expect(dialog.getByTestId('account-summary')).toContainText('••••4821');

    // Angel One: TOTP login done by BrokerVault; tested before saving.
    await dialog.getByRole('button', { name: 'Add another broker' }).click();
    await connectAngel(page, angel);
    await dialog.getByRole('button', { name: 'Open Health panel' }).click();

    await expect(page.getByRole('heading', { name: 'Health' })).toBeVisible();
    const cards = page.getByTestId('health-card');
    await expect(cards).toHaveCount(2);
    for (const card of await cards.all()) {
      await expect(card.getByTestId('status-pill')).toHaveText('Connected');
      await expect(card.getByTestId('token-expiry')).toHaveText(/^in \d/);
    }
    await expect(page.getByTestId('health-summary')).toContainText('2 of 2 connected');

    // The host override is shown on the connection afterwards; secrets only masked.
    await page.getByRole('button', { name: 'Connections', exact: true }).click();
    await expect(page.getByTestId('api-host')).toHaveText([zerodha.baseUrl, angel.baseUrl]);
    await expect(page.getByText(zerodha.credentials.api_secret!)).toHaveCount(0);
    await expect(page.getByText(angel.credentials.totp_secret!)).toHaveCount(0);
  } finally {
    await zerodha.close();
    await angel.close();
  }
});

test('bad input in the wizard gets a clear message and saves nothing; the broker’s own error is shown', async ({ page, bridge }) => {
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await openWizardFor(page, 'India', 'angel-one');
    const dialog = page.getByRole('dialog', { name: 'Connect a broker' });
    // Before anything is typed, the wizard says how long a sign-in lasts and links the broker's API docs (from its descriptor).
    await expect(dialog.getByTestId('token-lifetime')).toHaveText(angelOne.tokenLifetime);
    await expect(dialog.getByTestId('docs-url')).toHaveAttribute('href', angelOne.docsUrl);
    await fillDetails(page, { ...ANGEL_LABELS(angel.credentials), 'SmartAPI API key': 'bad key!', MPIN: '12ab' }, 'not a url');
    await dialog.getByRole('button', { name: 'Continue to test' }).click();
    await expect(dialog.getByTestId('wizard-problems')).toContainText('3 fields need attention: SmartAPI API key does not look right');
    await expect(dialog.getByText('MPIN does not look right')).toBeVisible();
    await expect(dialog.getByText('The API host override must be an https:// address')).toBeVisible();
    await expect(dialog.getByLabel('SmartAPI API key', { exact: true })).toBeFocused();

    // Plausible but wrong: the broker rejects it and says why; nothing is saved.
    await fillDetails(page, { 'SmartAPI API key': angel.credentials.api_key!, MPIN: '9999' });
    await dialog.getByLabel('API host override').fill(angel.baseUrl);
    await dialog.getByRole('button', { name: 'Continue to test' }).click();
    await expect(dialog.getByRole('alert')).toContainText('Angel One rejected the login (AB1000)');
    await expect(dialog.getByRole('button', { name: 'Save connection' })).toBeDisabled();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByText('No broker connected yet.')).toBeVisible();
    expect(bridge.services.connections.list()).toHaveLength(0);
  } finally {
    await angel.close();
  }
});

test('edit (rename), deactivate, activate and delete a connection (with a confirmation dialog)', async ({ page, bridge }) => {
  const angel: SimulatorHandle = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await connectAngel(page, angel, { label: 'Angel main' });
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    const card = page.getByTestId('connection-card');
    await expect(card).toContainText('Angel main');

    await card.getByRole('button', { name: 'Edit Angel main' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit “Angel main”' });
    await expect(edit.getByLabel('MPIN', { exact: true })).toHaveAttribute('placeholder', /Leave blank to keep/);
    await edit.getByLabel('Name', { exact: true }).fill('Angel long-term');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit).toBeHidden();
    await expect(card).toContainText('Angel long-term');

    await card.getByRole('button', { name: 'Deactivate' }).click();
    await expect(card.getByText('Inactive')).toBeVisible();
    await card.getByRole('button', { name: 'Activate' }).click();

    await card.getByRole('button', { name: 'Delete Angel long-term' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete “Angel long-term”?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(card).toBeVisible();
    await card.getByRole('button', { name: 'Delete Angel long-term' }).click();
    await confirm.getByRole('button', { name: 'Delete connection' }).click();
    await expect(page.getByText('No broker connected yet.')).toBeVisible();
  } finally {
    await angel.close();
  }
});
