/**
 * BBS mode (CP437 with the PC's control glyphs, the VGA palette), the charset switched during a session,
 * and MUD mode (local line editing with a history, the typed line kept intact while output arrives).
 */
import { expect, OPEN_URL, test } from '../fixtures.js';
import { expectConnected, expectScreen, lastLine, saveScreenshot, screenText, type } from '../terminal.js';

const page_ = (path: string) => `${OPEN_URL()}${path}${path.includes('?') ? '&' : '?'}renderer=dom`;

test('a BBS draws CP437 control bytes as the PC glyphs, in the VGA colours', async ({ page }) => {
  await page.goto(page_('/?target=glyphs'));
  await expectConnected(page);
  await expectScreen(page, 'GLYPHS ☺☻♥♦♣♠');
  await expect(page.getByTestId('charset')).toHaveText('CP437-glyphs');
  const terminal = page.getByTestId('terminal');
  await expect(terminal).toHaveAttribute('data-terminal-mode', 'bbs');
  // The VGA palette: light grey on black, the margin around the terminal black too.
  await expect
    .poll(() => terminal.locator('.xterm-rows').evaluate((e) => getComputedStyle(e).color))
    .toBe('rgb(170, 170, 170)');
  await expect
    .poll(() => terminal.locator('.xterm-viewport').evaluate((e) => getComputedStyle(e).backgroundColor))
    .toBe('rgb(0, 0, 0)');
  await saveScreenshot(page, 'bbs-mode');
});

test('switching the charset mid-session changes how the bytes after it are drawn', async ({ page }) => {
  await page.goto(page_('/?target=glyphs'));
  await expectConnected(page);
  await expectScreen(page, 'GLYPHS ☺☻♥♦♣♠');
  await page.keyboard.press('Enter');
  await expectScreen(page, 'ROUND1 ☺Θ');

  await page.getByTestId('settings-toggle').click();
  await page.getByTestId('setting-charset').selectOption('ISO-8859-1');
  await expect(page.getByTestId('charset')).toHaveText('ISO-8859-1');
  await page.keyboard.press('Escape');
  await page.getByTestId('terminal').locator('textarea').focus();
  await page.keyboard.press('Enter');
  await expectScreen(page, /ROUND2 é$/m);
  // What was drawn before the switch stays as it was.
  expect(await screenText(page)).toContain('ROUND1 ☺Θ');

  // A name the gateway does not know changes nothing, and says so.
  await page.getByTestId('settings-toggle').click();
  await page.getByTestId('setting-charset').selectOption({ label: 'Other…' });
  await page.getByTestId('setting-charset-other').fill('NO-SUCH-CHARSET');
  await page.getByTestId('setting-charset-other').press('Enter');
  await expect(page.getByTestId('notice')).toContainText('The character set stays ISO-8859-1');
  await expect(page.getByTestId('charset')).toHaveText('ISO-8859-1');
});

test('MUD mode keeps the typed line intact while output arrives, and Up recalls lines', async ({ page }) => {
  await page.goto(page_('/?target=mud'));
  await expectConnected(page);
  await expectScreen(page, 'Welcome to the MUD');
  await expect(page.getByTestId('terminal')).toHaveAttribute('data-terminal-mode', 'mud');
  await expect(page.getByTestId('terminal')).toHaveAttribute('data-local-editing', 'true');

  await type(page, 'look');
  await page.keyboard.press('Enter');
  await expectScreen(page, 'heard "look"');

  await type(page, 'nor');
  await expect.poll(() => lastLine(page)).toBe('> nor');
  // The host says something while "nor" is being typed: the line is redrawn below the output.
  await page.getByTestId('action-are-you-there').click();
  await expectScreen(page, 'A goblin arrives.');
  await expect.poll(() => lastLine(page)).toBe('> nor');
  await type(page, 'th');
  await expect.poll(() => lastLine(page)).toBe('> north');
  await saveScreenshot(page, 'mud-mode');

  // Up from the line being typed recalls "look"; the host gets "look" again, no cursor key.
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => lastLine(page)).toBe('> look');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await screenText(page)).split('heard "look"').length - 1).toBe(2);
  expect(await screenText(page)).not.toMatch(/<1b>/);

  // Down after Up gives back the empty line; the history outlives the page, per host.
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => lastLine(page)).toBe('> look');
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => lastLine(page)).toBe('>');
  await page.reload();
  await expectConnected(page);
  await expectScreen(page, 'Welcome to the MUD');
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => lastLine(page)).toBe('> look');
});
