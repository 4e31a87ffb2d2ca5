import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { closeCodeFor, decodeServerFrame } from '@telgate/protocol';
import { Cmd, Opt } from '@telgate/telnet-core';
import { type ScriptedConnection, startReplayHost, startScriptedHost } from '@telgate/test-peers';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createLogger } from '../observability/logging.js';
import { bytes } from '../testing/bytes.js';
import { buildTestApp, LogCapture } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';
import { createTelnetRelay, type RelayTimings } from './index.js';

const IAC = Cmd.IAC;
let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await app?.close();
  app = undefined;
});

interface TargetOptions {
  charset?: string;
  negotiation?: 'active' | 'passive';
  protocol?: 'telnet' | 'raw';
  interruptFlush?: string;
  extra?: string;
  limits?: string;
  /** The WebSocket's query, after `/ws?target=t`. */
  query?: string;
}

async function gateway(port: number, target: TargetOptions = {}, timings: Partial<RelayTimings> = {}) {
  const yaml = `
listen: { host: 127.0.0.1 }
targets:
  - id: t
    label: Test host
    host: 127.0.0.1
    port: ${port}
    charset: ${target.charset ?? 'UTF-8'}
    negotiation: ${target.negotiation ?? 'passive'}
    protocol: ${target.protocol ?? 'telnet'}
    interruptFlush: ${target.interruptFlush ?? 'timing-mark'}
    ${target.extra ?? ''}
${target.limits ?? ''}
`;
  app = await buildTestApp(yaml, { onSession: createTelnetRelay(timings) });
  const client = await TerminalClient.open(app, `/ws?target=t${target.query ?? ''}`);
  cleanups.push(() => client.close());
  return client;
}

async function scripted(script: (conn: ScriptedConnection) => Promise<void>) {
  const host = await startScriptedHost(script);
  cleanups.push(() => host.stop());
  return host;
}

