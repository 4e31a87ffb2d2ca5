/**
 * Every keystroke reaches the host it is meant for: buttons, banners and panels give the focus back to
 * the terminal. Against a scripted host that shows on screen the lines and Telnet commands it receives.
 */
import type { Page } from '@playwright/test';
import { expect, OPEN_URL, test } from '../fixtures.js';
import { countOnScreen, expectConnected, expectScreen, run } from '../terminal.js';

const RECORDER = `${OPEN_URL()}/?target=recorder&renderer=dom`;

async function openRecorder(page: Page): Promise<void> {
  await page.goto(RECORDER);
  await expectConnected(page);
  await expectScreen(page, 'rec$');
}

const terminalFocused = (page: Page) =>
  expect(page.locator('[data-testid=terminal] textarea.xterm-helper-textarea')).toBeFocused();

test('after a toolbar button, typing goes to the host and the button does not fire again', async ({
  page,
}) => {
  await openRecorder(page);
  await page.getByTestId('action-are-you-there').click();
  await expectScreen(page, '<AYT>');
  await terminalFocused(page);
  await run(page, 'echo hi');
  await expectScreen(page, 'ran: echo hi');
  expect(await countOnScreen(page, '<AYT>'), 'one Are You There').toBe(1);

  await page.getByTestId('action-break').click();
  await expectScreen(page, '<BRK>');
  await run(page, 'loop');
  await expectScreen(page, 'ran: loop');
  expect(await countOnScreen(page, '<BRK>'), 'one Break').toBe(1);
  expect(await countOnScreen(page, 'ran: echo hi')).toBe(1);
});

test('after Escape out of Settings, and after Reconnect, typing works without a click', async ({ page }) => {
  await openRecorder(page);
  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('settings-panel')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-panel')).toHaveCount(0);
  await terminalFocused(page);
  await run(page, 'settled');
  await expectScreen(page, 'ran: settled');

  await page.getByTestId('disconnect').click();
  await expect(page.getByTestId('closed-banner')).toBeVisible();
  await page.getByTestId('reconnect').click();
  await expectConnected(page);
  await expect.poll(() => countOnScreen(page, 'recorder host')).toBe(2);
  await terminalFocused(page);
  await run(page, 'back again');
  await expectScreen(page, 'ran: back again');
});
