/**
 * Automatic sign-in: a target configured with the test user's credentials (the password in a file only
 * the gateway reads), or one taking them from the embed token, lands the page at the shell of real
 * inetutils telnetd with /bin/login.
 */
import type { Page } from '@playwright/test';
import { AUTO_LOGIN_NOTICE } from '@telgate/protocol';
import { TEST_PASSWORD, TEST_USER } from '@telgate/test-peers';
import { SignJWT } from 'jose';
import { expect, OPEN_URL, SECURED_URL, test } from '../fixtures.js';
import {
  expectConnected,
  expectPromptLast,
  expectScreen,
  run,
  SHELL_PROMPT,
  saveScreenshot,
} from '../terminal.js';

/** Every WebSocket frame the page receives from now on, as bytes. */
function framesReceived(page: Page): Buffer[] {
  const received: Buffer[] = [];
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      received.push(typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload));
    });
  });
  return received;
}

test('signs in without typing, says so, and no frame the page receives holds the password', async ({
  page,
}) => {
  const received = framesReceived(page);
  await page.goto(`${OPEN_URL()}/?target=autologin&renderer=dom`);
  await expectConnected(page);
  await expectPromptLast(page, SHELL_PROMPT, 20_000);
  const notice = page.locator(`[data-testid=notice][data-code=${AUTO_LOGIN_NOTICE.signedIn}]`);
  await expect(notice).toContainText(`Signed in as ${TEST_USER} automatically`);
  await saveScreenshot(page, 'auto-login');

  await run(page, 'echo signed-in-$((6*7))');
  await expectScreen(page, 'signed-in-42');
  await expectPromptLast(page, SHELL_PROMPT);
  // The notice passes by itself.
  await expect(notice).toHaveCount(0, { timeout: 20_000 });

  expect(received.length).toBeGreaterThan(0);
  expect(received.filter((frame) => frame.includes(TEST_PASSWORD))).toEqual([]);
  expect(Buffer.concat(received).includes(TEST_PASSWORD)).toBe(false);
});

test('an embedded terminal signs in with the credentials its token carries', async ({ page }) => {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    tgt: 'autologin-token',
    'telgate.login': { username: TEST_USER, password: TEST_PASSWORD },
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('e2e-user')
    .setIssuedAt(now - 10)
    .setExpirationTime(now + 120)
    .sign(new TextEncoder().encode(process.env.TELGATE_E2E_SECRET!));
  const received = framesReceived(page);
  await page.goto(
    `${SECURED_URL()}/embed?target=autologin-token&token=${encodeURIComponent(token)}&renderer=dom`,
  );
  await expectPromptLast(page, SHELL_PROMPT, 20_000);
  await expect(page.locator(`[data-testid=notice][data-code=${AUTO_LOGIN_NOTICE.signedIn}]`)).toContainText(
    `Signed in as ${TEST_USER} automatically`,
  );
  await run(page, 'echo from-token-$((6*7))');
  await expectScreen(page, 'from-token-42');
  expect(received.length).toBeGreaterThan(0);
  expect(Buffer.concat(received).includes(TEST_PASSWORD)).toBe(false);
});
