import { CHANNEL_NAMES } from '../../src/shared/channels';
import { expect, test } from './fixtures';

test('the app loads with its navigation and vault status', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  for (const name of ['Connections', 'Health', 'Trading', 'Audit', 'Settings']) {
    await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId('vault-badge')).toHaveText('Vault ready');
  await expect(page.getByText('No broker connected yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Audit', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Audit' })).toBeVisible();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByTestId('vault-state')).toHaveAttribute('data-state', 'no-key-yet');
  // The trader reads words, never the state's code.
  await expect(page.getByTestId('vault-state')).toHaveText('Ready (a key is created with your first secret)');
});

test('CSP blocks inline script, eval and network requests to other origins', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await expect(page.getByTestId('vault-badge')).toBeVisible();
  const outcome = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true';
    document.body.appendChild(script);
    // A string timer compiles its code later, in the page's own task, where the CSP applies
    // (code evaluated by the test driver itself is exempt from CSP, so eval() here would prove nothing).
    (window.setTimeout as unknown as (code: string, ms: number) => void)('window.__evalRan = true', 0);
    let fetched = false;
    try {
      await fetch('http://127.0.0.2:9/');
      fetched = true;
    } catch {
      fetched = false;
    }
    await new Promise((r) => setTimeout(r, 100));
    const w = window as unknown as { __inlineRan?: boolean; __evalRan?: boolean };
    return { inlineRan: w.__inlineRan === true, evalRan: w.__evalRan === true, fetched, violations };
  });
  expect(outcome.inlineRan).toBe(false);
  expect(outcome.evalRan).toBe(false);
  expect(outcome.fetched).toBe(false);
  expect(outcome.violations).toEqual(expect.arrayContaining(['script-src-elem', 'script-src', 'connect-src']));
});

test('the page has no Node and sees only the contract surface', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  const surface = await page.evaluate(() => {
    const api = (window as unknown as { brokerVault: Record<string, unknown> }).brokerVault;
    return {
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      keys: Object.keys(api).sort(),
    };
  });
  expect(surface.require).toBe('undefined');
  expect(surface.process).toBe('undefined');
  const namespaces = [...new Set(CHANNEL_NAMES.map((c) => c.split(':')[0]!)), 'on'].sort();
  expect(surface.keys).toEqual(namespaces);
});

test('the bridge refuses a socket without the token', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  const opened = await page.evaluate(
    () =>
      new Promise<boolean>((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/__bridge/ws?token=wrong`);
        ws.onopen = () => resolve(true);
        ws.onerror = () => resolve(false);
      }),
  );
  expect(opened).toBe(false);
});
