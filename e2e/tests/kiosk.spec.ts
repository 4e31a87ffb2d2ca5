/** The kiosk: one fixed host, full screen, reconnecting by itself. */
import { expect, KIOSK_URL, OPEN_URL, test } from '../fixtures.js';
import { countOnScreen, DEMO_PROMPT, expectPromptLast, saveScreenshot } from '../terminal.js';

test('the kiosk reconnects by itself after the host drops', async ({ page }) => {
  await page.goto(`${OPEN_URL()}/kiosk?target=flaky&renderer=dom`);
  await expect.poll(() => countOnScreen(page, 'flaky host up')).toBe(1);

  // The host drops the session: a countdown, then a new session without a click.
  await expect(page.getByTestId('reconnect-countdown')).toBeVisible({ timeout: 10_000 });
  await expect.poll(() => countOnScreen(page, 'flaky host up'), { timeout: 20_000 }).toBe(2);

  // No way out of the kiosk: no connect screen, no links away.
  await expect(page.getByTestId('connect-screen')).toHaveCount(0);
  await expect(page.getByTestId('back-to-targets')).toHaveCount(0);
  await expect(page.locator('a[href]')).toHaveCount(0);
});

test('the kiosk shows the on-screen keys', async ({ page }) => {
  await page.goto(`${OPEN_URL()}/kiosk?target=demo&renderer=dom`);
  await expectPromptLast(page, DEMO_PROMPT);
  await expect(page.getByTestId('key-bar')).toBeVisible();
  await page.getByTestId('key-tab').click();
  await saveScreenshot(page, 'kiosk');
});

test('a locked-down kiosk shows only what its configuration allows', async ({ page }) => {
  await page.goto(`${KIOSK_URL()}/kiosk?target=demo&renderer=dom`);
  await expectPromptLast(page, DEMO_PROMPT);
  const toolbar = page.getByTestId('toolbar');
  await expect(toolbar.getByTestId('action-interrupt')).toBeVisible();
  await expect(toolbar.getByTestId('settings-toggle')).toBeVisible();
  for (const hidden of [
    'action-logout',
    'action-break',
    'search-toggle',
    'palette-open',
    'fullscreen',
    'save-text',
  ]) {
    await expect(page.getByTestId(hidden)).toHaveCount(0);
  }
  // So few commands share the status's row: the bar is one row, well under two.
  expect((await toolbar.boundingBox())!.height).toBeLessThan(56);

  // The on-screen keys keep Interrupt and lose the Telnet commands the toolbar does not offer.
  await expect(page.getByTestId('key-interrupt')).toBeVisible();
  await expect(page.getByTestId('key-break')).toHaveCount(0);

  // The settings panel has the font size, and no line settings ("Enter sends"), paste delays or theme.
  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('font-larger')).toBeVisible();
  await expect(page.getByTestId('setting-eol')).toHaveCount(0);
  await expect(page.getByTestId('setting-paste-line-delay')).toHaveCount(0);
  await expect(page.getByTestId('theme-toggle')).toHaveCount(0);
  // Screen-reader mode is never locked away.
  await expect(page.getByTestId('setting-screen-reader')).toBeVisible();
  await saveScreenshot(page, 'kiosk-locked');
  await page.keyboard.press('Escape');

  // Nor does the command palette open a way around the lock.
  await page.getByTestId('terminal').click();
  await page.keyboard.press('Control+BracketRight');
  await expect(page.getByTestId('toolbar')).toBeVisible();
  await expect(page.locator('.palette-backdrop')).toHaveCount(0);
});
