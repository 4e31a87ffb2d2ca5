/**
 * Responsive output in Chromium (the default for telgate.v2 sessions): a page that stops rendering during
 * a flood gets `output-skipped` and the screen instead of the backlog, Ctrl-C reaches the host at once,
 * and the screen the page ends with is the host's — every row in order, nothing drawn twice or out of
 * place by output that was still queued in the terminal when the screen came.
 */
import { expect, OPEN_URL, test } from '../fixtures.js';
import { expectConnected, expectScreen, lastLine, saveScreenshot, screenLines } from '../terminal.js';

const FLOOD_LINE = /^line (\d+) value=(\d+) ok$/;
const STOPPED = /^flood stopped after line (\d+)\$$/;

test('a page that falls behind a flood gets the screen, and Ctrl-C stops the host at once', async ({
  page,
}) => {
  await page.goto(`${OPEN_URL()}/?target=flood&renderer=dom`);
  await expectConnected(page);
  await expectScreen(page, /^line \d+ value=\d+ ok$/m);

  // The page stops rendering (its main thread busy) while the host goes on: the gateway stops sending.
  await page.evaluate(() => {
    const end = Date.now() + 2_000;
    while (Date.now() < end) {
      // busy
    }
  });
  const skipped = page.locator('[data-testid=notice][data-kind=output-skipped]');
  await expect(skipped).toContainText(/bytes of output were skipped and the screen was redrawn/);

  await page.keyboard.press('Control+c');
  await expect.poll(() => lastLine(page), { timeout: 30_000 }).toMatch(STOPPED);
  await saveScreenshot(page, 'responsive-flood');
  // However often the page fell behind, one notice says how much was skipped in all.
  await expect(skipped).toHaveCount(1);

  // The rows above the prompt are the host's last lines, in order, with `^C` between.
  const rows = (await screenLines(page)).filter((row) => row !== '');
  const last = Number(STOPPED.exec(rows.at(-1)!)![1]);
  expect(rows.at(-2)).toBe('^C');
  const lines = rows.slice(0, -2);
  expect(lines.length).toBeGreaterThan(10);
  lines.forEach((row, index) => {
    const match = FLOOD_LINE.exec(row);
    expect(match, `row ${index}: ${row}`).not.toBeNull();
    const n = last - (lines.length - 1 - index);
    expect(Number(match![1]), `row ${index}`).toBe(n);
    expect(Number(match![2]), `row ${index}`).toBe((n * 7919) % 100000);
  });
});
