/** Small screens: the toolbar stays one row, with the rest in its "⋯" menu; the terminal keeps the room. */
import { expect, OPEN_URL, test } from '../fixtures.js';
import { DEMO_PROMPT, expectPromptLast, saveScreenshot } from '../terminal.js';

/** One row of buttons, with the bar's padding and border: well under two rows. */
const ONE_ROW_PX = 56;

async function height(locator: import('@playwright/test').Locator): Promise<number> {
  const box = await locator.boundingBox();
  expect(box).not.toBeNull();
  return box!.height;
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the toolbar is one row and the terminal keeps at least 70 % of the height', async ({ page }) => {
    await page.goto(`${OPEN_URL()}/?target=demo&renderer=dom`);
    await expectPromptLast(page, DEMO_PROMPT);
    await expect(page.getByTestId('key-bar')).toBeVisible();
    expect(await height(page.getByTestId('toolbar'))).toBeLessThan(ONE_ROW_PX);
    expect(await height(page.getByTestId('terminal'))).toBeGreaterThanOrEqual(0.7 * 844);
    // Every key shows its whole label: the bar scrolls rather than squeezing them.
    const squeezed = await page
      .getByTestId('key-bar')
      .locator('button')
      .evaluateAll((keys) => keys.filter((key) => key.scrollWidth > key.clientWidth).length);
    expect(squeezed).toBe(0);
    // The charset badge is whole; the status text is what gives way.
    const badge = await page.getByTestId('charset').boundingBox();
    const start = await page.locator('.toolbar-start').boundingBox();
    expect(badge).not.toBeNull();
    expect(start).not.toBeNull();
    expect(badge!.x + badge!.width).toBeLessThanOrEqual(start!.x + start!.width + 0.5);
    await saveScreenshot(page, 'phone');

    // The commands and controls are in the menu, and work from there.
    await expect(page.getByTestId('action-break')).toHaveCount(0);
    await page.getByTestId('toolbar-more').click();
    await expect(page.getByTestId('toolbar-menu').getByTestId('action-break')).toBeVisible();
    await saveScreenshot(page, 'phone-menu');
    await page.getByTestId('toolbar-menu').getByTestId('settings-toggle').click();
    await expect(page.getByTestId('toolbar-menu')).toHaveCount(0);
    await expect(page.getByTestId('settings-panel')).toBeVisible();
  });
});

test('at 900 px the toolbar is one row with a "⋯" menu', async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 700 });
  await page.goto(`${OPEN_URL()}/?target=demo&renderer=dom`);
  await expectPromptLast(page, DEMO_PROMPT);
  expect(await height(page.getByTestId('toolbar'))).toBeLessThan(ONE_ROW_PX);
  await page.getByTestId('toolbar-more').click();
  await expect(page.getByTestId('toolbar-menu').getByTestId('disconnect')).toBeVisible();
  await expect(page.getByTestId('toolbar-menu').getByTestId('save-text')).toHaveText('Save session text…');
  await saveScreenshot(page, 'toolbar-menu');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('toolbar-menu')).toHaveCount(0);
});

test('the embedded terminal’s bar (bar=1) is one row', async ({ page }) => {
  await page.goto(`${OPEN_URL()}/embed?target=demo&bar=1&renderer=dom`);
  await expectPromptLast(page, DEMO_PROMPT);
  expect(await height(page.getByTestId('toolbar'))).toBeLessThan(ONE_ROW_PX);
  await page.getByTestId('toolbar-more').click();
  await expect(page.getByTestId('toolbar-menu').getByTestId('action-interrupt')).toBeVisible();
});
