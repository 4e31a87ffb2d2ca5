/**
 * The built-in SUPDUP demo through the built gateway, in Chromium: picked on the connect screen, it
 * greets, asks for a login name, redraws the whole screen with SUPDUP display codes, and shows the keys
 * typed with their bucky bits; the page knows the session speaks SUPDUP. Then the scripted SUPDUP host
 * both ways in: from the first byte, and behind Telnet's WILL SUPDUP (RFC 736) — the same screen.
 */
import type { Page } from '@playwright/test';
import { SUPDUP_DEMO_CURSOR, supdupDemoScreen } from '@telgate/test-peers';
import { expect, OPEN_URL, test } from '../fixtures.js';
import { expectConnected, expectScreen, screenLines, screenText, type } from '../terminal.js';

test('picks the SUPDUP demo, logs in, sees the full-screen redraw and a Meta key', async ({ page }) => {
  await page.goto(`${OPEN_URL()}/?renderer=dom`);
  const screen = page.getByTestId('connect-screen');
  const target = screen.locator('[data-testid=target][data-target-id=demo-supdup]');
  await expect(target).toContainText('SUPDUP demo');
  await target.click();

  await expect(page).toHaveURL(/[?&]target=demo-supdup/);
  await expectConnected(page);
  await expect(page.locator('[data-testid=notice][data-kind=supdup]')).toContainText('speaks SUPDUP');
  await expectScreen(page, 'telgate SUPDUP demo host');
  await expectScreen(page, /^login:\s*$/m);

  await type(page, 'ann');
  await page.keyboard.press('Enter');
  await expectScreen(page, /^SUPDUP demo for ann\s*$/m);
  await expectScreen(page, /^\| drawn with %TD codes +\|\s*$/m);
  await expectScreen(page, /^line one \(inserted above\)\s*\nline two\s*$/m);
  await expectScreen(page, /^erase the end: done\s*$/m);
  await expectScreen(page, /^>abcf\s*$/m);
  await expectScreen(page, /^cursor reported at 12,33\s*$/m);

  await page.keyboard.press('Alt+x');
  await expectScreen(page, 'key M-x (octal 0570)');

  // The Telnet commands do not apply; Logout does.
  await expect(page.getByTestId('action-interrupt')).toBeDisabled();
  await expect(page.getByTestId('action-logout')).toBeEnabled();

  // The inspector shows what the gateway told the host.
  await page.getByTestId('inspector-toggle').click();
  await expect(page.getByTestId('supdup-ttyopt')).toContainText('%TPCBS');
  await expect(page.getByTestId('supdup-size')).toContainText('TCMXV');
});

/** Logs in to the scripted SUPDUP host on target `id` and returns the screen once its redraw is done. */
async function scriptedSupdupScreen(page: Page, id: string): Promise<string> {
  await page.goto(`${OPEN_URL()}/?target=${id}&renderer=dom`);
  await expectConnected(page);
  await expect(page.locator('[data-testid=notice][data-kind=supdup]')).toContainText('speaks SUPDUP');
  await expectScreen(page, 'telgate SUPDUP test host');
  await expectScreen(page, /^login:\s*$/m);
  await type(page, 'ann');
  await page.keyboard.press('Enter');
  // The host asks where the cursor is (%TDORS): the answer comes from the gateway's SUPDUP engine.
  await expectScreen(page, `reported ${SUPDUP_DEMO_CURSOR.row},${SUPDUP_DEMO_CURSOR.col}`);
  const expected = supdupDemoScreen('ann', SUPDUP_DEMO_CURSOR);
  expect((await screenLines(page)).slice(0, expected.length)).toEqual(expected);
  return screenText(page);
}

test('a Telnet host that offers WILL SUPDUP switches, and draws what a SUPDUP host draws', async ({
  page,
  context,
}) => {
  const direct = await scriptedSupdupScreen(page, 'supdup');
  const second = await context.newPage();
  const switched = await scriptedSupdupScreen(second, 'supdup-telnet');
  expect(switched).toBe(direct);
  // The Telnet commands do not apply once the session speaks SUPDUP.
  await expect(second.getByTestId('action-interrupt')).toBeDisabled();
  await second.close();
});
