import { AUTO_LOGIN_NOTICE, type Notice } from '@telgate/protocol';
import { Cmd, Opt } from '@telgate/telnet-core';
import { type ScriptedConnection, startScriptedHost } from '@telgate/test-peers';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mintToken } from '../auth/token.js';
import { parseConfig } from '../config/load.js';
import { Secret } from '../config/secret.js';
import { createLogger } from '../observability/logging.js';
import { bytes } from '../testing/bytes.js';
import { buildTestApp, LogCapture } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';
import {
  AutoLogin,
  type AutoLoginOutcome,
  DEFAULT_SETTLE_MS,
  isTerminalReport,
  lineBytes,
  visibleText,
} from './auto-login.js';
import { createTelnetRelay } from './index.js';

const IAC = Cmd.IAC;
const PASSWORD = 'pw-5b7e1-scripted';
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await app?.close();
  app = undefined;
});

interface Setup {
  readonly autoLogin?: string;
  readonly protocol?: 'telnet' | 'raw';
  readonly auth?: string;
  readonly path?: string;
  readonly logs?: LogCapture;
}

/** A gateway with one target, `t`, signing in with alice's password unless told otherwise. */
async function gateway(port: number, setup: Setup = {}): Promise<TerminalClient> {
  const yaml = `
listen: { host: 127.0.0.1 }
targets:
  - id: t
    host: 127.0.0.1
    port: ${port}
    protocol: ${setup.protocol ?? 'telnet'}
    autoLogin: ${setup.autoLogin ?? `{ username: alice, password: "${PASSWORD}", timeoutMs: 5000 }`}
${setup.auth ?? ''}
`;
  app = await buildTestApp(yaml, {
    onSession: createTelnetRelay(),
    ...(setup.logs && { logger: createLogger('trace', setup.logs.stream) }),
  });
  const client = await TerminalClient.open(app, setup.path ?? '/ws?target=t');
  cleanups.push(() => client.close());
  return client;
}

async function scripted(script: (conn: ScriptedConnection) => Promise<void>) {
  const host = await startScriptedHost(script);
  cleanups.push(() => host.stop());
  return host;
}

function autoLoginNotices(client: TerminalClient): Notice[] {
  return client.frames.flatMap((f) =>
    f.type === 'notice' && f.notice.kind === 'warning' && f.notice.code.includes('AUTO_LOGIN')
      ? [f.notice]
      : [],
  );
}

async function noticeOf(client: TerminalClient, code: string): Promise<string> {
  const frame = await client.waitForFrame(
    'notice',
    (f) => f.notice.kind === 'warning' && f.notice.code === code,
  );
  return frame.notice.kind === 'warning' ? frame.notice.message : '';
}

/** Types a marker line and returns what the host received before it: what the gateway sent on its own. */
async function sentBefore(
  client: TerminalClient,
  conn: ScriptedConnection,
  marker = 'mark',
): Promise<string> {
  client.type(`${marker}\r`);
  const upTo = await conn.expect(`${marker}\r\n`);
  return upTo.subarray(0, upTo.length - marker.length - 2).toString('latin1');
}

/** Only the bytes typed (Telnet negotiation taken out). */
const typed = (text: string) => text.replace(/\xff[\xfb-\xfe]./gs, '').replace(/\xff\xfa.*?\xff\xf0/gs, '');

describe('visibleText', () => {
  it('removes escape sequences and control characters, keeping line breaks', () => {
    expect(visibleText('\x1b[1;32mlog\x1b[0min:\x1b]0;title\x07 \x1b(B\x07\r\n$ ')).toBe('login: \n$ ');
  });
});

describe('isTerminalReport', () => {
  it('tells the terminal answering a query from the user typing', () => {
    const report = (text: string) => isTerminalReport(Buffer.from(text, 'latin1'));
    expect(report('\x1b[24;80R')).toBe(true);
    expect(report('\x1b[?1;2c\x1b[>0;276;0c')).toBe(true);
    expect(report('\x1b]11;rgb:0000/0000/0000\x1b\\')).toBe(true);
    expect(report('\x1b[I')).toBe(true);
    expect(report('\x1b[A')).toBe(false); // an arrow key
    expect(report('\x1b')).toBe(false); // Esc
    expect(report('\x1b[24;80Rx')).toBe(false);
    expect(report('q')).toBe(false);
    expect(report('')).toBe(false);
  });
});

