/** The terminal embedded in an admin portal (examples/admin-portal), driven by postMessage, with tokens. */
import { GATEWAY_ERRORS } from '@telgate/protocol';
import { SignJWT } from 'jose';
import { expect, SECURED_URL, test } from '../fixtures.js';
import { DEMO_PROMPT, expectPromptLast, expectScreen, saveScreenshot } from '../terminal.js';

const PORTAL_URL = () => process.env.TELGATE_E2E_PORTAL_URL!;

async function tokenFor(target: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tgt: target })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('e2e-user')
    .setIssuedAt(now)
    .setExpirationTime(now + 120)
    .sign(new TextEncoder().encode(process.env.TELGATE_E2E_SECRET!));
}

test('the embedded terminal posts `connected` to the portal and obeys its `logout` command', async ({
  page,
}) => {
  await page.goto(`${PORTAL_URL()}/?device=demo&renderer=dom`);
  const events = page.locator('#events li');
  const terminal = page.frameLocator('#console').locator('body');

  await expect(events.filter({ hasText: 'telgate:ready' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'telgate:connected' })).toContainText('"target":"demo"');
  await expectPromptLast(terminal, DEMO_PROMPT);

  // The portal sends a command line through the API, and the host runs it.
  await page.locator('#command').fill('echo sent-by-the-portal');
  await page.locator('#send').click();
  await expectScreen(terminal, /^sent-by-the-portal$/m);
  await saveScreenshot(page, 'embed');

  await page.locator('#logout').click();
  await expect(events.filter({ hasText: 'telgate:logout' })).toContainText('"result":"accepted"');
  await expect(events.filter({ hasText: 'telgate:closed' })).toContainText('"code":"GW_ERR_LOGGED_OUT"');
  await expect(terminal.getByTestId('closed-banner')).toHaveAttribute('data-code', 'GW_ERR_LOGGED_OUT');
});

test('a token for another target is refused with a readable message', async ({ page }) => {
  const token = await tokenFor('demo');
  await page.goto(`${SECURED_URL()}/embed?target=busybox&token=${encodeURIComponent(token)}&renderer=dom`);
  await expect(page.getByTestId('closed-banner')).toHaveAttribute('data-code', 'GW_ERR_AUTH_FAILED');
  await expect(page.getByTestId('closed-reason')).toHaveText(GATEWAY_ERRORS.GW_ERR_AUTH_FAILED.message);
});

test('the same token opens the target it was issued for', async ({ page }) => {
  const token = await tokenFor('demo');
  await page.goto(`${SECURED_URL()}/embed?target=demo&token=${encodeURIComponent(token)}&renderer=dom`);
  await expectPromptLast(page, DEMO_PROMPT);
});
