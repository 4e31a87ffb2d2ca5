/**
 * telgate.v2 sessions that survive their socket: detach on an abnormal close, resume with the
 * credential, takeover, grace expiry, caps, and who may resume.
 */
import { closeCodeFor, SUBPROTOCOL, SUBPROTOCOL_V2, SUBPROTOCOLS } from '@telgate/protocol';
import { type ScriptedHost, startScriptedHost } from '@telgate/test-peers';
import xtermHeadless from '@xterm/headless';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken } from '../auth/token.js';
import { buildTestApp, LogCapture } from '../testing/gateway.js';
import { TerminalClient, type TerminalClientOptions } from '../testing/terminal-client.js';
import { createTelnetRelay, type TelnetSession } from './index.js';

const { Terminal } = xtermHeadless;
const SECRET = 'resume-test-secret-that-is-long-enough-0123';
const ORIGIN = 'http://portal.example';
const OTHER_ORIGIN = 'http://other.example';

let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await app?.close();
  app = undefined;
});

interface Setup {
  readonly host: ScriptedHost;
  readonly logs: LogCapture;
}

async function setup(
  options: {
    graceSeconds?: number;
    limits?: string;
    auth?: boolean;
    targets?: number;
    onSessionStart?: (session: TelnetSession) => void;
  } = {},
): Promise<Setup> {
  const host = await startScriptedHost(() => {});
  cleanups.push(() => host.stop());
  const logs = new LogCapture();
  const targets = Array.from(
    { length: options.targets ?? 1 },
    (_, i) => `
  - id: t${i === 0 ? '' : i}
    host: 127.0.0.1
    port: ${host.port}
    negotiation: passive
    resume: { graceSeconds: ${options.graceSeconds ?? 60} }`,
  ).join('');
  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets:${targets}
security:
  allowedOrigins: ["${ORIGIN}", "${OTHER_ORIGIN}"]
  ${options.auth ? `auth: { mode: token, hs256Secret: "${SECRET}" }` : ''}
${options.limits ?? ''}
`,
    {
      onSession: createTelnetRelay(
        {},
        options.onSessionStart ? { onSessionStart: options.onSessionStart } : {},
      ),
      logs,
    },
  );
  return { host, logs };
}

async function open(path = '/ws?target=t', options: TerminalClientOptions = {}): Promise<TerminalClient> {
  const client = await TerminalClient.open(app!, path, {
    protocols: [...SUBPROTOCOLS],
    headers: { origin: ORIGIN },
    ...options,
  });
  cleanups.push(() => client.close());
  return client;
}

/** A new v2 session: its client (past STATE connected), the host's side, and its credential. */
async function session(host: ScriptedHost, path = '/ws?target=t', options: TerminalClientOptions = {}) {
  const client = await open(path, options);
  client.send({ type: 'resize', cols: 80, rows: 24 });
  const conn = await host.nextConnection();
  const connected = await client.waitForFrame('state', (f) => f.state === 'connected');
  if (connected.state !== 'connected' || !connected.resume) throw new Error('no resume credential');
  return { client, conn, credential: connected.resume.credential, connected };
}

async function resume(credential: string, path = '/ws?target=t', options: TerminalClientOptions = {}) {
  const client = await open(path, options);
  client.send({ type: 'resume', credential });
  return client;
}

/** What the SCREEN frame draws, as the text of its lines. */
async function screenText(client: TerminalClient): Promise<string> {
  const screen = await client.waitForFrame('screen');
  const term = new Terminal({
    cols: screen.cols,
    rows: screen.rows,
    allowProposedApi: true,
    scrollback: 1000,
  });
  await new Promise<void>((resolve) => term.write(screen.data, resolve));
  const lines: string[] = [];
  const buffer = term.buffer.active;
  for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)!.translateToString(true));
  term.dispose();
  return lines.join('\n');
}

async function waitFor(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`waited for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function metric(name: string): Promise<string> {
  const text = await app!.telgate.metrics.registry.metrics();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .join('\n');
}

describe('telgate.v2: a session survives its socket', () => {
  it('selects telgate.v2 when offered, telgate.v1 otherwise', async () => {
    await setup();
    const v2 = await open('/ws?target=t', { protocols: [SUBPROTOCOL, SUBPROTOCOL_V2] });
    expect(v2.ws.protocol).toBe(SUBPROTOCOL_V2);
    const v1 = await open('/ws?target=t', { protocols: [SUBPROTOCOL] });
    expect(v1.ws.protocol).toBe(SUBPROTOCOL);
  });

  it('detaches on an abnormal close, keeps the host printing, and resumes with the screen', async () => {
    const { host, logs } = await setup();
    const { client, conn, credential } = await session(host);
    await conn.write('line one\r\n');
    await client.waitForText('line one');
    client.type('abc');
    await conn.expect('abc');
    client.ws.terminate();
    await waitFor(() => logs.text.includes('session detached'), 'the detach');
    await conn.write('line two while away\r\n');
    expect(await metric('telgate_sessions_detached')).toContain('telgate_sessions_detached 1');

    const back = await resume(credential);
    const text = await screenText(back);
    expect(text).toContain('line one');
    expect(text).toContain('line two while away');
    const connected = await back.waitForFrame('state', (f) => f.state === 'connected');
    expect(connected.state === 'connected' && connected.resume?.credential).toBeTruthy();
    const newCredential = connected.state === 'connected' ? connected.resume!.credential : '';
    expect(newCredential).not.toBe(credential);
    const notice = await back.waitForFrame('notice', (f) => f.notice.kind === 'resumed');
    expect(notice.notice).toMatchObject({ kind: 'resumed', inputReceived: 3 });
    await back.waitForFrame('settings');
    expect(await metric('telgate_sessions_detached')).toContain('telgate_sessions_detached 0');
    expect(await metric('telgate_resumes_total')).toContain('outcome="resumed"} 1');

    // Typing goes on, and so does output.
    back.type('xyz');
    await conn.expect('xyz');
    await conn.write('after resume\r\n');
    await back.waitForText('after resume');

    // The old credential is spent.
    const stale = await resume(credential);
    const closed = await stale.waitForFrame('state', (f) => f.state === 'closed');
    expect(closed.state === 'closed' && closed.code).toBe('GW_ERR_RESUME_FAILED');
    expect((await stale.closed).code).toBe(closeCodeFor('GW_ERR_RESUME_FAILED'));
    // One session, one `session ended` line, only when it ends; the host connection stayed the same.
    expect(host.connections).toHaveLength(1);
    expect(logs.text).not.toContain('session ended');
  });

  it('a second socket takes over an attached session: the first gets GW_ERR_TAKEN_OVER', async () => {
    const { host } = await setup();
    const { client, conn, credential } = await session(host);
    await conn.write('shared\r\n');
    await client.waitForText('shared');
    const second = await resume(credential);
    const closed = await client.waitForFrame('state', (f) => f.state === 'closed');
    expect(closed.state === 'closed' && closed.code).toBe('GW_ERR_TAKEN_OVER');
    expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_TAKEN_OVER'));
    expect(await screenText(second)).toContain('shared');
    second.type('more');
    await conn.expect('more');
    expect(await metric('telgate_session_takeovers_total')).toContain('telgate_session_takeovers_total 1');
  });

  it('a close 1000 from the page ends the session: the host is closed and the credential refused', async () => {
    const { host, logs } = await setup();
    const { client, conn, credential } = await session(host);
    client.ws.close(1000);
    await conn.closed;
    await waitFor(() => logs.text.includes('session ended'), 'the session to end');
    const again = await resume(credential);
    expect((await again.closed).code).toBe(closeCodeFor('GW_ERR_RESUME_FAILED'));
    expect(logs.records.filter((r) => r.msg === 'session ended')).toHaveLength(1);
  });

  it('ends a detached session when its grace period is over; a later RESUME is refused', async () => {
    const { host, logs } = await setup({ graceSeconds: 1 });
    const { client, conn, credential } = await session(host);
    client.ws.terminate();
    await conn.closed;
    await waitFor(() => logs.text.includes('session ended'), 'the session to end');
    const ended = logs.records.filter((r) => r.msg === 'session ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]!.outcome).toBe('detach_expired');
    const again = await resume(credential);
    expect((await again.closed).code).toBe(closeCodeFor('GW_ERR_RESUME_FAILED'));
    expect(await metric('telgate_detached_sessions_ended_total')).toContain('reason="expired"} 1');
  });

  it('past limits.maxDetachedSessions, the oldest detached session ends, with a log line', async () => {
    const { host, logs } = await setup({ limits: 'limits: { maxDetachedSessions: 1 }' });
    const first = await session(host);
    const second = await session(host);
    first.client.ws.terminate();
    await waitFor(() => logs.text.includes('session detached'), 'the first detach');
    second.client.ws.terminate();
    await first.conn.closed;
    expect(logs.records.some((r) => r.msg === 'detached session ended to make room')).toBe(true);
    const again = await resume(first.credential);
    expect((await again.closed).code).toBe(closeCodeFor('GW_ERR_RESUME_FAILED'));
    // The newer one is still there.
    const back = await resume(second.credential);
    await back.waitForFrame('screen');
    expect(await metric('telgate_detached_sessions_ended_total')).toContain('reason="evicted"} 1');
  });

  it('past limits.maxScreenStateBytes, detached sessions give way, even to attached ones', async () => {
    const { host, logs } = await setup({ limits: 'limits: { maxScreenStateBytes: 2048 }' });
    const small = await session(host);
    const big = await session(host);
    await small.conn.write('x'.repeat(100));
    await small.client.until(() => small.client.outputBytes === 100, 'the small output');
    await big.conn.write('y'.repeat(1500));
    await big.client.until(() => big.client.outputBytes === 1500, 'the big output');
    small.client.ws.terminate();
    await small.conn.closed;
    const evicted = logs.records.find((r) => r.msg === 'detached session ended to make room');
    expect(evicted?.reason).toMatch(/maxScreenStateBytes/);
    big.client.type('still here');
    await big.conn.expect('still here');
  });

  it('a RESIZE after a resume goes to the host as NAWS and resizes the screen state', async () => {
    const { host } = await setup();
    const { client, conn, credential } = await session(host);
    await conn.write(Buffer.from([255, 253, 31]));
    await conn.expect(Buffer.from([255, 250, 31, 0, 80, 0, 24, 255, 240]));
    client.ws.terminate();
    const back = await resume(credential);
    const first = await back.waitForFrame('screen');
    expect({ cols: first.cols, rows: first.rows }).toEqual({ cols: 80, rows: 24 });
    const connected = await back.waitForFrame('state', (f) => f.state === 'connected');
    const next = connected.state === 'connected' ? connected.resume!.credential : '';
    back.send({ type: 'resize', cols: 100, rows: 30 });
    await conn.expect(Buffer.from([255, 250, 31, 0, 100, 0, 30, 255, 240]));
    back.ws.terminate();
    const again = await resume(next);
    const second = await again.waitForFrame('screen');
    expect({ cols: second.cols, rows: second.rows }).toEqual({ cols: 100, rows: 30 });
  });

  it('RESUME after the first frame is a protocol error', async () => {
    const { host } = await setup();
    const { client, credential } = await session(host);
    client.send({ type: 'resume', credential });
    expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_BAD_FRAME'));
  });

  it('a browser that stops answering pings is dropped, and its session detached', async () => {
    const { host, logs } = await setup({ limits: 'limits: { pingIntervalMs: 100, pingTimeoutMs: 150 }' });
    const { client, conn, credential } = await session(host, '/ws?target=t', { autoPong: false });
    await conn.write('before the silence\r\n');
    expect((await client.closed).code).toBe(1006);
    await waitFor(() => logs.text.includes('session detached'), 'the detach');
    expect(logs.text).not.toContain('session ended');
    const back = await resume(credential);
    expect(await screenText(back)).toContain('before the silence');
    back.type('ok');
    await conn.expect('ok');
  });

  it('a shutdown ends detached sessions too', async () => {
    const { host, logs } = await setup();
    const { client, conn } = await session(host);
    client.ws.terminate();
    await waitFor(() => logs.text.includes('session detached'), 'the detach');
    await app!.close();
    app = undefined;
    await conn.closed;
    const ended = logs.records.filter((r) => r.msg === 'session ended');
    expect(ended.map((r) => r.outcome)).toEqual(['shutdown']);
  });

  it('keeps a screen state for v2 sessions only', async () => {
    const started: TelnetSession[] = [];
    const { host } = await setup({ onSessionStart: (s) => started.push(s) });
    const v2 = await session(host);
    const v1 = await open('/ws?target=t', { protocols: [SUBPROTOCOL] });
    const v1conn = await host.nextConnection();
    await v1.waitForFrame('state', (f) => f.state === 'connected');
    await v2.conn.write('some output\r\n');
    await v1conn.write('some output\r\n');
    await v2.client.waitForText('some output');
    await v1.waitForText('some output');
    expect(started.map((s) => s.screenBytes() > 0)).toEqual([true, false]);
  });

  it('a graceSeconds of 0 keeps v2 sessions tied to their socket', async () => {
    const { host, logs } = await setup({ graceSeconds: 0 });
    const client = await open();
    client.send({ type: 'resize', cols: 80, rows: 24 });
    const conn = await host.nextConnection();
    const connected = await client.waitForFrame('state', (f) => f.state === 'connected');
    expect(connected.state === 'connected' && connected.resume).toBeUndefined();
    client.ws.terminate();
    await conn.closed;
    await waitFor(() => logs.text.includes('session ended'), 'the session to end');
  });

  it('a bad first frame on v2 is a protocol error like any other, never a crash', async () => {
    await setup();
    const firsts: Array<string | Uint8Array> = [
      'text',
      Uint8Array.of(0x06, ...Buffer.from('{"credential":1}')),
      Uint8Array.of(0x06, ...Buffer.from('not json')),
      Uint8Array.of(0x06, ...Buffer.from('{"credential":"short"}')),
      Uint8Array.of(0x7e, 1, 2, 3),
    ];
    for (const first of firsts) {
      const client = await open();
      client.ws.send(first);
      expect((await client.closed).code).toBe(closeCodeFor('GW_ERR_BAD_FRAME'));
    }
  });

  it('v1 sessions end with their socket, as before', async () => {
    const { host, logs } = await setup();
    const client = await open('/ws?target=t', { protocols: [SUBPROTOCOL] });
    const conn = await host.nextConnection();
    const connected = await client.waitForFrame('state', (f) => f.state === 'connected');
    expect(connected.state === 'connected' && connected.resume).toBeUndefined();
    client.ws.terminate();
    await conn.closed;
    await waitFor(() => logs.text.includes('session ended'), 'the session to end');
  });
});

describe('telgate.v2: who may resume', () => {
  async function refused(
    credential: string,
    path: string,
    options: TerminalClientOptions = {},
  ): Promise<number> {
    const again = await resume(credential, path, options);
    return (await again.closed).code;
  }

  it('only from the same origin, for the same target', async () => {
    const { host } = await setup({ targets: 2 });
    const { client, credential } = await session(host);
    client.ws.terminate();
    const code = closeCodeFor('GW_ERR_RESUME_FAILED');
    expect(await refused(credential, '/ws?target=t', { headers: { origin: OTHER_ORIGIN } })).toBe(code);
    expect(await refused(credential, '/ws?target=t1')).toBe(code);
    // Refusals do not spend the credential.
    const back = await resume(credential);
    await back.waitForFrame('screen');
  });

  it('in token mode, only with a token for the same subject and target', async () => {
    const { host } = await setup({ auth: true, targets: 2 });
    const alice = await mintToken({ hs256Secret: SECRET, target: 't', user: 'alice' });
    const { client, credential } = await session(host, `/ws?target=t&token=${alice}`);
    client.ws.terminate();
    const code = closeCodeFor('GW_ERR_RESUME_FAILED');
    const bob = await mintToken({ hs256Secret: SECRET, target: 't', user: 'bob' });
    expect(await refused(credential, `/ws?target=t&token=${bob}`)).toBe(code);
    const aliceElsewhere = await mintToken({ hs256Secret: SECRET, target: 't1', user: 'alice' });
    expect(await refused(credential, `/ws?target=t1&token=${aliceElsewhere}`)).toBe(code);
    expect(await refused(credential, '/ws?target=t')).toBe(closeCodeFor('GW_ERR_AUTH_FAILED'));
    const again = await mintToken({ hs256Secret: SECRET, target: 't', user: 'alice' });
    const back = await resume(credential, `/ws?target=t&token=${again}`);
    await back.waitForFrame('screen');
  });
});
