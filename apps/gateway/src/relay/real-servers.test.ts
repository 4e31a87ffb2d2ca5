/**
 * The gateway against real Telnet servers on loopback (busybox, inetutils and netkit telnetd, each with
 * /bin/login), driven as the web page drives it: frames in, rendered output out.
 */
import { closeCodeFor, SUBPROTOCOLS } from '@telgate/protocol';
import {
  ensureTestUser,
  SHELL_PROMPT,
  startTelnetServer,
  TEST_PASSWORD,
  TEST_USER,
  type TelnetServer,
  type TelnetServerKind,
} from '@telgate/test-peers';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';
import { createTelnetRelay } from './index.js';

// Logging in to a real server and waiting out a host that never answers take seconds each.
vi.setConfig({ testTimeout: 40_000 });

let app: FastifyInstance | undefined;
let server: TelnetServer | undefined;
let client: TerminalClient | undefined;

beforeAll(async () => {
  await ensureTestUser();
});

afterEach(async () => {
  client?.close();
  await app?.close();
  await server?.stop();
  app = undefined;
  server = undefined;
  client = undefined;
});

async function open(
  kind: TelnetServerKind,
  targetExtra = '',
  protocols?: readonly string[],
): Promise<TerminalClient> {
  server = await startTelnetServer(kind);
  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets:
  - { id: real, label: ${kind}, host: 127.0.0.1, port: ${server.port}, negotiation: active${targetExtra} }
`,
    { onSession: createTelnetRelay() },
  );
  const c = await TerminalClient.open(app, '/ws?target=real', protocols ? { protocols } : {});
  client = c;
  c.send({ type: 'resize', cols: 80, rows: 24 });
  return c;
}

async function loggedIn(
  kind: 'busybox-login' | 'inetutils-login' | 'netkit-login',
  targetExtra = '',
  protocols?: readonly string[],
): Promise<TerminalClient> {
  const c = await open(kind, targetExtra, protocols);
  await c.waitForText('login: ', 15_000);
  c.type(`${TEST_USER}\r`);
  await c.waitForText('Password: ');
  c.type(`${TEST_PASSWORD}\r`);
  await c.waitForText(SHELL_PROMPT, 15_000);
  return c;
}

/** Output after the mark `from`, so each step looks only at what it caused. */
function after(c: TerminalClient, from: number): string {
  return c.text.slice(from);
}

async function runCommand(c: TerminalClient, command: string, expectText: string): Promise<void> {
  const from = c.text.length;
  c.type(`${command}\r`);
  await c.until(() => after(c, from).includes(expectText), `${JSON.stringify(expectText)} after ${command}`);
}

describe.each(['busybox-login', 'inetutils-login', 'netkit-login'] as const)(
  'through the gateway to real %s',
  (kind) => {
    it('logs in, runs a command and sees its output', async () => {
      const c = await loggedIn(kind);
      await runCommand(c, 'ls -d /etc /usr; echo ran-$((6*7))', 'ran-42');
      expect(c.text).toContain('/etc');
      expect(c.text).not.toContain('\ufffd');
    });

    it('follows a resize: stty size changes', async () => {
      const c = await loggedIn(kind);
      await runCommand(c, 'stty size', '24 80');
      c.send({ type: 'resize', cols: 132, rows: 43 });
      // NAWS goes out at once; give the host a moment to apply it before asking.
      await new Promise((r) => setTimeout(r, 200));
      await runCommand(c, 'stty size', '43 132');
    });

    it('Ctrl-C typed by the user interrupts a running command', async () => {
      const c = await loggedIn(kind);
      const from = c.text.length;
      c.type('echo sleeping-$((3*3)); sleep 60; echo not-$((0+1))-interrupted\r');
      await c.until(() => after(c, from).includes('sleeping-9'), 'the command to start');
      await new Promise((r) => setTimeout(r, 300));
      c.type('\x03');
      await c.until(() => after(c, from).includes(SHELL_PROMPT), 'the prompt after ^C', 5000);
      await runCommand(c, 'echo alive-$((1+1))', 'alive-2');
      expect(c.text).not.toContain('not-1-interrupted');
      expect(c.text).not.toContain('\ufffd');
    });
  },
);

describe('Logout against real servers', () => {
  it.each(['inetutils-login', 'netkit-login'] as const)(
    '%s accepts DO LOGOUT and the session ends',
    async (kind) => {
      const c = await loggedIn(kind);
      c.send({ type: 'action', action: 'logout' });
      await c.waitForFrame('logout-result', (f) => f.result === 'accepted');
      expect((await c.closed).code).toBe(closeCodeFor('GW_ERR_LOGGED_OUT'));
    },
  );

  it('busybox never answers DO LOGOUT: the user is told it timed out, and the session goes on', async () => {
    const c = await loggedIn('busybox-login');
    c.send({ type: 'action', action: 'logout' });
    await c.waitForFrame('logout-result', (f) => f.result === 'timed-out', 10_000);
    await runCommand(c, 'echo still-$((2+3))', 'still-5');
  });
});

describe('Interrupt action (IAC IP) against real servers', () => {
  // inetutils reads its interrupt character from the terminal when it starts, before /bin/login sets the
  // terminal up, so only its login-less variant maps IP to ^C; netkit handles both.
  it.each(['inetutils-shell', 'netkit-login'] as const)('%s: stops a running command', async (kind) => {
    const c = kind === 'netkit-login' ? await loggedIn(kind) : await open(kind);
    await c.waitForText(SHELL_PROMPT, 15_000);
    const from = c.text.length;
    c.type('echo looping-$((4*4)); while true; do sleep 1; done\r');
    await c.until(() => after(c, from).includes('looping-16'), 'the loop to start');
    await new Promise((r) => setTimeout(r, 300));
    c.send({ type: 'action', action: 'interrupt' });
    await c.until(() => after(c, from).includes(SHELL_PROMPT), 'the prompt after Interrupt', 5000);
    await runCommand(c, 'echo back-$((5+5))', 'back-10');
    expect(c.text).not.toContain('\ufffd');
  });
});

describe('Synch (IAC DM as TCP urgent data) against real servers', () => {
  it.each(['inetutils-shell', 'netkit-login'] as const)(
    '%s: Interrupt followed by a Synch stops a running command, and no stray byte reaches the shell',
    async (kind) => {
      const extra = ', synchOnInterrupt: true';
      const c = kind === 'netkit-login' ? await loggedIn(kind, extra) : await open(kind, extra);
      await c.waitForText(SHELL_PROMPT, 15_000);
      const from = c.text.length;
      c.type('echo looping-$((4*4)); while true; do sleep 1; done\r');
      await c.until(() => after(c, from).includes('looping-16'), 'the loop to start');
      await new Promise((r) => setTimeout(r, 300));
      c.send({ type: 'action', action: 'interrupt' });
      await c.waitForFrame(
        'trace',
        (f) => f.direction === 'out' && f.bytes.length === 2 && f.bytes[1] === 0xf2,
      );
      await c.until(() => after(c, from).includes(SHELL_PROMPT), 'the prompt after Interrupt', 5000);
      await runCommand(c, 'echo back-$((5+5))', 'back-10');
      expect(after(c, from)).not.toMatch(/not found|\ufffd/);
    },
  );

  it.each(['inetutils-login', 'netkit-login'] as const)(
    '%s: the Synch action, then a command runs intact',
    async (kind) => {
      const c = await loggedIn(kind);
      const from = c.text.length;
      c.send({ type: 'action', action: 'synch' });
      await c.waitForFrame(
        'trace',
        (f) => f.direction === 'out' && f.bytes.length === 2 && f.bytes[1] === 0xf2,
      );
      await new Promise((r) => setTimeout(r, 300));
      await runCommand(c, 'echo synched-$((3+4))', 'synched-7');
      expect(after(c, from)).not.toMatch(/not found|\ufffd/);
    },
  );

  // Measured: busybox telnetd reads urgent data out of line, so the urgent DM never reaches its Telnet
  // parser, which takes the IAC left behind and the bytes after it as a command. This is why Interrupt
  // sends no Synch unless a target asks for it (synchOnInterrupt).
  it("busybox-login loses the Synch's DM and the bytes after it", async () => {
    const c = await loggedIn('busybox-login');
    const from = c.text.length;
    c.send({ type: 'action', action: 'synch' });
    await c.waitForFrame(
      'trace',
      (f) => f.direction === 'out' && f.bytes.length === 2 && f.bytes[1] === 0xf2,
    );
    await new Promise((r) => setTimeout(r, 300));
    c.type('echo synched-$((3+4))\r');
    await c.until(() => after(c, from).includes('not found'), 'the shell to run a mangled command');
    expect(after(c, from)).not.toContain('synched-7');
  });
});

describe('a resumed session against a real server', () => {
  it('inetutils-login: log in, detach, resume: the same shell goes on', async () => {
    const c = await loggedIn('inetutils-login', '', SUBPROTOCOLS);
    const connected = await c.waitForFrame('state', (f) => f.state === 'connected');
    const credential = connected.state === 'connected' ? connected.resume?.credential : undefined;
    expect(credential).toBeDefined();
    const pidOf = (text: string) => /shell-pid-(\d+)/.exec(text)?.[1];
    let from = c.text.length;
    c.type('echo shell-pid-$$\r');
    await c.until(() => pidOf(after(c, from)) !== undefined, 'the shell to say its pid');
    const pid = pidOf(after(c, from));
    c.ws.terminate();
    await new Promise((r) => setTimeout(r, 300));

    const back = await TerminalClient.open(app!, '/ws?target=real', { protocols: SUBPROTOCOLS });
    client = back;
    back.send({ type: 'resume', credential: credential! });
    await back.waitForFrame('screen');
    await back.waitForFrame('notice', (f) => f.notice.kind === 'resumed');
    from = back.text.length;
    back.type('echo shell-pid-$$\r');
    await back.until(() => pidOf(after(back, from)) !== undefined, 'the shell to say its pid again');
    expect(pidOf(after(back, from))).toBe(pid);
    await runCommand(back, 'echo resumed-$((20+22))', 'resumed-42');
  });
});
