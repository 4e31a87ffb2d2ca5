/**
 * Every keystroke reaches the host it is meant for: buttons, banners and panels give the focus back to
 * the terminal. Against a scripted host that shows on screen the lines and Telnet commands it receives.
 */
import type { Page } from '@playwright/test';
import { expect, OPEN_URL, test } from '../fixtures.js';
import {
  countOnScreen,
  expectConnected,
  expectScreen,
  run,
  saveScreenshot,
  screenText,
  type,
} from '../terminal.js';

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

async function openPalette(page: Page): Promise<void> {
  await page.keyboard.press('Control+]');
  await expect(page.getByTestId('command-palette')).toBeVisible();
  await expect(page.getByTestId('palette-input')).toBeFocused();
}

test('Ctrl-] then Enter, or Esc, returns to a full-screen editor with its text intact', async ({ page }) => {
  await openRecorder(page);
  await run(page, 'edit');
  await expectScreen(page, 'EDITOR (Ctrl-Q leaves)');
  await type(page, 'unsaved text');
  await expectScreen(page, 'unsaved text');
  for (const key of ['Enter', 'Escape']) {
    await openPalette(page);
    await page.keyboard.press(key);
    await expect(page.getByTestId('command-palette')).toHaveCount(0);
    await terminalFocused(page);
  }
  await type(page, ' kept');
  // On the same line: no Enter reached the editor, and no Telnet command (nor a logout) the host.
  await expectScreen(page, 'unsaved text kept');
  expect(await screenText(page)).not.toContain('<');
  await expect(page.getByTestId('logout-status')).toHaveCount(0);
  await expectConnected(page);
});

test('the palette understands telnet’s send ayt and el', async ({ page }) => {
  await openRecorder(page);
  await openPalette(page);
  await type(page, 'send a');
  await expect(page.getByTestId('palette-item').first()).toHaveAttribute('data-command', /action-a/);
  await saveScreenshot(page, 'palette');
  await type(page, 'yt');
  await page.keyboard.press('Enter');
  await expectScreen(page, '<AYT>');
  await terminalFocused(page);

  await openPalette(page);
  await type(page, 'el');
  await page.keyboard.press('Enter');
  await expectScreen(page, '<EL>');
  await terminalFocused(page);
  await run(page, 'still here');
  await expectScreen(page, 'ran: still here');
  expect(await countOnScreen(page, '<DO LOGOUT>')).toBe(0);
  expect(await countOnScreen(page, '<AYT>')).toBe(1);
});

test('close is never chosen for you; a closed session’s palette starts with Reconnect, and Enter reconnects', async ({
  page,
}) => {
  await openRecorder(page);
  await openPalette(page);
  await type(page, 'close');
  const first = page.getByTestId('palette-item').first();
  await expect(first).toHaveAttribute('data-command', 'disconnect');
  await expect(first).toHaveAttribute('aria-selected', 'false');
  await expect(first.getByTestId('palette-ends-session')).toHaveText('ends the session');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('command-palette')).toBeVisible();
  await expectConnected(page);
  await page.keyboard.press('ArrowDown');
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('closed-banner')).toBeVisible();
  await terminalFocused(page);

  await openPalette(page);
  await expect(page.getByTestId('palette-item').first()).toHaveAttribute('data-command', 'reconnect');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  await expectConnected(page);
  await expect.poll(() => countOnScreen(page, 'recorder host')).toBe(2);
  await run(page, 'reconnected');
  await expectScreen(page, 'ran: reconnected');
});

test('keyboard only: Ctrl-] Tab reaches the page’s buttons, Full screen and Targets, and Esc or F6 comes back', async ({
  page,
}) => {
  await openRecorder(page);
  await openPalette(page);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('command-palette')).toHaveCount(0);
  await expect(page.getByTestId('fullscreen')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('fullscreen')).not.toBeFocused();
  await page.keyboard.press('Escape');
  await terminalFocused(page);

  await openPalette(page);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('fullscreen')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(true);
  await terminalFocused(page);
  await run(page, 'in full screen');
  await expectScreen(page, 'ran: in full screen');
  await openPalette(page);
  await type(page, 'leave full');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement !== null)).toBe(false);
  await terminalFocused(page);

  // Backwards: the last button that keeps the session.
  await openPalette(page);
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByTestId('back-to-targets')).toBeFocused();
  await page.keyboard.press('F6');
  await terminalFocused(page);
  await openPalette(page);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('connect-screen')).toBeVisible();
});

test('the closed mark is drawn on the normal screen, not inside a full-screen program, once', async ({
  page,
}) => {
  await openRecorder(page);
  await run(page, 'edit');
  await expectScreen(page, 'EDITOR (Ctrl-Q leaves)');
  await type(page, 'half-typed');
  // The host drops the connection with the editor still open.
  await page.keyboard.press('Control+d');
  await expect(page.getByTestId('closed-banner')).toBeVisible();
  await expectScreen(page, '── session closed ──');
  const screen = await screenText(page);
  expect(screen, 'the editor’s screen is gone').not.toContain('EDITOR');
  expect(screen).toMatch(/rec\$ edit\n── session closed ──/);
  expect(await countOnScreen(page, 'session closed')).toBe(1);
});

test('failed attempts to reconnect add no closed mark', async ({ page }) => {
  await page.goto(`${OPEN_URL()}/?target=refused&renderer=dom`);
  const banner = page.getByTestId('closed-banner');
  await expect(banner).toHaveAttribute('data-code', 'GW_ERR_HOST_REFUSED');
  for (let attempt = 0; attempt < 3; attempt++) {
    await terminalFocused(page);
    // Each attempt is a new connection to the gateway.
    // A refused attempt can close before a listener added later would hear it: listen as it opens.
    const attempt = page
      .waitForEvent('websocket')
      .then((socket) => (socket.isClosed() ? undefined : socket.waitForEvent('close')));
    await page.keyboard.press('Enter');
    await attempt;
    await expect(banner).toHaveAttribute('data-code', 'GW_ERR_HOST_REFUSED');
  }
  expect(await countOnScreen(page, 'session closed')).toBe(0);
});

test('typed text in dark-theme fields is in the text colour, not the placeholder’s', async ({ page }) => {
  await page.goto(`${OPEN_URL()}/?renderer=dom`);
  await expect(page.getByTestId('connect-screen')).toBeVisible();
  const colours = await page.evaluate(() => {
    document.documentElement.dataset.theme = 'dark';
    // The connect screen's free-form host field, as the page draws it when free-form hosts are on.
    const form = document.createElement('form');
    form.className = 'free-form';
    form.innerHTML = '<label>Host <input value="router.example" /></label>';
    document.querySelector('[data-testid=connect-screen]')!.append(form);
    const style = getComputedStyle(document.documentElement);
    return {
      typed: getComputedStyle(form.querySelector('input')!).color,
      label: getComputedStyle(form.querySelector('label')!).color,
      text: style.getPropertyValue('--text'),
    };
  });
  expect(colours.typed).not.toBe(colours.label);
  expect(colours.typed).toBe('rgb(216, 222, 233)'); // --text of the dark theme, #d8dee9
});
