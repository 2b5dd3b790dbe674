import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures';

const ICON = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../resources/icon.svg'), 'utf8');

/** Issue 16: the page has the app's icon (resources/icon.svg, emitted with the bundle), and nothing it asks for is missing. */
test('the app and its loading page carry the app icon, and no request fails', async ({ page, bridge }) => {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => failed.push(`${r.failure()?.errorText ?? 'failed'} ${r.url()}`));

  for (const entry of ['/', '/loading.html']) {
    await page.goto(new URL(entry, bridge.url).toString());
    const icon = page.locator('link[rel="icon"]');
    await expect(icon).toHaveAttribute('type', 'image/svg+xml');
    const href = await icon.evaluate((el) => (el as HTMLLinkElement).href);
    const answer = await page.request.get(href);
    expect(answer.status(), href).toBe(200);
    expect(answer.headers()['content-type']).toBe('image/svg+xml');
    expect(await answer.text()).toBe(ICON);
  }

  // Every page of the app, then a moment for anything late (the browser's own favicon request among them).
  await page.goto(bridge.url);
  await expect(page.getByTestId('vault-badge')).toBeVisible();
  for (const name of ['Connections', 'Health', 'Trading', 'Audit', 'Settings']) {
    await page.getByRole('button', { name, exact: true }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }
  await page.waitForLoadState('networkidle');
  expect(failed).toEqual([]);
});
