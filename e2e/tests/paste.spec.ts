/**
 * Pasting several lines into slow gear: asked about first, then paced so that every line arrives, and
 * stopped for good by Abort. Against a scripted host that loses a line sent too soon after the one
 * before it, and reports the lines it took.
 */
import type { Page } from '@playwright/test';
import { expect, OPEN_URL, test } from '../fixtures.js';
import { PACED_MIN_GAP_MS } from '../hosts.js';
import { expectConnected, expectPromptLast, run, saveScreenshot, screenText } from '../terminal.js';

const PACED = `${OPEN_URL()}/?target=paced&renderer=dom`;
const PROMPT = 'paced$ ';
/** Well above the host's limit, so that a noisy machine cannot bring two lines within it. */
const LINE_DELAY_MS = PACED_MIN_GAP_MS * 4;

const lines = (count: number) =>
  Array.from({ length: count }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);

async function openPaced(page: Page, lineDelayMs: number): Promise<void> {
  await page.goto(PACED);
  await expectConnected(page);
  await expectPromptLast(page, PROMPT);
  await page.getByTestId('settings-toggle').click();
  await page.getByTestId('setting-paste-line-delay').fill(String(lineDelayMs));
  await expect(page.getByTestId('setting-paste-line-delay')).toHaveValue(String(lineDelayMs));
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-panel')).toHaveCount(0);
}

/** Pastes `text` as the browser does (a paste event on the focused terminal). */
async function paste(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid=terminal] textarea.xterm-helper-textarea').evaluate((textarea, value) => {
    const data = new DataTransfer();
    data.setData('text/plain', value);
    textarea.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
}

/** Asks the host what it took; returns the report line. */
async function report(page: Page): Promise<string> {
  const before = (await screenText(page)).split('taken ').length;
  await run(page, 'report');
  await expect.poll(async () => (await screenText(page)).split('taken ').length).toBe(before + 1);
  const reports = (await screenText(page)).split('\n').filter((line) => line.startsWith('taken '));
  return reports.at(-1) ?? '';
}

test('a 20-line paste is asked about, then arrives whole and in order at a host that loses fast lines', async ({
  page,
}) => {
  await openPaced(page, LINE_DELAY_MS);
  const sent = lines(20);
  await paste(page, `${sent.join('\n')}\n`);

  const question = page.getByTestId('paste-confirm');
  await expect(question).toBeVisible();
  await expect(page.getByTestId('paste-line-count')).toHaveText('20 lines');
  await expect(page.getByTestId('paste-preview')).toContainText('c01\nc02\nc03');
  // Nothing goes before the answer.
  expect(await screenText(page)).not.toContain('c01');
  await saveScreenshot(page, 'paste-confirm');

  await page.keyboard.press('Enter'); // Send has the focus
  await expect(page.getByTestId('paste-progress')).toBeVisible();
  await expect(page.getByTestId('paste-count')).toHaveText(/^\d+ \/ 20$/);
  await expect(page.getByTestId('paste-progress')).toHaveCount(0, { timeout: 30_000 });
  await expectPromptLast(page, PROMPT);

  expect(await report(page)).toBe(`taken 20, lost 0, esc 0, bracketed 0: ${sent.join(' ')}`);
});

