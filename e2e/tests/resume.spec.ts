/**
 * Sessions that survive their socket (telgate.v2), against inetutils telnetd with /bin/login through the
 * built gateway: a reload, a socket dropped under the page, a TCP connection killed between page and
 * gateway, a second tab taking the session over, and a session that ended while the page was away.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import type { Frame, Page } from '@playwright/test';
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
  screenText,
  type,
} from '../terminal.js';

const PORTAL_URL = () => process.env.TELGATE_E2E_PORTAL_URL!;
const page_ = (path: string) => `${OPEN_URL()}${path}${path.includes('?') ? '&' : '?'}renderer=dom`;

/**
 * Keeps every WebSocket the page opens in `window.telgateSockets`, so a test can drop one; with
 * `window.telgateUnreachable` set, new sockets go to a port where nothing listens.
 */
async function recordSockets(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const sockets: WebSocket[] = [];
    const state = window as unknown as { telgateSockets: WebSocket[]; telgateUnreachable?: boolean };
    state.telgateSockets = sockets;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(state.telgateUnreachable ? 'ws://127.0.0.1:9/ws' : url, protocols);
        sockets.push(this);
      }
    };
  });
}

/** Closes the page's newest WebSocket as a network drop would look to the page: not with 1000. */
async function dropSocket(page: Page | Frame): Promise<void> {
  await page.evaluate(() => {
    const sockets = (window as unknown as { telgateSockets: WebSocket[] }).telgateSockets;
    sockets.at(-1)?.close(4000, 'dropped by the test');
  });
}

/**
 * A TCP relay in front of the gateway: pages loaded through it reach the gateway through it, and `cut`
 * kills every connection it carries (a TCP reset both ways), as a network that drops them would.
 */
async function startCuttableRelay(
  to: string,
): Promise<{ url: string; cut(): number; stop(): Promise<void> }> {
  const gateway = new URL(to);
  const sockets = new Set<Socket>();
  const keep = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server = createServer((page) => {
    const upstream = tcpConnect(Number(gateway.port), gateway.hostname);
    keep(page);
    keep(upstream);
    page.pipe(upstream);
    upstream.pipe(page);
    page.on('close', () => upstream.destroy());
    upstream.on('close', () => page.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      const count = sockets.size;
      for (const socket of [...sockets]) socket.resetAndDestroy();
      return count;
    },
    stop: async () => {
      for (const socket of [...sockets]) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whether process `pid` still runs (a zombie waiting to be reaped has ended). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The pid of the login shell, as the shell itself says. */
async function shellPid(page: Page): Promise<number> {
  await run(page, 'echo shell-pid-$$');
  await expectScreen(page, /^shell-pid-\d+$/m);
  const pid = Number(/^shell-pid-(\d+)$/m.exec(await screenText(page))?.[1]);
  if (!Number.isInteger(pid) || pid <= 1) throw new Error('no shell pid on the screen');
  return pid;
}

/** The page's sessionStorage entries, to hand the session's credential to another tab. */
async function sessionStorageOf(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const items: Record<string, string> = {};
    for (let i = 0; i < sessionStorage.length; i++) {
      const key = sessionStorage.key(i);
      if (key !== null) items[key] = sessionStorage.getItem(key) ?? '';
    }
    return items;
  });
}

test('a reload gets the same session back: the same screen in vi, and typing goes on', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  });
  await page.goto(page_('/?target=inetutils'));
  await expectConnected(page);
  await logIn(page);
  await run(page, 'cd /tmp && vi -u NONE -n telgate-resume-$$.txt');
  await expectScreen(page, /telgate-resume-\d+\.txt/);
  await type(page, 'ifirst line, before the reload');
  await page.keyboard.press('Escape');
  await expectScreen(page, 'first line, before the reload');
  const before = await screenText(page);

  await page.reload();
  await expectConnected(page);
  await expect(page.getByTestId('resumed-banner')).toContainText(/Resumed — away \d+ s/);
  await expect.poll(() => screenText(page)).toBe(before);
  await saveScreenshot(page, 'resumed');
  // A resumable session leaves without asking.
  expect(dialogs).toEqual([]);

  await type(page, 'osecond line, after it');
  await page.keyboard.press('Escape');
  await expectScreen(page, 'first line, before the reload');
  await expectScreen(page, 'second line, after it');
  await type(page, ':q!');
  await page.keyboard.press('Enter');
  await expectPromptLast(page, SHELL_PROMPT);
});

test('a socket dropped under the page resumes by itself, and what was typed arrives once', async ({
  page,
}) => {
  await recordSockets(page);
  await page.goto(page_('/?target=inetutils'));
  await expectConnected(page);
  await logIn(page);
  await run(page, 'echo before-$((6*7))');
  await expectScreen(page, /^before-42$/m);

  await dropSocket(page);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'reconnecting');
  // Typed while the page gets the session back: held, then sent once.
  await run(page, 'echo after-$((6*7))');
  await expectConnected(page);
  await expect(page.getByTestId('resumed-banner')).toBeVisible();
  await expectScreen(page, /^after-42$/m);
  await expectPromptLast(page, SHELL_PROMPT);
  expect(await countOnScreen(page, 'after-42\n')).toBe(1);
  await expect(page.getByTestId('closed-banner')).toHaveCount(0);
});

