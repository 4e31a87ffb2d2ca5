/**
 * Live observation: a real netkit telnetd session (with /bin/login) watched read-only by a supervisor.
 * The supervisor finds it in the recordings page's list of live sessions and opens its "Watch" link:
 * the observer sees the screen as it stands, then the user's next command's output; what the observer
 * types reaches nothing; the user's page says it is watched. A watch token for another target, and an
 * unknown session id, are refused with a message on the page.
 */
import type { Page } from '@playwright/test';
import { TEST_PASSWORD, TEST_USER } from '@telgate/test-peers';
import { SignJWT } from 'jose';
import { expect, RECORDED_URL, test } from '../fixtures.js';
import {
  DEMO_PROMPT,
  expectPromptLast,
  expectScreen,
  run,
  SHELL_PROMPT,
  saveScreenshot,
  screenText,
} from '../terminal.js';

const secret = () => new TextEncoder().encode(process.env.TELGATE_E2E_SECRET!);

async function token(claims: Record<string, unknown>, user: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(secret());
}

/** The ids GET /api/sessions lists now. */
async function liveSessionIds(page: Page, operatorToken: string): Promise<string[]> {
  const response = await page.request.get(`${RECORDED_URL()}/api/sessions`, {
    headers: { authorization: `Bearer ${operatorToken}` },
  });
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { sessions: { sessionId: string }[] };
  return body.sessions.map((session) => session.sessionId);
}

