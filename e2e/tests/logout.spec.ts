/** RFC 727 LOGOUT from the page: a host that accepts, one that refuses, and a host's auto-logout warning. */
import { GATEWAY_ERRORS } from '@telgate/protocol';
import { expect, OPEN_URL, test } from '../fixtures.js';
import { DEMO_PROMPT, expectConnected, expectPromptLast, expectScreen, run } from '../terminal.js';

test('Logout ends the session on a host that accepts it', async ({ page }) => {
  await page.goto(`${OPEN_URL()}/?target=demo&renderer=dom`);
  await expectPromptLast(page, DEMO_PROMPT);
  await page.getByTestId('action-logout').click();

  const banner = page.getByTestId('closed-banner');
  await expect(banner).toHaveAttribute('data-code', 'GW_ERR_LOGGED_OUT');
  await expect(page.getByTestId('closed-reason')).toHaveText(GATEWAY_ERRORS.GW_ERR_LOGGED_OUT.message);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'closed');
  await expect(page.getByTestId('reconnect')).toBeVisible();
});

test('Logout on a host that refuses it asks before closing', async ({ page }) => {
  await page.goto(`${OPEN_URL()}/?target=stubborn&renderer=dom`);
  await expectScreen(page, 'stubborn$');
  await page.getByTestId('action-logout').click();

  const status = page.getByTestId('logout-status');
  await expect(status).toHaveAttribute('data-logout', 'refused');
  await expect(status).toContainText('The host refused to log out');

  // Keep it: the session goes on.
  await page.getByTestId('logout-keep').click();
  await expect(status).toBeHidden();
  await run(page, 'still here');
  await expectScreen(page, /still here\s*\n\s*stubborn\$/);
  await expectConnected(page);

  // Ask again and close anyway.
  await page.getByTestId('action-logout').click();
  await expect(status).toHaveAttribute('data-logout', 'refused');
  await page.getByTestId('logout-close-anyway').click();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'closed');
  await expect(page.getByTestId('closed-banner')).toBeVisible();
});

test('the auto-logout warning appears and "Stay logged in" keeps the session', async ({ page }) => {
  await page.goto(`${OPEN_URL()}/?target=idle&renderer=dom`);
  await expectScreen(page, 'idle$');
  const warning = page.getByTestId('auto-logout-banner');
  await expect(warning).toContainText('log you out for inactivity');
  await page.getByTestId('stay-logged-in').click();

  await expect(warning).toBeHidden();
  // The host got DONT LOGOUT.
  await expectScreen(page, 'staying logged in');
  await expectConnected(page);
});
