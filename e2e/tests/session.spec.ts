/**
 * What a person does on the main page, against real telnet servers (busybox, inetutils, netkit with
 * /bin/login) and the built-in demo host, all through the built gateway.
 */
import { createServer, type Server } from 'node:net';
import { GATEWAY_ERRORS } from '@telgate/protocol';
import { expect, OPEN_URL, test } from '../fixtures.js';
import {
  countOnScreen,
  DEMO_PROMPT,
  expectConnected,
  expectPromptLast,
  expectScreen,
  logIn,
  run,
  SHELL_PROMPT,
  saveScreenshot,
  screenLines,
} from '../terminal.js';

const page_ = (path: string) => `${OPEN_URL()}${path}${path.includes('?') ? '&' : '?'}renderer=dom`;

/** A shell loop that prints forever, slowly enough for the screen to be read. */
const TICK_LOOP = 'while true; do echo tick; sleep 0.2; done';

test('picks a target, logs in and lists a directory', async ({ page }) => {
  await page.goto(page_('/'));
  const screen = page.getByTestId('connect-screen');
  await expect(screen).toBeVisible();
  const netkit = screen.locator('[data-testid=target][data-target-id=netkit]');
  await expect(netkit).toContainText('netkit telnetd');
  await expect(netkit).toContainText('127.0.0.1:');
  await netkit.click();

  await expect(page).toHaveURL(/[?&]target=netkit/);
  await expectConnected(page);
  await logIn(page);
  await run(page, 'ls -d /etc /usr /bin');
  await expectScreen(page, /^\/bin\s+\/etc\s+\/usr$/m);
  await expectPromptLast(page, SHELL_PROMPT);
  await expect(page.getByTestId('connection-state')).toContainText(/connected/i);
  await saveScreenshot(page, 'main');
});

test('the host follows the browser window size (NAWS → stty size)', async ({ page }) => {
  await page.goto(page_('/?target=busybox'));
  await logIn(page);

  const sttySize = async () => {
    const before = (await screenLines(page)).length;
    await run(page, 'stty size');
    await expectPromptLast(page, SHELL_PROMPT);
    const lines = await screenLines(page);
    const answer = lines.filter((line) => /^\d+ \d+$/.test(line)).at(-1);
    expect(answer, 'stty size printed ROWS COLS').toBeDefined();
    const [rows, cols] = answer!.split(' ').map(Number) as [number, number];
    // The terminal draws exactly as many rows as the host was told.
    expect(rows).toBe(before);
    return { rows, cols };
  };

  const large = await sttySize();
  await page.setViewportSize({ width: 820, height: 520 });
  await expect.poll(async () => (await screenLines(page)).length).toBeLessThan(large.rows);
  const small = await sttySize();
  expect(small.rows).toBeLessThan(large.rows);
  expect(small.cols).toBeLessThan(large.cols);

  await page.setViewportSize({ width: 1280, height: 800 });
  await expect.poll(async () => (await screenLines(page)).length).toBe(large.rows);
  expect(await sttySize()).toEqual(large);
});

/** Starts the loop, stops it with `stop`, and checks it really stopped. */
async function stopsTheLoop(page: import('@playwright/test').Page, stop: () => Promise<void>) {
  await run(page, TICK_LOOP);
  await expect.poll(() => countOnScreen(page, 'tick'), { message: 'the loop runs' }).toBeGreaterThan(3);
  await stop();
  await expectPromptLast(page, SHELL_PROMPT, 10_000);
  const after = await countOnScreen(page, 'tick');
  await page.waitForTimeout(800);
  expect(await countOnScreen(page, 'tick'), 'no tick after the prompt came back').toBe(after);
}

test('Ctrl-C stops a running loop', async ({ page }) => {
  await page.goto(page_('/?target=busybox'));
  await logIn(page);
  await stopsTheLoop(page, () => page.keyboard.press('Control+c'));
});

test('the Interrupt button stops a running loop (Telnet IP)', async ({ page }) => {
  // netkit turns IAC IP into the terminal's interrupt character for the login shell.
  await page.goto(page_('/?target=netkit'));
  await logIn(page);
  await stopsTheLoop(page, () => page.getByTestId('action-interrupt').click());
});

