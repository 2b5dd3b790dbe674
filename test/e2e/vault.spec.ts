import { MemoryKeyStore } from '../../src/main/vault/keystore';
import { expect, test } from './fixtures';

/** A keychain that is unreachable when BrokerVault starts and comes back later (issue 10 item 3). */
const keyStore = new MemoryKeyStore(true);
test.use({ bridgeOptions: { keyStore } });

test('Try again in Settings reloads the vault once the keychain answers', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await expect(page.getByTestId('vault-badge')).toHaveText('No keychain');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByTestId('vault-state')).toHaveAttribute('data-state', 'keystore-unavailable');
  await expect(page.getByRole('note')).toContainText('Try again');

  // Still unreachable: the state stays, and the button stays for the next try.
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('button', { name: 'Try again' })).toBeEnabled();
  await expect(page.getByTestId('vault-state')).toHaveAttribute('data-state', 'keystore-unavailable');

  keyStore.unavailable = false;
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByTestId('vault-state')).toHaveAttribute('data-state', 'no-key-yet');
  await expect(page.getByTestId('vault-badge')).toHaveText('Vault ready');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
});
