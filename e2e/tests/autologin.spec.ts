/**
 * Automatic sign-in: a target configured with the test user's credentials (the password in a file only
 * the gateway reads) lands the page at the shell of real inetutils telnetd with /bin/login.
 */
import { AUTO_LOGIN_NOTICE } from '@telgate/protocol';
import { TEST_PASSWORD, TEST_USER } from '@telgate/test-peers';
import { expect, OPEN_URL, test } from '../fixtures.js';
import { expectConnected, expectPromptLast, expectScreen, run, SHELL_PROMPT } from '../terminal.js';

test('signs in without typing, says so, and no frame the page receives holds the password', async ({
  page,
}) => {
  const received: Buffer[] = [];
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      received.push(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload));
    });
  });
  await page.goto(`${OPEN_URL()}/?target=autologin&renderer=dom`);
  await expectConnected(page);
  await expectPromptLast(page, SHELL_PROMPT, 20_000);
  const notice = page.locator(`[data-testid=notice][data-code=${AUTO_LOGIN_NOTICE.signedIn}]`);
  await expect(notice).toContainText(`Signed in as ${TEST_USER} automatically`);

  await run(page, 'echo signed-in-$((6*7))');
  await expectScreen(page, 'signed-in-42');
  await expectPromptLast(page, SHELL_PROMPT);
  // The notice passes by itself.
  await expect(notice).toHaveCount(0, { timeout: 20_000 });

  expect(received.length).toBeGreaterThan(0);
  expect(received.filter((frame) => frame.includes(TEST_PASSWORD))).toEqual([]);
  expect(Buffer.concat(received).includes(TEST_PASSWORD)).toBe(false);
});
