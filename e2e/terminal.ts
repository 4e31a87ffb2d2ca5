/**
 * Reading and driving the terminal as a person does: the tests load pages with `renderer=dom`, so the
 * rows xterm.js shows are in the DOM, and they type through the keyboard into the focused terminal.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { SHELL_PROMPT, TEST_PASSWORD, TEST_USER } from '@telgate/test-peers';
import { expect } from './fixtures.js';

export { SHELL_PROMPT };
export const DEMO_PROMPT = 'demo$ ';

/** Where the e2e run saves its screenshots; docs/ holds one committed copy of each. */
export const SCREENSHOT_DIR = join(import.meta.dirname, 'test-results', 'screenshots');

/** The visible rows of the terminal, one line each, trailing blanks kept as xterm.js draws them. */
export async function screenLines(scope: Page | Locator): Promise<string[]> {
  const rows = scope.locator('[data-testid=terminal] .xterm-rows > div');
  const texts = await rows.evaluateAll((elements) => elements.map((e) => e.textContent ?? ''));
  return texts.map((t) => t.replace(/\u00a0/g, ' ').trimEnd());
}

export async function screenText(scope: Page | Locator): Promise<string> {
  return (await screenLines(scope)).join('\n');
}

/** Waits until the screen shows `expected` (a substring, or a pattern over the whole screen). */
export async function expectScreen(
  scope: Page | Locator,
  expected: string | RegExp,
  timeout = 15_000,
): Promise<void> {
  await expect
    .poll(() => screenText(scope), { timeout, message: `the terminal shows ${String(expected)}` })
    .toEqual(
      typeof expected === 'string' ? expect.stringContaining(expected) : expect.stringMatching(expected),
    );
}

/** The last non-empty row: where the cursor sits after a prompt. */
export async function lastLine(scope: Page | Locator): Promise<string> {
  const lines = (await screenLines(scope)).filter((line) => line !== '');
  return lines.at(-1) ?? '';
}

export async function expectPromptLast(scope: Page | Locator, prompt: string, timeout = 15_000) {
  await expect
    .poll(() => lastLine(scope), { timeout, message: `the prompt ${prompt.trim()} is on the last line` })
    .toBe(prompt.trimEnd());
}

/** Types into the terminal (it keeps the focus after connecting; clicking it would only select). */
export async function type(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 5 });
}

/** Types a command line and Enter. */
export async function run(page: Page, command: string): Promise<void> {
  await type(page, command);
  await page.keyboard.press('Enter');
}

export async function expectConnected(page: Page, timeout = 15_000): Promise<void> {
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected', { timeout });
}

/** Logs in at a /bin/login prompt as the test user and waits for the shell prompt. */
export async function logIn(page: Page): Promise<void> {
  await expectScreen(page, /login: ?$/m, 20_000);
  await run(page, TEST_USER);
  await expectScreen(page, /Password: ?$/m);
  await run(page, TEST_PASSWORD);
  await expectPromptLast(page, SHELL_PROMPT, 20_000);
}

/** Counts the times `needle` appears on the screen. */
export async function countOnScreen(page: Page, needle: string): Promise<number> {
  return (await screenText(page)).split(needle).length - 1;
}

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}
