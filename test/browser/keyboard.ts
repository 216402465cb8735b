import type { Locator, Page } from 'playwright-core';

/**
 * Keyboard-only driving: focus moves with Tab (Shift+Tab backwards) as a person would press
 * it, never with `focus()` or a click, so an element the keyboard cannot reach fails the journey.
 */

/** The little of the DOM these functions use (the project's tsconfig has no DOM lib). */
interface FocusElement {
  readonly tagName: string;
  readonly id: string;
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  contains(other: unknown): boolean;
}
type FocusWindow = { document: { activeElement: FocusElement | null; body: FocusElement } };

const describeFocus = (page: Page) =>
  page.evaluate(() => {
    const { document } = globalThis as unknown as FocusWindow;
    const el = document.activeElement;
    if (!el || el === document.body) return '(body)';
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 60) ?? '';
    return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}> ${name}`;
  });

/** Presses Tab until `target` has the focus; fails after `maxPresses`, naming where focus went. */
export async function tabTo(page: Page, target: Locator, options: { maxPresses?: number; backwards?: boolean } = {}): Promise<void> {
  const max = options.maxPresses ?? 150;
  const seen: string[] = [];
  await target.waitFor({ state: 'visible' });
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    const focused = await target.evaluate((el) => {
      const { document } = globalThis as unknown as FocusWindow;
      return el === document.activeElement || el.contains(document.activeElement);
    });
    if (focused) return;
    if (seen.length < 40) seen.push(await describeFocus(page));
  }
  throw new Error(`Tab never reached ${target.toString()} in ${max} presses; focus went through:\n  ${seen.join('\n  ')}`);
}

/** Tab to a link or button, then Enter. */
export async function activate(page: Page, target: Locator, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.press(key);
}

/** Tab to a text field, select what it holds, type the new text. */
export async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
  await tabTo(page, field);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}
