import { ManualClock } from '../../src/main/clock';
import { AUDIT_CHECK_INTERVAL_MS } from '../../src/main/services/audit-guard';
import { ManualScheduler } from '../support/manual-scheduler';
import { expect, test } from './fixtures';

/** The app (bridge) and its timers on one manual clock, so the daily audit check can be reached. */
const timed = test.extend<{ clock: ManualClock; scheduler: ManualScheduler }>({
  // eslint-disable-next-line no-empty-pattern
  clock: async ({}, use) => {
    await use(new ManualClock(Date.UTC(2026, 0, 5, 4, 0, 0)));
  },
  scheduler: async ({ clock }, use) => {
    await use(new ManualScheduler(clock));
  },
  bridgeOptions: async ({ clock, scheduler }, use) => {
    await use({ clock, scheduler });
  },
});

timed('a cut audit trail is shown on every page, without opening Audit, from the daily check on', async ({ page, bridge, scheduler }) => {
  const { services } = bridge;
  // A profile with a vault key and some history, sealed.
  await services.vault.withWriteKey(() => undefined);
  for (let i = 0; i < 6; i++) services.audit.append('mode.switch', null, { to: i % 2 ? 'live' : 'paper' });
  expect((await services.auditGuard.verify()).ok).toBe(true);

  await page.goto(bridge.url);
  await page.getByRole('button', { name: 'Trading', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Trading' })).toBeVisible();
  await expect(page.getByTestId('audit-alarm')).toHaveCount(0);

  // Someone with the database file, but not the keychain, deletes the newest entries.
  services.db.exec('DROP TRIGGER audit_log_no_delete');
  services.db.prepare('DELETE FROM audit_log WHERE seq > 4').run();

  await scheduler.advance(AUDIT_CHECK_INTERVAL_MS);
  const alarm = page.getByTestId('audit-alarm');
  await expect(alarm).toBeVisible();
  await expect(alarm).toContainText('The audit trail was tampered with (found');
  await expect(alarm).toContainText(/The newest \d+ entries were removed/);
  await expect(alarm).toContainText('What to do:');
  await expect(page.getByRole('heading', { name: 'Trading' })).toBeVisible();
  await expect(page.getByTestId('audit-nav-alert')).toBeAttached();

  // It stays: after a reload, and on another page, until a check finds the trail intact.
  await page.reload();
  await expect(page.getByTestId('audit-alarm')).toContainText(/The newest \d+ entries were removed/);
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByTestId('audit-alarm')).toBeVisible();
  await page.getByTestId('audit-alarm').getByRole('button', { name: 'Open Audit' }).click();
  await expect(page.getByRole('heading', { name: 'Audit' })).toBeVisible();
});