describe('relay: a session end to end', () => {
  it('reports connecting then connected, relays output, negotiation and typed input', async () => {
    let got: Buffer | undefined;
    const host = await scripted(async (conn) => {
      conn.write(bytes(IAC, Cmd.WILL, Opt.ECHO, IAC, Cmd.WILL, Opt.SGA, 'login: '));
      got = await conn.expect(Buffer.from('root\r\n'));
    });
    const client = await gateway(host.port);
    await client.waitForText('login: ');
    const states = client.frames.filter((f) => f.type === 'state').map((f) => (f as { state: string }).state);
    expect(states).toEqual(['connecting', 'connected']);
    await client.waitForFrame('option', (f) => f.option === Opt.ECHO && f.side === 'remote' && f.enabled);
    await client.waitForFrame('trace', (f) => f.direction === 'in' && f.bytes[1] === Cmd.WILL);
    await client.waitForFrame('settings', (f) => f.settings.remoteEcho);
    client.type('root\r');
    await host.settled();
    expect(got).toBeDefined();
    expect(client.text).not.toContain('\ufffd');
  });

  it('sends NAWS after the host says DO NAWS, and on resize', async () => {
    const sizes: string[] = [];
    const host = await scripted(async (conn) => {
      conn.write(bytes(IAC, Cmd.DO, Opt.NAWS));
      await conn.expect(bytes(IAC, Cmd.SB, Opt.NAWS, 0, 80, 0, 24, IAC, Cmd.SE));
      sizes.push('80x24');
      conn.write(bytes('ready'));
      await conn.expect(bytes(IAC, Cmd.SB, Opt.NAWS, 0, 132, 0, 50, IAC, Cmd.SE));
      sizes.push('132x50');
    });
    const client = await gateway(host.port);
    client.send({ type: 'resize', cols: 80, rows: 24 });
    await client.waitForText('ready');
    client.send({ type: 'resize', cols: 100, rows: 30 });
    client.send({ type: 'resize', cols: 132, rows: 50 });
    await host.settled();
    expect(sizes).toEqual(['80x24', '132x50']);
  });

  it('renders a CP437 host as Unicode and sends typed text in CP437', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes(0xc9, 0xcd, 0xbb, ' ', 0xb3, 'BBS', 0xb3, ' ', 0x82, '\r\n'));
      await conn.expect(bytes(0x82, 0x9c));
    });
    const client = await gateway(host.port, { charset: 'CP437' });
    await client.waitForText('╔═╗ │BBS│ é');
    client.type('é£');
    await host.settled();
  });

  it('switches the charset mid-session when the user asks, for output and input alike', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes('one ', 0xc3, 0xa9, '\r\n'));
      await conn.expect(bytes('go'));
      conn.write(bytes('two ', 0x82, 0x01, '\r\n'));
      await conn.expect(bytes(0x9c));
    });
    const client = await gateway(host.port);
    await client.waitForText('one é');
    client.send({ type: 'settings', settings: { charset: 'CP437-glyphs' } });
    await client.waitForFrame('settings', (f) => f.settings.charset === 'CP437-glyphs');
    client.type('go');
    await client.waitForText('two é☺');
    client.type('£');
    await host.settled();
  });

  it('keeps the charset, with a warning, when the user asks for one the gateway does not know', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes('go'));
      conn.write(bytes('still ', 0xc3, 0xa9, '\r\n'));
      await conn.expect(bytes('ok'));
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'settings', settings: { charset: 'EBCDIC-NOPE' } });
    const notice = await client.waitForFrame(
      'notice',
      (f) => f.notice.kind === 'warning' && f.notice.code === 'GW_WARN_BAD_CHARSET',
    );
    expect(notice.notice).toMatchObject({ message: expect.stringContaining('stays UTF-8') });
    await client.waitForFrame('settings', (f) => f.settings.charset === 'UTF-8');
    client.type('go');
    await client.waitForText('still é');
    client.type('ok');
    await host.settled();
  });

  it('starts with the charset the page asks for on connect, and refuses one it does not know', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes(0xf0, 0xd2, 0xc9, '\r\n'));
      await conn.expect(bytes('ok'));
    });
    const client = await gateway(host.port, { query: '&charset=KOI8-R' });
    await client.waitForText('При');
    await client.waitForFrame('settings', (f) => f.settings.charset === 'KOI8-R');
    client.type('ok');
    await host.settled();

    const refused = await TerminalClient.open(app!, '/ws?target=t&charset=NOPE-1');
    cleanups.push(() => refused.close());
    const closed = await refused.waitForFrame('state', (f) => f.state === 'closed');
    expect(closed).toMatchObject({ code: 'GW_ERR_BAD_CHARSET', reason: expect.stringContaining('"NOPE-1"') });
    expect((await refused.closed).code).toBe(closeCodeFor('GW_ERR_BAD_CHARSET'));
  });

  it('renders a Latin-1 host as Unicode', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes('caf', 0xe9, ' ', 0xfc, 'ber ', 0xa9));
      await conn.expect(bytes('ok'));
    });
    const client = await gateway(host.port, { charset: 'ISO-8859-1' });
    await client.waitForText('café über ©');
    client.type('ok');
    await host.settled();
  });

  it('maps Backspace to BS when the target says so', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes('a', 0x08));
    });
    const client = await gateway(host.port, { extra: 'backspace: bs' });
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.type('a\x7f');
    await host.settled();
  });

  it('passes bytes untouched to a raw TCP target', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes(IAC, Cmd.DO, Opt.NAWS, 'raw'));
      await conn.expect(bytes(IAC, 'x\r'));
    });
    const client = await gateway(host.port, { protocol: 'raw' });
    await client.waitForText('raw');
    expect(client.outputBuffer.subarray(0, 3)).toEqual(bytes(IAC, Cmd.DO, Opt.NAWS));
    client.send({ type: 'input', data: bytes(IAC, 'x\r') });
    await host.settled();
  });
});

describe('relay: a host that stays silent', () => {
  it('tells the user when the host has sent nothing since the connection opened', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(Buffer.from('\r\n'));
      conn.write(bytes('login: '));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port, {}, { silentHostNoticeMs: 200 });
    const notice = await client.waitForFrame(
      'notice',
      (f) => f.notice.kind === 'warning' && f.notice.code === 'GW_WARN_HOST_SILENT',
    );
    expect(notice.notice).toMatchObject({ message: expect.stringContaining('press Enter') });
    client.type('\r');
    await client.waitForText('login: ');
  });

  it('says nothing when the host speaks first', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes('login: '));
      await new Promise((resolve) => setTimeout(resolve, 600));
      conn.write(bytes('still here'));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port, {}, { silentHostNoticeMs: 200 });
    await client.waitForText('still here');
    expect(client.frames.filter((f) => f.type === 'notice')).toEqual([]);
  });
});