test('Cancel sends nothing; Abort (and Esc) stop a paste, and no later line ever arrives', async ({
  page,
}) => {
  await openPaced(page, LINE_DELAY_MS);
  const sent = lines(20);

  await paste(page, sent.join('\n'));
  await page.getByTestId('paste-cancel').click();
  await expect(page.getByTestId('paste-confirm')).toHaveCount(0);
  expect(await report(page)).toBe('taken 0, lost 0, esc 0, bracketed 0:');

  await paste(page, sent.join('\n'));
  await page.getByTestId('paste-send').click();
  await expect(page.getByTestId('paste-count')).toHaveText(/^([3-9]|1\d) \/ 20$/, { timeout: 15_000 });
  await page.getByTestId('paste-abort').click();
  await expect(page.getByTestId('paste-progress')).toHaveCount(0);
  const afterAbort = await report(page);
  const taken = Number(/^taken (\d+)/.exec(afterAbort)?.[1]);
  expect(taken).toBeGreaterThanOrEqual(3);
  expect(taken).toBeLessThan(20);
  expect(afterAbort).toBe(`taken ${taken}, lost 0, esc 0, bracketed 0: ${sent.slice(0, taken).join(' ')}`);
  // Long enough for several more lines, had the paste gone on.
  await page.waitForTimeout(LINE_DELAY_MS * 4);
  expect(await report(page)).toBe(afterAbort);

  // Esc aborts too, and is not sent to the host.
  await paste(page, sent.join('\n'));
  await page.getByTestId('paste-send').click();
  await expect(page.getByTestId('paste-count')).toHaveText(/^([2-9]|1\d) \/ 20$/, { timeout: 15_000 });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('paste-progress')).toHaveCount(0);
  await page.waitForTimeout(LINE_DELAY_MS * 4);
  const afterEsc = await report(page);
  const more = Number(/^taken (\d+)/.exec(afterEsc)?.[1]) - taken;
  expect(more).toBeGreaterThanOrEqual(2);
  expect(more).toBeLessThan(20);
  expect(afterEsc).toBe(
    `taken ${taken + more}, lost 0, esc 0, bracketed 0: ${[...sent.slice(0, taken), ...sent.slice(0, more)].join(' ')}`,
  );
});

test('one line goes at once, without a question', async ({ page }) => {
  await openPaced(page, LINE_DELAY_MS);
  await paste(page, 'single\n');
  await expectPromptLast(page, PROMPT);
  await expect(page.getByTestId('paste-confirm')).toHaveCount(0);
  expect(await report(page)).toBe('taken 1, lost 0, esc 0, bracketed 0: single');
});

test('right-click pastes the clipboard through the same question, where the page may read it', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: OPEN_URL() });
  await openPaced(page, LINE_DELAY_MS);
  await page.evaluate(() => navigator.clipboard.writeText('r1\nr2\nr3\n'));
  await page.getByTestId('terminal').click({ button: 'right' });
  await expect(page.getByTestId('paste-line-count')).toHaveText('3 lines');
  await page.getByTestId('paste-send').click();
  await expect(page.getByTestId('paste-progress')).toHaveCount(0);
  await expectPromptLast(page, PROMPT);
  expect(await report(page)).toBe('taken 3, lost 0, esc 0, bracketed 0: r1 r2 r3');
});

test('a right-click paste the browser does not allow says why, instead of nothing', async ({
  page,
  context,
}) => {
  await context.clearPermissions();
  await openPaced(page, LINE_DELAY_MS);
  await page.getByTestId('terminal').click({ button: 'right' });
  await expect(page.getByTestId('clipboard-notice')).toContainText('press Ctrl-Shift-V');
  await page.getByTestId('clipboard-notice').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('clipboard-notice')).toHaveCount(0);
});

test('a host that turned bracketed paste on gets the lines as one bracketed paste, after the question', async ({
  page,
}) => {
  await openPaced(page, LINE_DELAY_MS);
  await run(page, 'bracketed');
  await expectPromptLast(page, PROMPT);
  await paste(page, 'b1\nb2\nb3\n');
  await expect(page.getByTestId('paste-line-count')).toHaveText('3 lines');
  await page.getByTestId('paste-send').click();
  await expect(page.getByTestId('paste-confirm')).toHaveCount(0);
  // No pacing: nothing to show progress for.
  await expect(page.getByTestId('paste-progress')).toHaveCount(0);
  await expectPromptLast(page, PROMPT);
  expect(await report(page)).toBe('taken 3, lost 0, esc 0, bracketed 1: b1 b2 b3');
});

test('a paste stops when the session ends, and is not asked about while no session runs', async ({
  page,
}) => {
  await openPaced(page, LINE_DELAY_MS);
  await paste(page, `${lines(20).join('\n')}\n`);
  await page.getByTestId('paste-send').click();
  await expect(page.getByTestId('paste-count')).toHaveText(/^([2-9]|1\d) \/ 20$/);
  await page.getByTestId('disconnect').click();
  await expect(page.getByTestId('closed-banner')).toBeVisible();
  await expect(page.getByTestId('paste-progress')).toHaveCount(0);
  await paste(page, 'x1\nx2\n');
  await expect(page.getByTestId('paste-confirm')).toHaveCount(0);
  await expect(page.getByTestId('closed-banner')).toBeVisible();
});