describe('lineBytes', () => {
  it('ends a line as the target says', () => {
    expect([...lineBytes(Buffer.from('ab'), 'crlf')]).toEqual([0x61, 0x62, 0x0d, 0x0a]);
    expect([...lineBytes(Buffer.from('ab'), 'crnul')]).toEqual([0x61, 0x62, 0x0d, 0x00]);
    expect([...lineBytes(Buffer.from('ab'), 'lf')]).toEqual([0x61, 0x62, 0x0a]);
  });
});

describe('AutoLogin, fed host output in any chunks', () => {
  const config = parseConfig(
    'targets: [{ id: t, host: h.example, port: 23, autoLogin: { username: a, password: b } }]',
  ).targets[0]!.autoLogin!;

  /** `text` cut at the given offsets. */
  const cut = (text: string, at: number[]) => {
    const points = [...new Set(at.map((n) => n % (text.length + 1)))].sort((x, y) => x - y);
    return [0, ...points].map((from, i) => text.slice(from, points[i] ?? text.length)).filter(Boolean);
  };

  /** Runs a host transcript, one part per step, each cut anywhere; what was typed, and the outcome. */
  function run(parts: string[][]) {
    const typedLines: string[] = [];
    const outcomes: AutoLoginOutcome[] = [];
    const login = new AutoLogin({
      config,
      credentials: { username: 'alice', password: new Secret(PASSWORD) },
      decode: (b) => b,
      sendLine: (text) => typedLines.push(text),
      report: (outcome) => outcomes.push(outcome),
    });
    for (const chunks of parts) {
      for (const chunk of chunks) {
        login.hostBytes(Buffer.from(chunk, 'utf8'));
        vi.advanceTimersByTime(DEFAULT_SETTLE_MS / 2);
      }
      vi.advanceTimersByTime(DEFAULT_SETTLE_MS);
    }
    login.dispose();
    return { typedLines, outcomes };
  }

  const offsets = fc.array(fc.nat(200), { maxLength: 8 });

  it('answers each prompt once, escape sequences and splits notwithstanding', () => {
    vi.useFakeTimers();
    try {
      fc.assert(
        fc.property(offsets, offsets, offsets, (a, b, c) => {
          const { typedLines, outcomes } = run([
            cut('Debian GNU/Linux 12\r\n\x1b[1mhost login:\x1b[0m ', a),
            cut('alice\r\n\x1b]0;title\x07Password: ', b),
            cut('\r\nLast login: Mon\r\n\x1b[32malice@host\x1b[0m:~$ ', c),
          ]);
          expect(typedLines).toEqual(['alice', PASSWORD]);
          expect(outcomes).toEqual([{ ok: true, username: 'alice' }]);
        }),
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops at a refusal however it arrives, and never answers again', () => {
    vi.useFakeTimers();
    try {
      fc.assert(
        fc.property(offsets, (a) => {
          const { typedLines, outcomes } = run([
            ['login: '],
            ['Password: '],
            cut('\r\nLogin incorrect\r\nlogin: ', a),
            ['Password: '],
            ['login: '],
          ]);
          expect(typedLines).toEqual(['alice', PASSWORD]);
          expect(outcomes).toEqual([
            { ok: false, username: 'alice', reason: 'the host refused the username or password' },
          ]);
        }),
      );
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('automatic sign-in against a scripted host', () => {
  it('answers prompts split across chunks and drawn with escape sequences, each once', async () => {
    let afterPassword = '';
    const host = await scripted(async (conn) => {
      await conn.write(bytes(IAC, Cmd.WILL, Opt.ECHO, IAC, Cmd.WILL, Opt.SGA, 'Welcome to the host\r\nlog'));
      await new Promise((r) => setTimeout(r, 150));
      await conn.write('\x1b[1mi');
      await conn.write('n\x1b[0m: ');
      await conn.expect('alice\r\n');
      await conn.write('\x1b[33mPass');
      await conn.write('word:\x1b[0m ');
      await conn.expect(`${PASSWORD}\r\n`);
      await conn.write('\r\nLast login: yesterday\r\nalice@host:~$ ');
      afterPassword = (await conn.expect('mark\r\n')).toString('latin1');
    });
    const client = await gateway(host.port);
    expect(await noticeOf(client, AUTO_LOGIN_NOTICE.signedIn)).toBe('Signed in as alice automatically');
    client.type('mark\r');
    await host.settled();
    expect(afterPassword).toBe('mark\r\n');
    expect(typed(host.connections[0]!.received.toString('latin1'))).toBe(`alice\r\n${PASSWORD}\r\nmark\r\n`);
    expect(autoLoginNotices(client)).toHaveLength(1);
  });

  it('stops at the first refusal: a second login prompt is not answered', async () => {
    const host = await scripted(async (conn) => {
      await conn.write('login: ');
      await conn.expect('alice\r\n');
      await conn.write('Password: ');
      await conn.expect(`${PASSWORD}\r\n`);
      await conn.write('\r\nLogin incorrect\r\nlogin: ');
      await noticeOf(client, AUTO_LOGIN_NOTICE.failed);
      expect(typed(await sentBefore(client, conn))).toBe('');
    });
    const client = await gateway(host.port);
    expect(await noticeOf(client, AUTO_LOGIN_NOTICE.failed)).toBe(
      'Automatic sign-in failed: the host refused the username or password',
    );
    await host.settled();
    expect(typed(host.connections[0]!.received.toString('latin1'))).toBe(`alice\r\n${PASSWORD}\r\nmark\r\n`);
    expect(autoLoginNotices(client)).toHaveLength(1);
  });

  it('does not send the username twice when the host asks for it again', async () => {
    const host = await scripted(async (conn) => {
      await conn.write('login: ');
      await conn.expect('alice\r\n');
      await conn.write('\r\nlogin: ');
      await noticeOf(client, AUTO_LOGIN_NOTICE.failed);
      expect(typed(await sentBefore(client, conn))).toBe('');
    });
    const client = await gateway(host.port);
    expect(await noticeOf(client, AUTO_LOGIN_NOTICE.failed)).toBe(
      'Automatic sign-in failed: the host asked for the username again',
    );
    await host.settled();
  });

  it('gives up after timeoutMs when no prompt comes, and sends nothing', async () => {
    const host = await scripted(async (conn) => {
      await conn.write('Welcome. Press Enter to continue\r\n');
      await conn.closed;
    });
    const client = await gateway(host.port, {
      autoLogin: `{ username: alice, password: "${PASSWORD}", timeoutMs: 500 }`,
    });
    expect(await noticeOf(client, AUTO_LOGIN_NOTICE.failed)).toBe(
      'Automatic sign-in failed: no login prompt within 0.5 s of connecting',
    );
    const conn = host.connections[0]!;
    expect(typed(await sentBefore(client, conn))).toBe('');
  });

  it.each([
    ['a password prompt', 'no password prompt within 0.5 s of connecting', false],
    ['a shell prompt', 'the password was sent, but no shell prompt came within 0.5 s of connecting', true],
  ])('gives up when %s does not come in time', async (_what, reason, askPassword) => {
    const host = await scripted(async (conn) => {
      await conn.write('login: ');
      await conn.expect('alice\r\n');
      if (askPassword) {
        await conn.write('Password: ');
        await conn.expect(`${PASSWORD}\r\n`);
        await conn.write('\r\nPlease wait...\r\n');
      }
      await conn.closed;
    });
    const client = await gateway(host.port, {
      autoLogin: `{ username: alice, password: "${PASSWORD}", timeoutMs: 500 }`,
    });
    expect(await noticeOf(client, AUTO_LOGIN_NOTICE.failed)).toBe(`Automatic sign-in failed: ${reason}`);
    expect(typed(await sentBefore(client, host.connections[0]!))).toBe('');
  });

  it('stops as soon as the user types: later prompts are theirs to answer', async () => {
    const host = await scripted(async (conn) => {
      await conn.write('Choose a system: ');
      await conn.expect('2');
      await conn.write('\r\nlogin: ');
      // Longer than a prompt waits before it is answered (DEFAULT_SETTLE_MS), had the user not typed.
      await new Promise((r) => setTimeout(r, 4 * DEFAULT_SETTLE_MS));
      expect(typed(await sentBefore(client, conn))).toBe('');
    });
    const client = await gateway(host.port);
    await client.waitForText('Choose a system: ');
    client.type('2');
    await client.waitForText('login: ');
    await host.settled();
    expect(autoLoginNotices(client)).toEqual([]);
  });

  it('goes on when the terminal answers a query of the host by itself', async () => {
    const host = await scripted(async (conn) => {
      await conn.write('\x1b[6n');
      await conn.expect('\x1b[24;80R');
      await conn.write('\r\nlogin: ');
      await conn.expect('alice\r\n');
      await conn.write('Password: ');
      await conn.expect(`${PASSWORD}\r\n`);
      await conn.write('$ ');
    });
    const client = await gateway(host.port);
    await client.waitForText('\x1b[6n');
    client.type('\x1b[24;80R');
    expect(await noticeOf(client, AUTO_LOGIN_NOTICE.signedIn)).toBe('Signed in as alice automatically');
    await host.settled();
  });

  it('stops when the user asks for an action', async () => {
    const host = await scripted(async (conn) => {
      await conn.write('Press Break for the menu\r\n');
      await conn.expect(Buffer.of(IAC, Cmd.BRK));
      await conn.write('login: ');
      await new Promise((r) => setTimeout(r, 4 * DEFAULT_SETTLE_MS));
      expect(typed(await sentBefore(client, conn))).toBe('');
    });
    const client = await gateway(host.port);
    await client.waitForText('Press Break');
    client.send({ type: 'action', action: 'break' });
    await host.settled();
    expect(autoLoginNotices(client)).toEqual([]);
  });

  it('signs in over plain TCP (protocol raw) with the end of line of the target', async () => {
    const host = await scripted(async (conn) => {
      await conn.write('Username: ');
      await conn.expect('alice\r\n');
      await conn.write('Password: ');
      await conn.expect(`${PASSWORD}\r\n`);
      await conn.write('router> ');
    });
    const client = await gateway(host.port, { protocol: 'raw' });
    expect(await noticeOf(client, AUTO_LOGIN_NOTICE.signedIn)).toBe('Signed in as alice automatically');
    await host.settled();
  });

  it('never puts the password in a frame to the browser, nor in a log line at trace level', async () => {
    const host = await scripted(async (conn) => {
      await conn.write(bytes(IAC, Cmd.DO, Opt.NAWS, IAC, Cmd.WILL, Opt.ECHO, 'login: '));
      await conn.expect('alice\r\n');
      await conn.write('Password: ');
      await conn.expect(`${PASSWORD}\r\n`);
      await conn.write('\r\n$ ');
      await conn.expect('exit\r\n');
    });
    const logs = new LogCapture();
    const client = await gateway(host.port, { logs });
    await noticeOf(client, AUTO_LOGIN_NOTICE.signedIn);
    client.type('exit\r');
    await host.settled();
    const metrics = (await app!.inject('/metrics')).body;
    client.close();
    await app?.close();
    expect(metrics).toContain('telgate_auto_logins_total{outcome="signed_in"} 1');
    expect(metrics).not.toContain(PASSWORD);
    expect(client.frames.some((f) => f.type === 'trace')).toBe(true);
    expect(client.rawFrames.length).toBe(client.frames.length);
    expect(Buffer.concat(client.rawFrames).includes(PASSWORD)).toBe(false);
    expect(logs.text).toContain('automatic sign-in succeeded');
    expect(logs.text).not.toContain(PASSWORD);
  });
});

describe('automatic sign-in with credentials from the token', () => {
  const tokenAuth = `security: { auth: { mode: token, hs256Secret: "${SECRET}" } }`;
  const token = (login?: { username: string; password: string }) =>
    mintToken({ hs256Secret: SECRET, target: 't', user: 'portal-user', ...(login && { login }) });

  async function signIn(autoLogin: string, login?: { username: string; password: string }) {
    let sent = '';
    const host = await scripted(async (conn) => {
      await conn.write('login: ');
      sent = (await conn.readUntil((unread) => unread.includes('\r\n'))).toString('latin1');
      await conn.write('Password: ');
      sent += (await conn.readUntil((unread) => unread.includes('\r\n'))).toString('latin1');
      await conn.write('$ ');
    });
    const logs = new LogCapture();
    const client = await gateway(host.port, {
      autoLogin,
      auth: tokenAuth,
      path: `/ws?target=t&token=${await token(login)}`,
      logs,
    });
    const message = await noticeOf(client, AUTO_LOGIN_NOTICE.signedIn);
    await host.settled();
    return { sent: typed(sent), message, logs };
  }

  it('uses the claim on a target that takes credentials from tokens', async () => {
    const { sent, message, logs } = await signIn(
      `{ fromToken: true, username: alice, password: "${PASSWORD}" }`,
      { username: 'bob', password: 'pw-from-token-9d' },
    );
    expect(sent).toBe('bob\r\npw-from-token-9d\r\n');
    expect(message).toBe('Signed in as bob automatically');
    expect(logs.text).not.toContain('pw-from-token-9d');
  });

  it('falls back to the target’s own credentials when the token brings none', async () => {
    const { sent } = await signIn(`{ fromToken: true, username: alice, password: "${PASSWORD}" }`);
    expect(sent).toBe(`alice\r\n${PASSWORD}\r\n`);
  });

  it('ignores the claim on a target that does not take credentials from tokens', async () => {
    const { sent, logs } = await signIn(`{ username: alice, password: "${PASSWORD}" }`, {
      username: 'mallory',
      password: 'pw-not-used-3c',
    });
    expect(sent).toBe(`alice\r\n${PASSWORD}\r\n`);
    expect(logs.text).toContain('this target does not take them from tokens');
  });
});
