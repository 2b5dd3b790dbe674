import { expect, test } from './fixtures';
import { connectAngel } from './flows/connect';
import { startSim } from './flows/sims';

/**
 * Issue 11, item 8: the edit dialog lets the trader change a connection's API host, and then asks for the
 * credentials again, because main never sends saved credentials to a new address.
 */
test('changing the API host of a saved connection asks for its credentials again', async ({ page, bridge }) => {
  const angel = await startSim('angel-one');
  try {
    await page.goto(bridge.url);
    await connectAngel(page, angel, { label: 'Angel main' });
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    const card = page.getByTestId('connection-card');
    await card.getByRole('button', { name: 'Edit Angel main' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit “Angel main”' });
    await expect(edit.getByLabel('MPIN', { exact: true })).toHaveAttribute('placeholder', /Leave blank to keep/);
    await expect(edit.getByTestId('host-needs-secrets')).toHaveCount(0);

    // Plain http to another machine is refused by the form, in main's words.
    const host = edit.getByLabel('API host override');
    await host.fill('http://collect.attacker.example');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit.getByText('The API host override must be an https:// address')).toBeVisible();

    // Another host (the same simulator by name): every saved secret must be typed again.
    const moved = angel.baseUrl.replace('127.0.0.1', 'localhost');
    await host.fill(moved);
    await expect(edit.getByTestId('host-needs-secrets')).toContainText('needs this connection’s credentials again');
    await expect(edit.getByLabel('MPIN', { exact: true })).not.toHaveAttribute('placeholder', /Leave blank to keep/);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit.getByRole('alert')).toContainText('enter SmartAPI API key, MPIN, TOTP secret');
    await expect(edit).toBeVisible();
    expect(bridge.services.connections.list()[0]!.apiHost).toBe(angel.baseUrl);

    await edit.getByLabel('SmartAPI API key', { exact: true }).fill(angel.credentials.api_key!);
    await edit.getByLabel('MPIN', { exact: true }).fill(angel.credentials.mpin!);
    await edit.getByLabel('TOTP secret', { exact: true }).fill(angel.credentials.totp_secret!);
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect(edit).toBeHidden();
    await expect(card.getByTestId('api-host')).toHaveText(moved);
    const [entry] = bridge.services.audit.list({ action: 'connection.update', limit: 10 }).entries;
    expect(entry!.detail).toMatchObject({ hostFrom: angel.baseUrl, hostTo: moved });
  } finally {
    await angel.close();
  }
});