test('a supervisor watches a live netkit session read-only, and the user sees it is watched', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const stamp = Date.now() % 100_000;
  const operatorToken = await token({ tgt: '*', 'telgate.grants': ['recordings', 'watch'] }, 'supervisor');
  const before = new Set(await liveSessionIds(page, operatorToken));

  // The user: an embedded terminal with its bar, signed in on netkit's /bin/login.
  const userToken = await token({ tgt: 'netkit' }, TEST_USER);
  await page.goto(
    `${RECORDED_URL()}/embed?target=netkit&token=${encodeURIComponent(userToken)}&bar=1&renderer=dom`,
  );
  await expectScreen(page, /Password: ?$/m, 20_000);
  await run(page, TEST_PASSWORD);
  await expectPromptLast(page, SHELL_PROMPT, 20_000);
  // Computed by the shell, so the word is in the output only, never in what was typed.
  await run(page, `echo before$((${stamp}+1))`);
  await expectScreen(page, `before${stamp + 1}`);
  await expectPromptLast(page, SHELL_PROMPT);
  await expect(page.getByTestId('observers-indicator')).toHaveCount(0);

  let sessionId: string | undefined;
  await expect(async () => {
    sessionId = (await liveSessionIds(page, operatorToken)).find((id) => !before.has(id));
    expect(sessionId).toBeDefined();
  }).toPass({ timeout: 10_000 });
  if (sessionId === undefined) throw new Error('the user’s session is not listed');

  // The supervisor: the recordings page lists the session as live, with a Watch link.
  const operator = await context.newPage();
  await operator.goto(`${RECORDED_URL()}/recordings?token=${encodeURIComponent(operatorToken)}`);
  const row = operator.locator(`[data-testid=live-sessions] tr[data-session="${sessionId}"]`);
  await expect(row).toContainText('netkit');
  await expect(row).toContainText(TEST_USER);
  const link = row.getByTestId('watch-link');
  await expect(link).toHaveText('Watch');
  const href = await link.getAttribute('href');
  expect(href).toBe(`/?watch=${encodeURIComponent(sessionId)}&token=${encodeURIComponent(operatorToken)}`);
  await saveScreenshot(operator, 'watch-live-sessions');
  await operator.close();

  const observer = await context.newPage();
  await observer.goto(`${RECORDED_URL()}${href}&renderer=dom`);
  await expect(observer.getByTestId('watching-banner')).toHaveText('Watching netkit telnetd — read-only');
  // The token is not left in the address bar.
  await expect(observer).not.toHaveURL(/token=/);
  // The screen as it stands: the command run before the observer came.
  await expectScreen(observer, `before${stamp + 1}`);
  // No toolbar, no on-screen keys: nothing to act on the session with.
  await expect(observer.getByTestId('toolbar')).toHaveCount(0);
  await expect(observer.locator('.key-bar')).toHaveCount(0);

  // The user is told.
  const indicator = page.getByTestId('observers-indicator');
  await expect(indicator).toHaveText('Watched by 1');

  // The user's next command: the observer sees its output as it comes.
  await page.getByTestId('terminal').click();
  await run(page, `echo after$((${stamp}+2))`);
  await expectScreen(page, `after${stamp + 2}`);
  await expectScreen(observer, `after${stamp + 2}`);

  // The observer types a command: nothing reaches the host, nothing is echoed on either screen.
  await observer.getByTestId('terminal').click();
  await observer.keyboard.type(`echo intruder$((${stamp}+3))`, { delay: 5 });
  await observer.keyboard.press('Enter');
  await observer.keyboard.press('Control+C');
  // The user's next command comes after anything the observer could have sent: had it gone, it would show.
  await run(page, `echo check$((${stamp}+4))`);
  await expectScreen(page, `check${stamp + 4}`);
  await expectScreen(observer, `check${stamp + 4}`);
  await expectPromptLast(page, SHELL_PROMPT);
  expect(await screenText(page)).not.toContain('intruder');
  expect(await screenText(observer)).not.toContain('intruder');
  expect(await screenText(observer)).not.toContain(`${stamp + 3}`);

  await saveScreenshot(observer, 'watch-observer');
  await saveScreenshot(page, 'watch-indicator');

  // The observer shows the user's terminal at the user's size, whatever its own window…
  const rowsOf = (tab: Page) => tab.locator('[data-testid=terminal] .xterm-rows > div').count();
  const userRows = await rowsOf(page);
  await observer.setViewportSize({ width: 900, height: 500 });
  await run(page, 'true');
  await expectPromptLast(page, SHELL_PROMPT);
  expect(await rowsOf(observer)).toBe(userRows);
  // …and follows it when the user's window changes.
  await page.setViewportSize({ width: 1000, height: 560 });
  await expect.poll(() => rowsOf(page)).toBeLessThan(userRows);
  const fewer = await rowsOf(page);
  await expect.poll(() => rowsOf(observer)).toBe(fewer);
  await expectScreen(observer, `check${stamp + 4}`);

  // A second observer: the count follows.
  const second = await context.newPage();
  await second.goto(`${RECORDED_URL()}${href}&renderer=dom`);
  await expectScreen(second, `check${stamp + 4}`);
  await expect(indicator).toHaveText('Watched by 2');
  await second.close();
  await expect(indicator).toHaveText('Watched by 1');

  // A watch token for another target is refused, with the reason on the page.
  const otherTarget = await token({ tgt: 'inetutils', 'telgate.grants': ['watch'] }, 'supervisor');
  const refused = await context.newPage();
  await refused.goto(
    `${RECORDED_URL()}/?watch=${encodeURIComponent(sessionId)}&token=${encodeURIComponent(otherTarget)}&renderer=dom`,
  );
  await expect(refused.getByTestId('closed-banner')).toHaveAttribute('data-code', 'GW_ERR_WATCH_REFUSED');
  await expect(refused.getByTestId('closed-reason')).toHaveText(/This session cannot be watched/);
  await saveScreenshot(refused, 'watch-refused');
  // So is an id no session has.
  await refused.goto(
    `${RECORDED_URL()}/?watch=no-such-session&token=${encodeURIComponent(operatorToken)}&renderer=dom`,
  );
  await expect(refused.getByTestId('closed-banner')).toHaveAttribute('data-code', 'GW_ERR_WATCH_REFUSED');
  await refused.close();
  // Neither was ever counted as an observer.
  await expect(indicator).toHaveText('Watched by 1');

  // The observer leaves: the indicator goes.
  await observer.close();
  await expect(indicator).toHaveCount(0);
  await run(page, 'exit');
  await expect(page.getByTestId('closed-banner')).toBeVisible({ timeout: 15_000 });
});

test('the example admin portal opens "Watch this session" for the session in its console', async ({
  page,
  context,
}) => {
  await page.goto(`${process.env.TELGATE_E2E_PORTAL_URL!}/?device=demo&renderer=dom`);
  const terminal = page.frameLocator('#console');
  await expectPromptLast(terminal.locator('body'), DEMO_PROMPT);
  const watch = page.locator('#watch');
  await expect(watch).toBeVisible();
  await expect(watch).toHaveText('Watch this session');

  const opening = context.waitForEvent('page');
  await watch.click();
  const observer = await opening;
  await expect(observer.getByTestId('watching-banner')).toHaveText(
    'Watching Demo host (built in) — read-only',
  );
  await expectPromptLast(observer, DEMO_PROMPT);
  await expect(terminal.getByTestId('observers-indicator')).toHaveText('Watched by 1');

  await page.locator('#command').fill('echo from-the-portal');
  await page.locator('#send').click();
  await expectScreen(observer, /^from-the-portal$/m);
  await observer.close();
  await expect(terminal.getByTestId('observers-indicator')).toHaveCount(0);
});
