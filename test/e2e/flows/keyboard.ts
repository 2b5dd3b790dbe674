import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Keyboard-only steps: move the focus with Tab (or Shift+Tab) until `target` has it, checking on the way that every
 * stop shows a focus ring. No mouse, no .click(), no .focus().
 */
export async function tabTo(page: Page, target: Locator, options: { backwards?: boolean; max?: number } = {}): Promise<void> {
  const max = options.max ?? 80;
  const handle = await target.elementHandle({ timeout: 5_000 });
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    await expectFocusRing(page);
    if (await page.evaluate((el) => el === document.activeElement, handle)) return;
  }
  throw new Error(`Tab did not reach ${target.toString()} in ${max} presses.`);
}

/** Tab to `target` and press Enter. */
export async function tabAndEnter(page: Page, target: Locator): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.press('Enter');
}

/** Tab to a text field and type `value` over whatever it holds. */
export async function tabAndType(page: Page, target: Locator, value: string): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(value);
}

/**
 * The focused element shows a visible ring: an outline of at least 2 px on it (the app's :focus-visible), or on the
 * label around a visually hidden radio or checkbox (the segmented controls' :focus-within).
 */
export async function expectFocusRing(page: Page): Promise<void> {
  const ring = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { ok: true, what: 'body' };
    const shows = (node: Element | null) => {
      if (!node) return false;
      const s = getComputedStyle(node);
      return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
    };
    const what = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`;
    return { ok: shows(el) || shows(el.closest('label')), what };
  });
  expect(ring.ok, `the focused ${ring.what} shows a focus ring`).toBe(true);
}

/**
 * Every control the page shows (or the open dialog, with `within`) is reached by Tab, each with its focus ring: the
 * focus is moved with Tab alone through a full round, and any control it never reached is named in the failure.
 * One radio per group counts (Tab enters a group once; arrows move inside it).
 */
export async function expectTabReachesAll(page: Page, where: string, within?: string): Promise<void> {
  const controls = await page.evaluate((scope) => {
    const root = scope ? document.querySelector(scope) : document.body;
    if (!root) throw new Error(`Nothing matches ${scope}.`);
    const seen = new Set<string>();
    const list: string[] = [];
    const all = root.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, summary, [tabindex]');
    let n = 0;
    for (const el of all) {
      el.removeAttribute('data-kb');
      if ((el as HTMLButtonElement).disabled || el.tabIndex < 0 || el.closest('[inert], [aria-hidden="true"], details:not([open]) > :not(summary)')) continue;
      const box = el instanceof HTMLInputElement && (el.type === 'radio' || el.type === 'checkbox') ? (el.closest('label') ?? el) : el;
      if (box.getClientRects().length === 0 || getComputedStyle(box).visibility === 'hidden') continue;
      if (el instanceof HTMLInputElement && el.type === 'radio') {
        const group = `${el.form?.id ?? ''}/${el.name}`;
        const checked = el.name ? root.querySelector<HTMLInputElement>(`input[type=radio][name="${CSS.escape(el.name)}"]:checked`) : null;
        if (el.name && (seen.has(group) || (checked && checked !== el))) continue;
        seen.add(group);
      }
      el.setAttribute('data-kb', String(n++));
      list.push(
        `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? (el as HTMLInputElement).placeholder ?? '').trim().slice(0, 40) || (el.id ?? '')}"`,
      );
    }
    return list;
  }, within ?? null);
  const reached = new Set<number>();
  for (let i = 0; i < controls.length * 2 + 20 && reached.size < controls.length; i++) {
    await page.keyboard.press('Tab');
    await expectFocusRing(page);
    const at = await page.evaluate(() => document.activeElement?.getAttribute('data-kb') ?? null);
    if (at !== null) reached.add(Number(at));
  }
  const missing = controls.filter((_, i) => !reached.has(i));
  expect(missing, `${where}: controls Tab never reaches`).toEqual([]);
}
