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
