/**
 * What the page does for reading and keeping the output: screen-reader mode, the terminal's font, and
 * saving the session's text as a file.
 */
import { readFile } from 'node:fs/promises';
import type { Download, Page } from '@playwright/test';
import { expect, OPEN_URL, test } from '../fixtures.js';
import { REGION_LINES } from '../hosts.js';
import {
  DEMO_PROMPT,
  expectPromptLast,
  expectScreen,
  run,
  saveScreenshot,
  screenLines,
  type,
} from '../terminal.js';

const DEMO = `${OPEN_URL()}/?target=demo&renderer=dom`;

async function openDemo(page: Page): Promise<void> {
  await page.goto(DEMO);
  await expectPromptLast(page, DEMO_PROMPT);
}

/** The rows xterm.js offers screen readers (its accessibility tree), one line each. */
async function accessibleText(page: Page): Promise<string> {
  const rows = page.locator('[data-testid=terminal] .xterm-accessibility-tree > div');
  const texts = await rows.evaluateAll((elements) => elements.map((e) => e.textContent ?? ''));
  return texts.map((t) => t.replace(/\u00a0/g, ' ').trimEnd()).join('\n');
}

async function runFromPalette(page: Page, query: string, id: string): Promise<void> {
  await page.keyboard.press('Control+BracketRight');
  await expect(page.getByTestId('command-palette')).toBeVisible();
  await type(page, query);
  await expect(page.getByTestId('palette-item').first()).toHaveAttribute('data-command', id);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('command-palette')).toHaveCount(0);
}

async function downloaded(download: Download): Promise<string> {
  const path = await download.path();
  return readFile(path, 'utf8');
}

test('screen-reader mode: the host’s lines reach the accessibility tree, the choice is kept, the palette turns it off', async ({
  page,
}) => {
  await openDemo(page);
  await expect(page.getByTestId('status-announcer')).toHaveText(/^Connected to \S/);
  await expect(page.locator('[data-testid=terminal] .xterm-accessibility-tree')).toHaveCount(0);

  await page.getByTestId('settings-toggle').click();
  const toggle = page.getByTestId('setting-screen-reader');
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await expect(page.locator('[data-testid=terminal] .xterm-accessibility-tree')).toHaveCount(1);
  await saveScreenshot(page, 'settings-screen-reader');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-panel')).toHaveCount(0);

  await run(page, 'echo read me aloud 42');
  await expectScreen(page, 'read me aloud 42');
  await expect.poll(() => accessibleText(page)).toContain('read me aloud 42');

  // Kept in this browser: on again after a reload.
  await openDemo(page);
  await expect(page.locator('[data-testid=terminal] .xterm-accessibility-tree')).toHaveCount(1);
  await run(page, 'echo after reload');
  await expect.poll(() => accessibleText(page)).toContain('after reload');

  await runFromPalette(page, 'screen reader', 'screen-reader');
  await expect(page.locator('[data-testid=terminal] .xterm-accessibility-tree')).toHaveCount(0);
  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('setting-screen-reader')).not.toBeChecked();
});

test('the font family applies at once and is kept; a custom list is used as typed', async ({ page }) => {
  await openDemo(page);
  const rows = page.locator('[data-testid=terminal] .xterm-rows');
  const family = () => rows.evaluate((element) => getComputedStyle(element).fontFamily);
  expect(await family()).toContain('ui-monospace');

  await page.getByTestId('settings-toggle').click();
  await page.getByTestId('setting-font-family').selectOption('courier');
  await expect.poll(family).toBe('"Courier New", Courier, monospace');
  await page.getByTestId('setting-font-family').selectOption('custom');
  await page.getByTestId('setting-custom-font').fill('Fira Code; } body {, DejaVu Sans Mono');
  await expect.poll(family).toBe('"Fira Code body", "DejaVu Sans Mono", monospace');
  await page.getByTestId('setting-custom-font').fill('DejaVu Sans Mono');
  await expect.poll(family).toBe('"DejaVu Sans Mono", monospace');
  await page.getByTestId('font-larger').click();
  await saveScreenshot(page, 'settings-font');
  await page.keyboard.press('Escape');

  await openDemo(page);
  await expect.poll(family).toBe('"DejaVu Sans Mono", monospace');
  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('setting-font-family')).toHaveValue('custom');
  await expect(page.getByTestId('setting-custom-font')).toHaveValue('DejaVu Sans Mono');
  await page.getByTestId('setting-font-family').selectOption('system');
  await expect.poll(family).toContain('ui-monospace');
});

test('Save session text downloads the scrollback and screen as text; the palette saves it as HTML', async ({
  page,
}) => {
  await openDemo(page);
  await run(page, 'echo kept for the record');
  await expectScreen(page, 'kept for the record');
  await expectPromptLast(page, DEMO_PROMPT);

  const [text] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-text').click()]);
  expect(text.suggestedFilename()).toMatch(/^demo-\d{8}-\d{6}\.txt$/);
  const saved = await downloaded(text);
  expect(saved).toContain('demo$ echo kept for the record\nkept for the record\n');
  // Trailing blanks trimmed, and no empty rows after the last prompt.
  expect(saved.split('\n').every((line) => line === line.trimEnd())).toBe(true);
  expect(saved.endsWith('demo$\n')).toBe(true);

  const [html] = await Promise.all([
    page.waitForEvent('download'),
    runFromPalette(page, 'save html', 'save-html'),
  ]);
  expect(html.suggestedFilename()).toMatch(/^demo-\d{8}-\d{6}\.html$/);
  const document = await downloaded(html);
  expect(document.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(document).toContain('<meta charset="utf-8">');
  expect(document).toContain('kept for the record');
});

test('a BEL from the host flashes the terminal, briefly', async ({ page }) => {
  await openDemo(page);
  const terminal = page.getByTestId('terminal');
  await expect(terminal).not.toHaveAttribute('data-bell');
  // The page's clock stands still from here: the flash stays until the clock moves on.
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 1000);
  // Tab on an empty line: the demo host has nothing to complete and rings the bell.
  await page.keyboard.press('Tab');
  await expect
    .poll(async () => {
      await page.clock.runFor(20);
      return terminal.getAttribute('data-bell');
    })
    .toBe('flash');
  await saveScreenshot(page, 'visual-bell');
  await page.clock.runFor(200);
  await expect(terminal).not.toHaveAttribute('data-bell');
});

test('a status line above a scroll region: the log scrolls under it, in order, and the rows outside stay', async ({
  page,
}) => {
  await page.goto(`${OPEN_URL()}/?target=status-line&renderer=dom`);
  await expectScreen(page, 'status: done');
  const rows = await screenLines(page);
  expect(rows[0]).toBe('status: done');
  // The region (rows 2–10) shows the last nine lines the host logged, in order.
  const last = REGION_LINES - 1;
  expect(rows.slice(1, 10)).toEqual(Array.from({ length: 9 }, (_, k) => `region line ${last - 8 + k}`));
  expect(rows[10]).toBe('');
  expect(rows[11]).toBe('footer below the region');
  await saveScreenshot(page, 'status-line-region');
});
