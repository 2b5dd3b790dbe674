import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBridge } from '../bridge/server';
import { expect, test } from './fixtures';

/** Issue 11 item 10 ("nothing lost"): Settings → Backups → Restore, and the recovery screen, through the bridge. */
const SAVED = {
  broker: 'alpaca',
  label: 'Saved before the backup',
  environment: 'paper',
  fields: { apiKeyId: 'PKBACKUPTEST0000001', apiSecretKey: 'backupSecretValue0000000001' },
} as const;

test('Settings → Backups: back up now, restore with a confirmation; the current database is kept aside and the saved credential decrypts', async ({
  page,
  bridge,
}) => {
  const saved = await bridge.services.connections.create(SAVED);
  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const panel = page.getByTestId('backups-panel');
  await expect(panel.getByRole('heading', { name: 'Backups' })).toBeVisible();
  await panel.getByRole('button', { name: 'Back up now' }).click();
  await expect(panel.getByRole('status')).toContainText('Backup taken');
  // The daily backup was taken at start; the one taken by hand holds the connection.
  const byHand = panel.getByTestId('backup-row').filter({ hasText: 'Taken by hand' });
  await expect(byHand).toHaveCount(1);
  await expect(panel.getByTestId('backup-row').filter({ hasText: 'Daily' })).toHaveCount(1);

  // After the backup the connection is deleted.
  bridge.services.connections.delete(saved.id);
  expect(bridge.services.connections.list()).toEqual([]);

  await byHand.getByRole('button', { name: 'Restore…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('renamed aside');
  await dialog.getByRole('button', { name: 'Restore backup' }).click();
  await expect(dialog).toBeHidden();

  // The services reopened on the backup: the connection is back, its secret decrypts, the app shows it.
  expect(bridge.services.connections.list().map((c) => c.label)).toEqual([SAVED.label]);
  expect(bridge.services.connections.credentials(saved.id)).toEqual(SAVED.fields);
  await page.getByRole('button', { name: 'Connections', exact: true }).click();
  await expect(page.getByText(SAVED.label)).toBeVisible();
  const dataDir = path.dirname(bridge.services.db.name);
  // The replaced database is kept, with the audit seal that belongs to it beside it.
  const kept = fs.readdirSync(dataDir).filter((name) => name.startsWith('brokervault.sqlite.before-restore-'));
  expect(kept.filter((name) => !name.endsWith('.audit-anchor.json'))).toHaveLength(1);
});

test('the recovery screen: a damaged database is shown with its path; Move aside keeps it and opens the app', async ({ page }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bv-e2e-recovery-'));
  const file = path.join(dataDir, 'brokervault.sqlite');
  const garbage = Buffer.from('not a database: a spreadsheet saved over it\n'.repeat(100));
  fs.writeFileSync(file, garbage);
  const bridge = await startBridge({ dataDir, logSink: { write: () => undefined }, oauthPort: 0 });
  try {
    await page.goto(bridge.url);
    const screen = page.getByTestId('recovery-screen');
    await expect(screen.getByRole('heading', { name: 'The database file is damaged' })).toBeVisible();
    await expect(screen.getByTestId('recovery-file')).toHaveText(file);
    await expect(screen).toContainText('There is no backup');
    await screen.getByRole('button', { name: 'Move the damaged file aside and start fresh…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Move aside and start fresh' }).click();

    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expect(page.getByText('No broker connected yet.')).toBeVisible();
    const kept = fs.readdirSync(dataDir).filter((name) => name.startsWith('brokervault.sqlite.damaged-'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(dataDir, kept[0]!)).equals(garbage)).toBe(true);
  } finally {
    await bridge.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