describe('relay: what an operator reads in the log', () => {
  it('writes one line when a session starts and one when it ends, with its outcome and byte counts', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes('login: '));
      await conn.expect(Buffer.from('root\r\n'));
    });
    const logs = new LogCapture();
    app = await buildTestApp(
      `targets: [{ id: t, label: T, host: 127.0.0.1, port: ${host.port}, negotiation: passive }]`,
      { onSession: createTelnetRelay(), logger: createLogger('info', logs.stream) },
    );
    const client = await TerminalClient.open(app, '/ws?target=t');
    await client.waitForText('login: ');
    client.type('root\r');
    await host.settled();
    client.close();
    await client.closed;
    await vi.waitFor(() => expect(logs.text).toContain('session ended'), { timeout: 5000 });
    const records = logs.records.filter((r) => !String(r.msg).startsWith('Server listening'));
    expect(records.map((r) => r.msg)).toEqual(['session started', 'session ended']);
    expect(records[1]).toMatchObject({
      outcome: 'client_closed',
      detail: 'the browser closed the session',
      bytesFromHost: 7,
      bytesToHost: 6,
    });
  });
});

describe('relay: connection errors reach the user with their close code', () => {
  it('a client that does not speak telgate.v1 → GW_ERR_BAD_FRAME', async () => {
    const host = await scripted(async () => {});
    app = await buildTestApp(
      `
listen: { host: 127.0.0.1 }
targets: [{ id: t, host: 127.0.0.1, port: ${host.port} }]
`,
      { onSession: createTelnetRelay() },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?target=t`);
    const code = await new Promise<number>((resolve) => ws.once('close', (c: number) => resolve(c)));
    expect(code).toBe(closeCodeFor('GW_ERR_BAD_FRAME'));
  });

  it('host refusing the connection → GW_ERR_HOST_REFUSED', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = await gateway(port);
    const closed = await client.closed;
    expect(closed.code).toBe(closeCodeFor('GW_ERR_HOST_REFUSED'));
    const state = await client.waitForFrame('state', (f) => f.state === 'closed');
    expect(state).toMatchObject({ state: 'closed', code: 'GW_ERR_HOST_REFUSED' });
  });

  it('host closing mid-session → GW_ERR_HOST_CLOSED', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes('bye\r\n'));
      conn.end();
    });
    const client = await gateway(host.port);
    await client.waitForText('bye');
    expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_HOST_CLOSED'));
  });

  it('no traffic for the idle timeout → GW_ERR_IDLE_TIMEOUT', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes('hello'));
      await conn.read(1, 5000).catch(() => undefined);
    });
    const client = await gateway(host.port, { extra: 'idleTimeoutSeconds: 1' });
    await client.waitForText('hello');
    expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_IDLE_TIMEOUT'));
  });

  it('traffic keeps a session past its idle timeout', async () => {
    const host = await scripted(async (conn) => {
      for (let k = 0; k < 6; k++) {
        conn.write(bytes(`tick ${k}\r\n`));
        await new Promise((r) => setTimeout(r, 400));
      }
      conn.write(bytes('still here'));
      await conn.read(1, 5000).catch(() => undefined);
    });
    const client = await gateway(host.port, { extra: 'idleTimeoutSeconds: 1' });
    await client.waitForText('still here');
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_IDLE_TIMEOUT'));
  });

  it('an unknown frame type from the browser → GW_ERR_BAD_FRAME, and the gateway lives on', async () => {
    const host = await scripted(async (conn) => {
      await conn.read(1, 5000).catch(() => undefined);
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.ws.send(Buffer.of(0x7e, 1, 2, 3));
    expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_BAD_FRAME'));
    expect((await app!.inject('/healthz')).statusCode).toBe(200);
  });
});

describe('relay: Logout (RFC 727)', () => {
  it('accepted: LOGOUT_RESULT accepted, then GW_ERR_LOGGED_OUT when the host closes', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.DO, Opt.LOGOUT));
      conn.write(bytes(IAC, Cmd.WILL, Opt.LOGOUT, 'logged out\r\n'));
      conn.end();
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'logout' });
    await client.waitForFrame('logout-result', (f) => f.result === 'accepted');
    expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_LOGGED_OUT'));
  });

  it('counts refused negotiations in the metrics', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.DO, Opt.LOGOUT));
      conn.write(bytes(IAC, Cmd.WONT, Opt.LOGOUT));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'logout' });
    await client.waitForFrame('logout-result', (f) => f.result === 'refused');
    const metrics = (await app!.inject('/metrics')).body;
    expect(metrics).toContain('telgate_negotiations_total{option="LOGOUT",outcome="remote-refused"} 1');
  });

  it('refused: LOGOUT_RESULT refused and the session goes on', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.DO, Opt.LOGOUT));
      conn.write(bytes(IAC, Cmd.WONT, Opt.LOGOUT));
      await conn.expect(bytes('still here'));
      conn.write(bytes('yes'));
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'logout' });
    await client.waitForFrame('logout-result', (f) => f.result === 'refused');
    client.type('still here');
    await client.waitForText('yes');
  });

  it('no answer: LOGOUT_RESULT timed-out', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.DO, Opt.LOGOUT));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port, {}, { logoutAnswerMs: 200 });
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'logout' });
    await client.waitForFrame('logout-result', (f) => f.result === 'timed-out');
  });

  it("the host's auto-logout warning reaches the user, and Stay logged in answers DONT LOGOUT", async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes(IAC, Cmd.WILL, Opt.LOGOUT));
      await conn.expect(bytes(IAC, Cmd.DONT, Opt.LOGOUT));
      conn.write(bytes('welcome back'));
    });
    const client = await gateway(host.port);
    await client.waitForFrame('notice', (f) => f.notice.kind === 'auto-logout-warning');
    client.send({ type: 'action', action: 'stay-logged-in' });
    await client.waitForText('welcome back');
  });
});

describe('relay: Interrupt and flushing', () => {
  it('sends IAC IP then DO TIMING-MARK, and drops output until the mark', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes('running...\r\n'));
      await conn.expect(bytes(IAC, Cmd.IP, IAC, Cmd.DO, Opt.TIMING_MARK));
      conn.write(bytes('stale output\r\n', IAC, Cmd.WILL, Opt.TIMING_MARK, 'prompt$ '));
    });
    const client = await gateway(host.port);
    await client.waitForText('running...');
    client.send({ type: 'action', action: 'interrupt' });
    await client.waitForText('prompt$ ');
    expect(client.text).not.toContain('stale');
  });

  it('after an unanswered timing mark, tells the user and stops discarding after interrupts', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.IP, IAC, Cmd.DO, Opt.TIMING_MARK));
      conn.write(bytes('dropped'));
      await conn.expect(bytes(IAC, Cmd.IP, IAC, Cmd.DO, Opt.TIMING_MARK), 3000);
      conn.write(bytes('kept at once'));
      await new Promise((r) => setTimeout(r, 400));
      conn.write(bytes('later'));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port, {}, { flushTimeoutMs: 200 });
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'interrupt' });
    await client.waitForFrame(
      'notice',
      (f) => f.notice.kind === 'warning' && f.notice.code === 'GW_WARN_NO_TIMING_MARK',
    );
    client.send({ type: 'action', action: 'interrupt' });
    // Had a discard started, output right after the interrupt would have been dropped.
    await client.waitForText('later');
    expect(client.text).toContain('kept at once');
    expect(client.text).not.toContain('dropped');
  });

  it("Abort Output discards until the DM of the host's Synch, not a timing mark", async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.AO));
      conn.write(bytes('stale', IAC, Cmd.WILL, Opt.TIMING_MARK, 'still stale', IAC, Cmd.DM, 'fresh'));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'abort-output' });
    await client.waitForText('fresh');
    expect(client.text).not.toContain('stale');
  });

  it('shows output again if the host never answers the timing mark', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.IP, IAC, Cmd.DO, Opt.TIMING_MARK));
      conn.write(bytes('dropped'));
      await new Promise((r) => setTimeout(r, 400));
      conn.write(bytes('shown again'));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port, {}, { flushTimeoutMs: 200 });
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'interrupt' });
    await client.waitForText('shown again');
    expect(client.text).not.toContain('dropped');
  });

  it('maps the other actions to their Telnet commands', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.AYT, IAC, Cmd.BRK, IAC, Cmd.EC, IAC, Cmd.EL, IAC, Cmd.NOP));
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    for (const action of ['are-you-there', 'break', 'erase-char', 'erase-line', 'nop'] as const) {
      client.send({ type: 'action', action });
    }
    await host.settled();
  });

  // The scripted host reads as most hosts do, with SO_OOBINLINE off: urgent data is taken out of its
  // stream, so a DM it never sees is a DM that went as urgent data.
  const urgentDmSent = (f: { direction: string; bytes: Uint8Array }) =>
    f.direction === 'out' && f.bytes.length === 2 && f.bytes[0] === IAC && f.bytes[1] === Cmd.DM;

  it('sends the Synch action as IAC DM with the DM as TCP urgent data', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, 'after'));
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'synch' });
    await client.waitForFrame('trace', urgentDmSent);
    client.type('after');
    await host.settled();
    expect(client.frames.some((f) => f.type === 'notice')).toBe(false);
  });

  it('follows Interrupt with a Synch when the target asks for it', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.IP, IAC, Cmd.DO, Opt.TIMING_MARK, IAC));
      conn.write(bytes(IAC, Cmd.WILL, Opt.TIMING_MARK, 'prompt$ '));
      await conn.expect(bytes('next'));
    });
    const client = await gateway(host.port, { extra: 'synchOnInterrupt: true' });
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'interrupt' });
    await client.waitForFrame('trace', urgentDmSent);
    await client.waitForText('prompt$ ');
    client.type('next');
    await host.settled();
  });

  it('sends no Synch after Interrupt by default', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.IP, IAC, Cmd.DO, Opt.TIMING_MARK));
      conn.write(bytes(IAC, Cmd.WILL, Opt.TIMING_MARK, 'prompt$ '));
      // An urgent DM would leave its IAC before these bytes.
      await conn.expect(bytes('next'));
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'interrupt' });
    await client.waitForText('prompt$ ');
    await new Promise((r) => setTimeout(r, 200));
    client.type('next');
    await host.settled();
    expect(client.frames.some((f) => f.type === 'trace' && urgentDmSent(f))).toBe(false);
  });

  it('coalesces Synchs asked for while one is being sent: one process per session at a time', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, IAC, 'done'));
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    for (let k = 0; k < 50; k++) client.send({ type: 'action', action: 'synch' });
    await client.until(
      () => client.frames.filter((f) => f.type === 'trace' && urgentDmSent(f)).length === 2,
      'the first Synch and the one standing for the other 49',
    );
    client.type('done');
    await host.settled();
    await new Promise((r) => setTimeout(r, 200));
    expect(client.frames.filter((f) => f.type === 'trace' && urgentDmSent(f))).toHaveLength(2);
  });

  it('sends the DM in-band where urgent data cannot be sent, and tells the user once why', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.DM, IAC, Cmd.DM));
    });
    const client = await gateway(host.port, {}, { urgentSynch: { perl: null } });
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'synch' });
    await client.waitForFrame(
      'notice',
      (f) => f.notice.kind === 'warning' && f.notice.code === 'GW_WARN_NO_URGENT_DATA',
    );
    client.send({ type: 'action', action: 'synch' });
    await host.settled();
    const notices = client.frames.filter((f) => f.type === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      notice: { message: expect.stringContaining('perl, which sends TCP urgent data, is not installed') },
    });
  });

  it('sends IAC EOR for end-of-record and IAC GA for go-ahead', async () => {
    const host = await scripted(async (conn) => {
      await conn.expect(bytes(IAC, Cmd.EOR, IAC, Cmd.GA));
    });
    const client = await gateway(host.port);
    await client.waitForFrame('state', (f) => f.state === 'connected');
    client.send({ type: 'action', action: 'end-of-record' });
    client.send({ type: 'action', action: 'go-ahead' });
    await host.settled();
  });

  it('actions count as activity for the idle timeout', { timeout: 10_000 }, async () => {
    const host = await scripted(async (conn) => {
      await conn.closed;
    });
    const client = await gateway(host.port, { extra: 'idleTimeoutSeconds: 1' });
    await client.waitForFrame('state', (f) => f.state === 'connected');
    for (let k = 0; k < 6; k++) {
      client.send({ type: 'action', action: 'nop' });
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_IDLE_TIMEOUT'));
  });

  it('dials the address the policy checked, not the name again', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes('reached'));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const lookups: string[] = [];
    // A resolver that answers differently on every later lookup (a DNS rebinding attempt).
    const lookup = async (name: string) => {
      lookups.push(name);
      return lookups.length === 1
        ? [{ address: '127.0.0.1', family: 4 }]
        : [{ address: '192.0.2.1', family: 4 }];
    };
    app = await buildTestApp(
      `
listen: { host: 127.0.0.1 }
targets: [{ id: named, host: host.example.test, port: ${host.port} }]
`,
      { onSession: createTelnetRelay(), lookup },
    );
    const client = await TerminalClient.open(app, '/ws?target=named');
    cleanups.push(() => client.close());
    await client.waitForText('reached');
    expect(lookups).toEqual(['host.example.test']);
  });
});

describe('relay: flow control', () => {
  it('stops reading a flooding host while the browser lags, and loses no byte', async () => {
    const chunk = Buffer.alloc(64 * 1024);
    for (let k = 0; k < chunk.length; k++) chunk[k] = 0x20 + (k % 90);
    const repeat = 64; // 4 MiB
    const host = await startReplayHost({ bytes: chunk, repeat, afterReplay: 'keep-open' });
    cleanups.push(() => host.stop());
    const client = await gateway(host.port, {
      protocol: 'raw',
      limits: 'limits: { highWaterBytes: 262144, lowWaterBytes: 65536 }',
    });
    client.autoAck = false;
    await client.until(() => client.outputBytes >= 64 * 1024, 'the first output');
    await new Promise((r) => setTimeout(r, 300));
    // Without acknowledgements the gateway sent what the page may draw, the rest of one window waits.
    expect(client.outputBytes).toBeLessThan(262144);
    client.autoAck = true;
    client.ack();
    await client.until(() => client.outputBytes === chunk.length * repeat, 'every byte', 20_000);
    const expected = createHash('sha256');
    for (let r = 0; r < repeat; r++) expected.update(chunk);
    expect(createHash('sha256').update(client.outputBuffer).digest('hex')).toBe(expected.digest('hex'));
  });

  it('delivers an Interrupt to a flooding host at once, while its output is held back', async () => {
    let interruptedAfterMs = -1;
    const host = await scripted(async (conn) => {
      const block = Buffer.alloc(64 * 1024, 0x2e);
      let flooding = true;
      const pump = () => {
        while (flooding && conn.socket.write(block));
        if (flooding) conn.socket.once('drain', pump);
      };
      pump();
      const started = Date.now();
      await conn.expect(bytes(IAC, Cmd.IP), 10_000);
      interruptedAfterMs = Date.now() - started;
      flooding = false;
    });
    const client = await gateway(host.port, {
      protocol: 'telnet',
      interruptFlush: 'none',
      limits: 'limits: { highWaterBytes: 262144, lowWaterBytes: 65536 }',
    });
    client.autoAck = false;
    await client.until(() => client.outputBytes >= 64 * 1024, 'the first output');
    await new Promise((r) => setTimeout(r, 100));
    const held = client.outputBytes;
    client.send({ type: 'action', action: 'interrupt' });
    await host.settled();
    expect(interruptedAfterMs).toBeGreaterThanOrEqual(0);
    // The host was paused the whole time: no more than a window's worth of output reached the page (the
    // output waiting in the gateway goes out ahead of the frames the Interrupt sends).
    expect(held).toBeLessThan(262144);
    expect(client.outputBytes).toBeLessThan(262144 + 2 * 64 * 1024);
  });

  it('refuses an acknowledgement of more bytes than were sent', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes('abc'));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port);
    client.autoAck = false;
    await client.waitForText('abc');
    client.send({ type: 'ack', count: 1000 });
    expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_BAD_FRAME'));
  });
});

describe('relay: hostile hosts', () => {
  /** A host that, after `script`, says `ready` and echoes one key: the session is still usable. */
  async function usableAfter(script: (conn: ScriptedConnection) => Promise<void>) {
    return scripted(async (conn) => {
      await script(conn);
      conn.write(bytes('ready>'));
      // Answers to the host's commands may still be unread before the key.
      await conn.readUntil((unread) => unread.includes('~'), 10_000);
      conn.write(bytes('echo:~'));
      await conn.read(1, 3000).catch(() => undefined);
    });
  }

  async function typeAndSeeEcho(client: TerminalClient) {
    await client.waitForText('ready>', 20_000);
    client.type('~');
    await client.waitForText('echo:~', 5_000);
  }

  it('an ECHO storm of 10,000 toggles is throttled: every reply reaches the host, the session goes on', {
    timeout: 30_000,
  }, async () => {
    const toggles = 10_000;
    let replies: number[] | undefined;
    const host = await usableAfter(async (conn) => {
      const storm = Buffer.concat(
        Array.from({ length: toggles }, (_, k) => bytes(IAC, k % 2 ? Cmd.WONT : Cmd.WILL, Opt.ECHO)),
      );
      conn.write(storm);
      // Our own options are offered along the way; the answers about ECHO are what the storm asks for.
      const echoAnswers = (got: Buffer) => {
        const answers: number[] = [];
        for (let i = 0; i + 2 < got.length; i++) {
          if (got[i] === IAC && (got[i + 1] === Cmd.DO || got[i + 1] === Cmd.DONT) && got[i + 2] === Opt.ECHO)
            answers.push(got[i + 1]!);
        }
        return answers;
      };
      const got = await conn.readUntil((b) => echoAnswers(b).length >= toggles, 20_000);
      replies = echoAnswers(got);
    });
    const client = await gateway(host.port, {}, { maxCommandsPerTick: 256 });
    await typeAndSeeEcho(client);
    expect(replies).toEqual(Array.from({ length: toggles }, (_, k) => (k % 2 ? Cmd.DONT : Cmd.DO)));
    expect(client.frames.some((f) => f.type === 'state' && f.state === 'closed')).toBe(false);
  });

  it('a 1 MiB subnegotiation is dropped with a warning and the session stays usable', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes(IAC, Cmd.DO, Opt.TTYPE, IAC, Cmd.SB, Opt.TTYPE));
      conn.write(Buffer.alloc(1024 * 1024, 0x41));
      conn.write(bytes(IAC, Cmd.SE, 'still usable'));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port);
    await client.waitForText('still usable');
    expect(client.text).not.toContain('AAAA');
    await client.waitForFrame(
      'notice',
      (f) => f.notice.kind === 'warning' && f.notice.code === 'TELNET_ERR_SB_OVERFLOW',
    );
  });

  it('10 MiB of IAC NOP is throttled, not cut off, while another session carries on', {
    timeout: 60_000,
  }, async () => {
    const nops = Buffer.alloc(10 * 1024 * 1024);
    for (let k = 0; k < nops.length; k += 2) {
      nops[k] = IAC;
      nops[k + 1] = Cmd.NOP;
    }
    const hostile = await usableAfter(async (conn) => {
      conn.write(nops);
    });
    const echo = await scripted(async (conn) => {
      const got = await conn.read(5, 20_000);
      conn.write(got);
    });
    app = await buildTestApp(
      `
listen: { host: 127.0.0.1 }
targets:
  - { id: hostile, host: 127.0.0.1, port: ${hostile.port} }
  - { id: echo, host: 127.0.0.1, port: ${echo.port} }
`,
      { onSession: createTelnetRelay() },
    );
    const good = await TerminalClient.open(app, '/ws?target=echo');
    cleanups.push(() => good.close());
    const bad = await TerminalClient.open(app, '/ws?target=hostile');
    cleanups.push(() => bad.close());
    await bad.waitForFrame('trace', (f) => f.direction === 'in' && f.bytes[1] === Cmd.NOP);
    await good.waitForFrame('state', (f) => f.state === 'connected');
    good.type('hello');
    await good.waitForText('hello');
    await bad.until(() => bad.text.includes('ready>'), 'the prompt after the flood', 50_000);
    bad.type('~');
    await bad.waitForText('echo:~');
  });

  it('endless TTYPE SEND is answered at a bounded pace and the session goes on', {
    timeout: 30_000,
  }, async () => {
    const host = await usableAfter(async (conn) => {
      conn.write(bytes(IAC, Cmd.DO, Opt.TTYPE));
      const send = bytes(IAC, Cmd.SB, Opt.TTYPE, 1, IAC, Cmd.SE);
      for (let round = 0; round < 50 && !conn.socket.destroyed; round++) {
        conn.write(Buffer.concat(Array.from({ length: 100 }, () => send)));
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    const client = await gateway(host.port, {}, { maxCommandsPerTick: 64 });
    await typeAndSeeEcho(client);
  });

  it('a subnegotiation that never ends after its cap ends the session with GW_ERR_HOST_ABUSE', async () => {
    const host = await scripted(async (conn) => {
      conn.write(bytes(IAC, Cmd.DO, Opt.TTYPE, IAC, Cmd.SB, Opt.TTYPE));
      for (let k = 0; k < 16 && !conn.socket.destroyed; k++) {
        await conn.write(Buffer.alloc(256 * 1024, 0x41)).catch(() => undefined);
      }
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port, {}, { maxDiscardedSubnegotiationBytes: 1024 * 1024 });
    expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_HOST_ABUSE'));
  });

  it('bad-IAC warnings reach the page a few per second, every second', { timeout: 15_000 }, async () => {
    const host = await scripted(async (conn) => {
      for (let round = 0; round < 16; round++) {
        conn.write(Buffer.concat(Array.from({ length: 10 }, () => bytes(IAC, 0x01))));
        await new Promise((r) => setTimeout(r, 200));
      }
      conn.write(bytes('done'));
      await conn.read(1, 3000).catch(() => undefined);
    });
    const client = await gateway(host.port);
    const arrivals: number[] = [];
    client.ws.on('message', (data: Buffer) => {
      const result = decodeServerFrame(data);
      if (result.ok && result.frame.type === 'notice' && result.frame.notice.kind === 'warning')
        arrivals.push(Date.now());
    });
    await client.waitForText('done', 10_000);
    // At most 5 a second (the first round alone holds 10), over the 3 s the host writes them: more than one
    // second's worth, and still coming well after the first second. Measured on the arrivals' own span,
    // not in calendar seconds, so a host or gateway that is late by a second on a busy machine still passes.
    expect(arrivals.length).toBeGreaterThan(5);
    expect(arrivals.length).toBeLessThanOrEqual(5 * 5);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(1500);
  });

  it('an exception inside one session ends that session with GW_ERR_INTERNAL, not the process', async () => {
    let reply: Buffer | undefined;
    const hostile = await scripted(async (conn) => {
      // The engine's answer to DO TTYPE, in the same chunk as the data that fails, still goes out.
      conn.write(bytes(IAC, Cmd.DO, Opt.TTYPE, 'trigger'));
      reply = await conn.expect(bytes(IAC, Cmd.WILL, Opt.TTYPE), 3000);
      await conn.read(1, 3000).catch(() => undefined);
    });
    const echo = await scripted(async (conn) => {
      const got = await conn.read(5, 5000);
      conn.write(got);
    });
    let first = true;
    app = await buildTestApp(
      `
listen: { host: 127.0.0.1 }
targets:
  - { id: hostile, host: 127.0.0.1, port: ${hostile.port} }
  - { id: echo, host: 127.0.0.1, port: ${echo.port} }
`,
      {
        onSession: createTelnetRelay(
          {},
          {
            onSessionStart: (session) => {
              if (!first) return;
              first = false;
              const inner = session as unknown as { output: { collect(bytes: Uint8Array): void } };
              inner.output.collect = () => {
                throw new Error('a bug in one session');
              };
            },
          },
        ),
      },
    );
    const bad = await TerminalClient.open(app, '/ws?target=hostile');
    cleanups.push(() => bad.close());
    expect((await bad.closed).code).toBe(closeCodeFor('GW_ERR_INTERNAL'));
    await hostile.settled();
    expect(reply).toBeDefined();
    const good = await TerminalClient.open(app, '/ws?target=echo');
    cleanups.push(() => good.close());
    await good.waitForFrame('state', (f) => f.state === 'connected');
    good.type('hello');
    await good.waitForText('hello');
  });
});
