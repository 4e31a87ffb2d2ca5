/**
 * Automatic sign-in through the gateway to real inetutils telnetd with /bin/login on loopback: the page
 * lands at a shell, and the password is in no frame to the browser and in no log line.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTO_LOGIN_NOTICE } from '@telgate/protocol';
import {
  ensureTestUser,
  SHELL_PROMPT,
  startTelnetServer,
  TEST_PASSWORD,
  TEST_USER,
  type TelnetServer,
} from '@telgate/test-peers';

type LoginServer = 'busybox-login' | 'inetutils-login' | 'netkit-login';

import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../observability/logging.js';
import { buildTestApp, LogCapture } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';
import { createTelnetRelay } from './index.js';

// /bin/login takes a while, and seconds more to refuse a wrong password.
vi.setConfig({ testTimeout: 40_000 });

let dir: string;
let app: FastifyInstance | undefined;
let server: TelnetServer | undefined;
let client: TerminalClient | undefined;

beforeAll(async () => {
  await ensureTestUser();
  dir = await mkdtemp(join(tmpdir(), 'telgate-autologin-real-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  client?.close();
  await app?.close();
  await server?.stop();
  app = undefined;
  server = undefined;
  client = undefined;
});

/** A session to real inetutils /bin/login that signs in with `password`; every frame is kept raw. */
async function open(password: string, logs: LogCapture, kind: LoginServer = 'inetutils-login') {
  server = await startTelnetServer(kind);
  const file = join(dir, 'password');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets:
  - id: real
    host: 127.0.0.1
    port: ${server.port}
    negotiation: active
    autoLogin: { username: ${TEST_USER}, passwordFile: "${file}", timeoutMs: 20000 }
`,
    { onSession: createTelnetRelay(), logger: createLogger('trace', logs.stream) },
  );
  const c = await TerminalClient.open(app, '/ws?target=real');
  client = c;
  const raw = c.rawFrames;
  c.send({ type: 'resize', cols: 80, rows: 24 });
  return { c, raw };
}

describe('automatic sign-in to real inetutils telnetd with /bin/login', () => {
  it('lands at the shell without typing; the password is in no frame and no log line', async () => {
    const logs = new LogCapture();
    const { c, raw } = await open(TEST_PASSWORD, logs);
    const notice = await c.waitForFrame(
      'notice',
      (f) => f.notice.kind === 'warning' && f.notice.code === AUTO_LOGIN_NOTICE.signedIn,
      20_000,
    );
    expect(notice.notice).toMatchObject({ message: `Signed in as ${TEST_USER} automatically` });
    expect(c.text).toContain(SHELL_PROMPT);
    const from = c.text.length;
    c.type('echo ran-$((6*7))\r');
    await c.until(() => c.text.slice(from).includes('ran-42'), 'the command output');
    const metrics = (await app!.inject('/metrics')).body;
    c.close();
    await app?.close();

    // Every frame as it crossed the socket, TRACE frames included; and every log line, at trace level.
    expect(c.frames.some((f) => f.type === 'trace' && f.direction === 'out')).toBe(true);
    expect(raw.length).toBe(c.frames.length);
    expect(Buffer.concat(raw).includes(TEST_PASSWORD)).toBe(false);
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.text).toContain('automatic sign-in succeeded');
    expect(logs.text).not.toContain(TEST_PASSWORD);
    expect(metrics).toContain('telgate_auto_logins_total{outcome="signed_in"} 1');
    expect(metrics).not.toContain(TEST_PASSWORD);
  });

  it('a wrong password is tried once: the user is told, and the next login prompt is theirs', async () => {
    const logs = new LogCapture();
    const wrong = `${TEST_PASSWORD}-wrong`;
    const { c, raw } = await open(wrong, logs);
    const notice = await c.waitForFrame(
      'notice',
      (f) => f.notice.kind === 'warning' && f.notice.code === AUTO_LOGIN_NOTICE.failed,
      20_000,
    );
    expect(notice.notice).toMatchObject({
      message: 'Automatic sign-in failed: the host refused the username or password',
    });
    // The user signs in by hand at the prompt the gateway left alone. The first attempt's
    // "Password: " is on screen already: wait for the one this username brings.
    await c.until(() => /login: $/.test(c.text), 'the login prompt left to the user', 15_000);
    const from = c.text.length;
    c.type(`${TEST_USER}\r`);
    await c.until(() => c.text.slice(from).includes('Password: '), 'the password prompt', 15_000);
    c.type(`${TEST_PASSWORD}\r`);
    await c.waitForText(SHELL_PROMPT, 15_000);
    expect(c.text.match(/Login incorrect/g)).toHaveLength(1);
    expect(Buffer.concat(raw).includes(wrong)).toBe(false);
    expect(logs.text).not.toContain(wrong);
  });
});

describe.each(['busybox-login', 'netkit-login'] as const)('automatic sign-in to real %s', (kind) => {
  it('lands at the shell without typing', async () => {
    const logs = new LogCapture();
    const { c, raw } = await open(TEST_PASSWORD, logs, kind);
    await c.waitForFrame(
      'notice',
      (f) => f.notice.kind === 'warning' && f.notice.code === AUTO_LOGIN_NOTICE.signedIn,
      20_000,
    );
    const from = c.text.length;
    c.type('echo ran-$((6*7))\r');
    await c.until(() => c.text.slice(from).includes('ran-42'), 'the command output');
    expect(Buffer.concat(raw).includes(TEST_PASSWORD)).toBe(false);
    expect(logs.text).not.toContain(TEST_PASSWORD);
  });
});