test('a TCP connection killed between page and gateway: the page resumes by itself, typing arrives once', async ({
  page,
}) => {
  const relay = await startCuttableRelay(OPEN_URL());
  try {
    await page.goto(`${relay.url}/?target=inetutils&renderer=dom`);
    await expectConnected(page);
    await logIn(page);
    const pid = await shellPid(page);
    await run(page, 'echo before-$((6*7))');
    await expectScreen(page, /^before-42$/m);

    expect(relay.cut()).toBeGreaterThan(0);
    // Typed while the page finds out and gets the session back: held, then sent once.
    await run(page, 'echo after-$((6*7))');
    await expect(page.getByTestId('resumed-banner')).toBeVisible({ timeout: 30_000 });
    await expectConnected(page);
    await expectScreen(page, /^after-42$/m);
    await expectPromptLast(page, SHELL_PROMPT);
    expect(await countOnScreen(page, 'after-42\n')).toBe(1);
    await expect(page.getByTestId('closed-banner')).toHaveCount(0);
    // The same shell as before: the host connection was never closed.
    expect(running(pid)).toBe(true);
    await run(page, 'echo same-shell-$$');
    await expectScreen(page, `same-shell-${pid}`);
  } finally {
    await relay.stop();
  }
});

test('Disconnect while the page tries to get the session back stops trying and ends it', async ({
  page,
  consoleErrors,
}) => {
  await recordSockets(page);
  await page.goto(page_('/?target=inetutils'));
  await expectConnected(page);
  await expectScreen(page, /login: ?$/m, 20_000);
  await page.evaluate(() => {
    (window as unknown as { telgateUnreachable: boolean }).telgateUnreachable = true;
  });
  await dropSocket(page);
  await expect(page.getByTestId('reconnecting-banner')).toBeVisible();
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'reconnecting');
  await page.getByTestId('disconnect').click();
  await expect(page.getByTestId('closed-reason')).toHaveText('You closed the session.');
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'closed');
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  // The browser reports each attempt it refused to make: expected here, and only those.
  const unexpected = consoleErrors.filter((error) => !error.includes('ws://127.0.0.1:9/ws'));
  consoleErrors.splice(0, consoleErrors.length, ...unexpected);
});

test('a second tab with the credential takes the session over; the first says so and stays put', async ({
  page,
  context,
}) => {
  await page.goto(page_('/?target=inetutils'));
  await expectConnected(page);
  await logIn(page);
  await run(page, 'echo first-tab-$((6*7))');
  await expectScreen(page, /^first-tab-42$/m);

  const second = await context.newPage();
  await second.addInitScript(
    (items: Record<string, string>) => {
      for (const [key, value] of Object.entries(items)) sessionStorage.setItem(key, value);
    },
    await sessionStorageOf(page),
  );
  await second.goto(page_('/?target=inetutils'));
  await expectConnected(second);
  await expectScreen(second, /^first-tab-42$/m);

  const banner = page.getByTestId('closed-banner');
  await expect(banner).toHaveAttribute('data-code', 'GW_ERR_TAKEN_OVER');
  await expect(page.getByTestId('closed-reason')).toHaveText(
    'This session was taken over by another tab or window.',
  );
  // No retry: the first tab does not take the session back.
  await run(second, 'echo second-tab-$((6*7))');
  await expectScreen(second, /^second-tab-42$/m);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'closed');
  await expect(second.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
  await second.close();
});

test('a session that ended while the page was away says so, and Reconnect starts a new one', async ({
  page,
}) => {
  await page.goto(page_('/?target=inetutils-brief'));
  await expectConnected(page);
  await logIn(page);
  const pid = await shellPid(page);
  // Leaving the page detaches the session; the gateway keeps it for 3 s only.
  await page.goto('about:blank');
  await page.waitForTimeout(1_000);
  expect(running(pid)).toBe(true);
  // Then it closes the host connection: telnetd ends the login shell.
  await expect.poll(() => running(pid), { timeout: 15_000 }).toBe(false);
  await page.goto(page_('/?target=inetutils-brief'));

  await expect(page.getByTestId('closed-banner')).toHaveAttribute('data-code', 'GW_ERR_RESUME_FAILED');
  await expect(page.getByTestId('closed-reason')).toContainText('Session ended while you were away');
  await page.getByTestId('reconnect').click();
  await expectConnected(page);
  await expectScreen(page, /login: ?$/m, 20_000);
});

test('leaving a session that a reload cannot get back asks first', async ({ page }) => {
  await page.goto(page_('/?target=inetutils-unkept'));
  await expectConnected(page);
  await expectScreen(page, /login: ?$/m, 20_000);
  await type(page, 'x'); // the page has been used: the browser lets it ask
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.accept();
  });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => dialogs).toEqual(['beforeunload']);
});

test('the embedded terminal tells its parent that it lost the session and got it back', async ({ page }) => {
  await recordSockets(page);
  await page.goto(`${PORTAL_URL()}/?device=demo&renderer=dom`);
  const events = page.locator('#events li');
  const frame = page.frameLocator('#console');
  await expectPromptLast(frame.locator('body'), DEMO_PROMPT);
  const terminal = page.frames().find((candidate) => candidate.url().includes('/embed'));
  if (!terminal) throw new Error('the portal has no terminal frame');

  await dropSocket(terminal);
  await expect(events.filter({ hasText: 'telgate:detached' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'telgate:resumed' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'telgate:closed' })).toHaveCount(0);
  await expect(frame.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
});

test('a reloaded kiosk gets its session back instead of a new login', async ({ page }) => {
  await page.goto(page_('/kiosk?target=inetutils'));
  await logIn(page);
  await run(page, 'echo kiosk-$((6*7))');
  await expectScreen(page, /^kiosk-42$/m);
  const logins = await countOnScreen(page, 'login:');

  await page.reload();
  await expect(page.getByTestId('resumed-banner')).toBeVisible();
  await expectScreen(page, /^kiosk-42$/m);
  await run(page, 'echo still-$((6*7))');
  await expectScreen(page, /^still-42$/m);
  await expectPromptLast(page, SHELL_PROMPT);
  // The same screen, and no new login prompt on it.
  expect(await countOnScreen(page, 'login:')).toBe(logins);
});
