/** The terminal embedded in an admin portal (examples/admin-portal), driven by postMessage, with tokens. */
import { GATEWAY_ERRORS } from '@telgate/protocol';
import { SignJWT } from 'jose';
import { expect, SECURED_URL, test } from '../fixtures.js';
import { DEMO_PROMPT, expectPromptLast, expectScreen, saveScreenshot } from '../terminal.js';

const PORTAL_URL = () => process.env.TELGATE_E2E_PORTAL_URL!;

/** A token for `target` that expires `ttl` seconds from now (in the past when negative). */
async function tokenFor(target: string, ttl = 120): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tgt: target })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('e2e-user')
    .setIssuedAt(now - Math.max(0, -ttl) - 10)
    .setExpirationTime(now + ttl)
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

test('the portal renews an expired token and the terminal reconnects with it', async ({ page }) => {
  await page.goto(`${PORTAL_URL()}/?device=demo&renderer=dom`);
  const events = page.locator('#events li');
  const frame = page.frameLocator('#console');
  await expectPromptLast(frame.locator('body'), DEMO_PROMPT);
  await page.locator('#disconnect').click();
  await expect(frame.getByTestId('closed-banner')).toBeVisible();

  // The terminal gets a token that expired a while ago (beyond the gateway's clock tolerance), as if
  // it had sat in the frame's URL too long, and is asked to connect with it.
  const expired = await tokenFor('demo', -120);
  await page.evaluate((token) => {
    const frameElement = document.querySelector<HTMLIFrameElement>('#console');
    frameElement?.contentWindow?.postMessage(
      { type: 'telgate:connect', token },
      frameElement.dataset.gatewayOrigin ?? '',
    );
  }, expired);

  // Refused: the terminal tells the portal, which mints a fresh token; the terminal connects with it.
  await expect(events.filter({ hasText: 'telgate:token-expired' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'telgate:connected' })).toHaveCount(2);
  await expectPromptLast(frame.locator('body'), DEMO_PROMPT);
  await expect(frame.getByTestId('closed-banner')).toHaveCount(0);
});

test('the portal’s theme toggle changes the terminal’s theme on the first click', async ({ page }) => {
  await page.goto(`${PORTAL_URL()}/?device=demo&renderer=dom&theme=light`);
  const html = page.frameLocator('#console').locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await expect(page.locator('#events li').filter({ hasText: 'telgate:connected' })).toHaveCount(1);
  await page.locator('#theme').click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
});