test('the inspector lists the window-size negotiation', async ({ page }) => {
  await page.goto(page_('/?target=demo'));
  await expectPromptLast(page, DEMO_PROMPT);
  await page.getByTestId('inspector-toggle').click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toBeVisible();
  const rows = inspector.getByTestId('trace-row');
  await expect(rows.filter({ hasText: /\bDO NAWS\b/ }).first()).toBeVisible();
  await expect(rows.filter({ hasText: /\bSB NAWS \d+ \d+/ }).first()).toBeVisible();
  // Both sides' state for each option.
  const naws = inspector.locator('[data-testid=option-row][data-option=NAWS]');
  await expect(naws).toHaveAttribute('data-local', 'true');
  await expect(naws).toHaveAttribute('data-remote', 'false');
  await saveScreenshot(page, 'inspector');
});

test('search finds a word in the scrollback', async ({ page }) => {
  await page.goto(page_('/?target=demo'));
  await expectPromptLast(page, DEMO_PROMPT);
  await run(page, 'echo needle-in-the-scrollback');
  await run(page, 'count 300');
  await expectPromptLast(page, DEMO_PROMPT);
  expect(await countOnScreen(page, 'needle-in-the-scrollback'), 'the word has scrolled away').toBe(0);

  await page.keyboard.press('Control+Shift+F');
  const input = page.getByTestId('search-input');
  await expect(input).toBeFocused();
  await input.fill('needle-in-the-scrollback');
  await input.press('Enter');
  // The command line and its output.
  await expect(page.getByTestId('search-count')).toHaveText(/of 2/);
  await expect.poll(() => countOnScreen(page, 'needle-in-the-scrollback')).toBeGreaterThan(0);
});

test('CP437 box drawing from a BBS renders as box drawing', async ({ page }) => {
  await page.goto(page_('/?target=bbs'));
  await expectScreen(page, '╔════════════════════╗');
  await expectScreen(page, '║  CP437 BBS DEMO    ║');
  await expectScreen(page, '╚════════════════════╝');
  await expect(page.getByTestId('charset')).toContainText(/CP437/i);
});

test('a host that refuses the connection gets a readable error, and Reconnect works', async ({ page }) => {
  await page.goto(page_('/?target=refused'));
  const banner = page.getByTestId('closed-banner');
  await expect(banner).toHaveAttribute('data-code', 'GW_ERR_HOST_REFUSED');
  await expect(page.getByTestId('closed-reason')).toHaveText(GATEWAY_ERRORS.GW_ERR_HOST_REFUSED.message);

  // The host comes up; Reconnect reaches it and keeps the URL.
  const port = Number(process.env.TELGATE_E2E_REFUSED_PORT);
  const server: Server = createServer((socket) => socket.end('host is back up\r\n'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  try {
    await page.getByTestId('reconnect').click();
    await expectScreen(page, 'host is back up');
    await expect(page).toHaveURL(/[?&]target=refused/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('line settings chosen for a host apply again on the next session to it', async ({ page }) => {
  await page.goto(page_('/?target=stubborn'));
  await expectScreen(page, 'stubborn$');
  await page.getByTestId('settings-toggle').click();
  await page.getByTestId('setting-eol').selectOption('lf');
  await expect(page.getByTestId('setting-eol')).toHaveValue('lf');
  await page.getByTestId('settings-toggle').click();
  await page.getByTestId('terminal').click();
  await run(page, 'one');
  await expectScreen(page, 'one\nstubborn(lf)$');

  // A reload would resume this session: without the tab's credential it opens the next one.
  await page.evaluate(() => sessionStorage.clear());
  await page.reload();
  await expectConnected(page);
  await expect.poll(() => countOnScreen(page, 'stubborn(lf)$')).toBe(0);
  await run(page, 'two');
  await expectScreen(page, 'two\nstubborn(lf)$');

  // Other hosts keep their own settings.
  await page.goto(page_('/?target=idle'));
  await expectScreen(page, 'idle$');
  await page.getByTestId('settings-toggle').click();
  await expect(page.getByTestId('setting-eol')).toHaveValue('crlf');
});

test('the connect screen lists recent hosts, and no host field when free-form hosts are off', async ({
  page,
}) => {
  await page.goto(page_('/?target=bbs'));
  await expectScreen(page, 'CP437 BBS DEMO');
  await page.getByTestId('back-to-targets').click();

  const screen = page.getByTestId('connect-screen');
  await expect(screen).toBeVisible();
  await expect(page).toHaveURL(/\/\?renderer=dom$|\/$/);
  await expect(screen.getByTestId('recent-target').first()).toContainText('CP437 BBS');
  await expect(screen.getByTestId('free-form-host')).toHaveCount(0);

  await screen.getByTestId('recent-target').first().click();
  await expect(page).toHaveURL(/[?&]target=bbs/);
  await expectScreen(page, 'CP437 BBS DEMO');
});
