/**
 * SUPDUP through the gateway (RFC 734, RFC 736): a `protocol: supdup` target speaks it from the first byte, a
 * Telnet target switches to it when the host offers WILL SUPDUP. Either way the page gets ANSI that draws
 * the host's screen, and what the user types reaches the host as SUPDUP characters.
 */
import { type AddressInfo, createServer, type Socket, connect as tcpConnect } from 'node:net';
import { AUTO_LOGIN_NOTICE, SUBPROTOCOLS } from '@telgate/protocol';
import { buildTtyopt } from '@telgate/supdup';
import {
  SUPDUP_DEMO_CURSOR,
  type SupdupHost,
  type SupdupSession,
  startSupdupHost,
  supdupDemoScreen,
} from '@telgate/test-peers';
import xtermHeadless from '@xterm/headless';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, LogCapture } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';
import { createTelnetRelay } from './index.js';
import { SUPDUP_RESIZE_WARNING } from './supdup-link.js';

const { Terminal } = xtermHeadless;

/** A whole session (login, full-screen page, logout) on a loaded machine. */
const SESSION_TEST_MS = 15_000;
const COLS = 80;
const ROWS = 24;
const IAC = 255;
const WILL = 251;
const DO = 253;
const SUPDUP = 21;

let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await app?.close();
  app = undefined;
});

async function supdupHost(): Promise<SupdupHost> {
  const host = await startSupdupHost();
  cleanups.push(() => host.stop());
  return host;
}

/**
 * A Telnet front for the SUPDUP host: offers WILL SUPDUP and, once the client answers DO SUPDUP, joins
 * the connection to the SUPDUP host (RFC 736: from then on there is no Telnet).
 */
