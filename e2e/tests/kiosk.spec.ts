/** The kiosk: one fixed host, full screen, reconnecting by itself. */
import { expect, OPEN_URL, test } from '../fixtures.js';
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