async function telnetFront(port: number): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    sockets.push(client);
    client.on('error', () => {});
    let pending = Buffer.alloc(0);
    let upstream: Socket | undefined;
    client.on('data', (chunk: Buffer) => {
      if (upstream) {
        upstream.write(chunk);
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      const at = pending.indexOf(Buffer.from([IAC, DO, SUPDUP]));
      if (at < 0) return;
      const rest = pending.subarray(at + 3);
      upstream = tcpConnect(port, '127.0.0.1');
      sockets.push(upstream);
      upstream.on('error', () => client.destroy());
      upstream.pipe(client);
      upstream.on('close', () => client.end());
      client.on('close', () => upstream?.destroy());
      if (rest.length > 0) upstream.write(rest);
    });
    client.write(Uint8Array.of(IAC, WILL, SUPDUP));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

async function gateway(target: string): Promise<TerminalClient> {
  app = await buildTestApp(`listen: { host: 127.0.0.1 }\ntargets: [${target}]`, {
    onSession: createTelnetRelay(),
  });
  const client = await TerminalClient.open(app, '/ws?target=t');
  cleanups.push(() => client.close());
  client.send({ type: 'resize', cols: COLS, rows: ROWS });
  return client;
}

/** The page's terminal: every OUTPUT frame so far, drawn by xterm.js. */
async function render(client: TerminalClient): Promise<string[]> {
  const term = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  cleanups.push(() => term.dispose());
  await new Promise<void>((resolve) => term.write(client.outputBuffer, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < ROWS; y++) lines.push(buffer.getLine(buffer.baseY + y)!.translateToString(true));
  return lines;
}

/** Logs in as `name` and waits for the demo's redraw and its answer to the output reset. */
async function runDemo(client: TerminalClient, session: SupdupSession, name: string): Promise<void> {
  await client.waitForText('telgate SUPDUP test host');
  await client.waitForText('login: ');
  client.type(`${name}\r`);
  expect(await session.loginName).toBe(name);
  const report = await session.cursorReport;
  expect(report).toEqual(SUPDUP_DEMO_CURSOR);
  await client.waitForText(`reported ${report.row},${report.col}`);
  const screen = await render(client);
  const expected = supdupDemoScreen(name, report);
  expect(screen.slice(0, expected.length)).toEqual(expected);
}

function warnings(client: TerminalClient): string[] {
  return client.frames.flatMap((f) =>
    f.type === 'notice' && f.notice.kind === 'warning' ? [`${f.notice.code}: ${f.notice.message}`] : [],
  );
}

describe('a SUPDUP target', { timeout: SESSION_TEST_MS }, () => {
  it('sends the session size, draws the greeting, the prompt and the full-screen demo, and answers ORS', async () => {
    const host = await supdupHost();
    const client = await gateway(`{ id: t, host: 127.0.0.1, port: ${host.port}, protocol: supdup }`);
    const session = await host.nextSession();
    const init = await session.initialization;
    // RFC 734 and RFC 747: −8 in the count word, then TCTYP %TNSFW (7), TTYOPT, TCMXV, TCMXH (width − 1),
    // TTYROL, SMARTS, ISPEED, OSPEED, each as six 6-bit bytes (decoded by the host).
    expect(init).toEqual({
      count: 8,
      words: [7, buildTtyopt(), ROWS, COLS - 1, 1, 0, 0, 0],
      tctyp: 7,
      ttyopt: buildTtyopt(),
      tcmxv: ROWS,
      tcmxh: COLS - 1,
      ttyrol: 1,
      smarts: 0,
      ispeed: 0,
      ospeed: 0,
    });
    const notice = await client.waitForFrame('notice', (f) => f.notice.kind === 'supdup');
    expect(notice.notice).toEqual({
      kind: 'supdup',
      terminal: { cols: COLS, rows: ROWS, ttyopt: expect.arrayContaining(['%TOMVB', '%TOFCI', '%TPCBS']) },
    });
    await runDemo(client, session, 'alice');
  });

  it('encodes Meta, Control and the arrows as SUPDUP characters, and logs out with 300 301', async () => {
    const host = await supdupHost();
    const client = await gateway(`{ id: t, host: 127.0.0.1, port: ${host.port}, protocol: supdup }`);
    const session = await host.nextSession();
    await runDemo(client, session, 'bob');
    // Alt+x, Ctrl+A, Alt+Ctrl+B, Up, Delete, a literal 034.
    client.type('\x1bx\x01\x1b\x02\x1b[A\x1b[3~\x1c');
    client.send({ type: 'action', action: 'logout' });
    await session.finished;
    const keys = session.inputs.map((input) => (input.type === 'key' ? input.code : input.type));
    expect(keys).toEqual([0o400 | 0x78, 0o1, 0o400 | 0o2, 0o20, 0o177, 0o34, 'logout']);
    expect((await client.waitForFrame('logout-result')).result).toBe('accepted');
    expect((await client.closed).reason).toContain('GW_ERR_LOGGED_OUT');
  });

  it('refuses Telnet-only actions and a resize with one warning each, and keeps drawing', async () => {
    const host = await supdupHost();
    const client = await gateway(`{ id: t, host: 127.0.0.1, port: ${host.port}, protocol: supdup }`);
    const session = await host.nextSession();
    await client.waitForText('login: ');
    client.send({ type: 'action', action: 'interrupt' });
    client.send({ type: 'resize', cols: 100, rows: 30 });
    client.send({ type: 'resize', cols: 90, rows: 30 });
    await client.until(() => warnings(client).length >= 2, 'two warnings');
    expect(warnings(client)).toEqual([
      expect.stringMatching(/^GW_WARN_SUPDUP_ACTION: interrupt is a Telnet command/),
      `GW_WARN_SUPDUP_RESIZE: ${SUPDUP_RESIZE_WARNING}`,
    ]);
    client.type('carol\r');
    expect(await session.loginName).toBe('carol');
    await client.waitForText('reported 14,11');
  });
});

describe('a Telnet target that offers SUPDUP', { timeout: SESSION_TEST_MS }, () => {
  it('switches when SUPDUP is agreed and draws the same screen', async () => {
    const host = await supdupHost();
    const frontPort = await telnetFront(host.port);
    const client = await gateway(
      `{ id: t, host: 127.0.0.1, port: ${frontPort}, negotiation: passive, options: { SUPDUP: { remote: accept } } }`,
    );
    const session = await host.nextSession();
    const init = await session.initialization;
    expect({ tcmxv: init.tcmxv, tcmxh: init.tcmxh }).toEqual({ tcmxv: ROWS, tcmxh: COLS - 1 });
    await client.waitForFrame('notice', (f) => f.notice.kind === 'supdup');
    await runDemo(client, session, 'dave');
  });
});

describe('automatic sign-in on SUPDUP', { timeout: SESSION_TEST_MS }, () => {
  const autoLogin = '{ username: ann, password: "pass 034 \\u001c", timeoutMs: 8000 }';

  /** The prompts are read from what the SUPDUP engine draws; the answers go as SUPDUP characters. */
  async function signsIn(client: TerminalClient, session: SupdupSession): Promise<void> {
    expect(await session.loginName).toBe('ann');
    // 034 in the password is doubled on the wire and arrives as itself.
    expect(await session.password).toBe('pass 034 \x1c');
    const report = await session.cursorReport;
    await client.waitForText(`reported ${report.row},${report.col}`);
    const signedIn = await client.waitForFrame(
      'notice',
      (f) => f.notice.kind === 'warning' && f.notice.code === AUTO_LOGIN_NOTICE.signedIn,
    );
    expect(signedIn.notice).toMatchObject({ message: 'Signed in as ann automatically' });
    expect(client.text).not.toContain('pass 034');
    const screen = await render(client);
    const expected = supdupDemoScreen('ann', report);
    expect(screen.slice(0, expected.length)).toEqual(expected);
  }

  it('a SUPDUP target answers the login and password prompts drawn with %TD codes', async () => {
    const host = await startSupdupHost({ askPassword: true });
    cleanups.push(() => host.stop());
    const client = await gateway(
      `{ id: t, host: 127.0.0.1, port: ${host.port}, protocol: supdup, autoLogin: ${autoLogin} }`,
    );
    await signsIn(client, await host.nextSession());
  });

  it('a Telnet target that switches to SUPDUP does too', async () => {
    const host = await startSupdupHost({ askPassword: true });
    cleanups.push(() => host.stop());
    const frontPort = await telnetFront(host.port);
    const client = await gateway(
      `{ id: t, host: 127.0.0.1, port: ${frontPort}, negotiation: passive, options: { SUPDUP: { remote: accept } }, autoLogin: ${autoLogin} }`,
    );
    await signsIn(client, await host.nextSession());
  });
});

describe('a SUPDUP session that survives its socket', { timeout: SESSION_TEST_MS }, () => {
  it('tells the resumed page it speaks SUPDUP, and the typing goes on through SUPDUP', async () => {
    const host = await supdupHost();
    const logs = new LogCapture();
    app = await buildTestApp(
      `listen: { host: 127.0.0.1 }\ntargets: [{ id: t, host: 127.0.0.1, port: ${host.port}, protocol: supdup }]`,
      { onSession: createTelnetRelay(), logs },
    );
    const first = await TerminalClient.open(app, '/ws?target=t', { protocols: [...SUBPROTOCOLS] });
    cleanups.push(() => first.close());
    first.send({ type: 'resize', cols: COLS, rows: ROWS });
    const connected = await first.waitForFrame('state', (f) => f.state === 'connected');
    const credential = connected.state === 'connected' ? connected.resume!.credential : '';
    const session = await host.nextSession();
    await first.waitForText('login: ');
    first.ws.terminate();
    await eventually(() => logs.text.includes('session detached'));

    const second = await TerminalClient.open(app, '/ws?target=t', { protocols: [...SUBPROTOCOLS] });
    cleanups.push(() => second.close());
    second.send({ type: 'resume', credential });
    await second.waitForFrame('screen');
    expect((await second.waitForFrame('notice', (f) => f.notice.kind === 'supdup')).notice).toMatchObject({
      terminal: { cols: COLS, rows: ROWS },
    });
    second.type('\x1bxerin\r');
    expect(await session.loginName).toBe('erin');
    await second.waitForText('SUPDUP demo for erin');
  });
});
