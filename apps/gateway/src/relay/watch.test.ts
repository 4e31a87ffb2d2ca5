/**
 * Live observation: a token with the `watch` grant attaches read-only to a session by id — the
 * current screen, then live output; nothing it sends reaches the host; the user is told the count;
 * the audit log records who joined and left; wrong sessions, targets and tokens are refused.
 */
import { closeCodeFor, SUBPROTOCOL, SUBPROTOCOLS } from '@telgate/protocol';
import { type ScriptedHost, startScriptedHost } from '@telgate/test-peers';
import xtermHeadless from '@xterm/headless';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { mintToken, type OperatorGrant } from '../auth/token.js';
import type { AuditEvent, AuditFields, AuditLog } from '../recording/audit.js';
import { buildTestApp, LogCapture } from '../testing/gateway.js';
import { TerminalClient, type TerminalClientOptions } from '../testing/terminal-client.js';
import { createTelnetRelay } from './index.js';

const { Terminal } = xtermHeadless;
const SECRET = 'watch-test-secret-that-is-long-enough-01234';
const ORIGIN = 'http://portal.example';

let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await app?.close();
  app = undefined;
});

interface Setup {
  readonly host: ScriptedHost;
  readonly audit: Array<{ event: AuditEvent; fields: AuditFields }>;
}

async function setup(options: { watch?: string; auth?: boolean; output?: 'lossless' } = {}): Promise<Setup> {
  const host = await startScriptedHost(() => {});
  cleanups.push(() => host.stop());
  const audit: Setup['audit'] = [];
  const auditLog: AuditLog = {
    write: (event, fields) => audit.push({ event, fields }),
    close: async () => {},
  };
  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets:
  - { id: t, host: 127.0.0.1, port: ${host.port}, negotiation: passive, resume: { graceSeconds: 60 }${options.output ? `, output: ${options.output}` : ''} }
  - { id: other, host: 127.0.0.1, port: ${host.port}, negotiation: passive, resume: { graceSeconds: 60 } }
security:
  allowedOrigins: ["${ORIGIN}"]
  ${options.auth === false ? '' : `auth: { mode: token, hs256Secret: "${SECRET}" }`}
${options.watch ?? ''}
`,
    { onSession: createTelnetRelay(), logs: new LogCapture(), audit: auditLog },
  );
  return { host, audit };
}

function token(target: string, user: string, grants?: OperatorGrant[]): Promise<string> {
  return mintToken({ hs256Secret: SECRET, target, user, ...(grants && { grants }) });
}

async function open(path: string, options: TerminalClientOptions = {}): Promise<TerminalClient> {
  const client = await TerminalClient.open(app!, path, {
    protocols: [...SUBPROTOCOLS],
    headers: { origin: ORIGIN },
    ...options,
  });
  cleanups.push(() => client.close());
  return client;
}

/** The user's session on target `t`: its client, the host's side, its id. */
async function userSession(host: ScriptedHost, target = 't') {
  const client = await open(`/ws?target=${target}&token=${await token(target, 'alice')}`);
  client.send({ type: 'resize', cols: 80, rows: 24 });
  const conn = await host.nextConnection();
  const connected = await client.waitForFrame('state', (f) => f.state === 'connected');
  if (connected.state !== 'connected' || !connected.sessionId) throw new Error('no session id');
  return { client, conn, sessionId: connected.sessionId };
}

async function watch(sessionId: string, watchToken: string, options: TerminalClientOptions = {}) {
  return open(`/ws?watch=${encodeURIComponent(sessionId)}&token=${watchToken}`, options);
}

/** What a SCREEN frame draws, as the text of its lines. */
async function screenText(client: TerminalClient): Promise<string> {
  const screen = await client.waitForFrame('screen');
  const term = new Terminal({ cols: screen.cols, rows: screen.rows, allowProposedApi: true });
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

function observerCounts(client: TerminalClient): number[] {
  return client.frames.flatMap((f) =>
    f.type === 'notice' && f.notice.kind === 'observers' ? [f.notice.count] : [],
  );
}

describe('watching a live session', () => {
  it('an observer gets the screen, then live output; the user is told the count; audit records both', async () => {
    const { host, audit } = await setup();
    const { client, conn, sessionId } = await userSession(host);
    await conn.write('before-watch\r\n');
    await client.waitForText('before-watch');

    const observer = await watch(sessionId, await token('t', 'supervisor', ['watch']));
    const connected = await observer.waitForFrame('state', (f) => f.state === 'connected');
    expect(connected).toMatchObject({ state: 'connected', sessionId });
    expect(connected.state === 'connected' && connected.resume).toBeUndefined();
    await observer.waitForFrame('settings');
    expect(await screenText(observer)).toContain('before-watch');
    // Before the screen, no OUTPUT: what was printed is in the screen only once.
    const screenAt = observer.frames.findIndex((f) => f.type === 'screen');
    expect(observer.frames.slice(0, screenAt).some((f) => f.type === 'output')).toBe(false);

    await client.waitForFrame('notice', (f) => f.notice.kind === 'observers');
    expect(observerCounts(client)).toEqual([1]);

    await conn.write('after-watch\r\n');
    await observer.waitForText('after-watch');
    await client.waitForText('after-watch');
    expect(observer.text).not.toContain('before-watch');

    observer.close();
    await waitFor(() => observerCounts(client).length === 2, 'the count after the observer left');
    expect(observerCounts(client)).toEqual([1, 0]);
    await waitFor(() => audit.some((r) => r.event === 'observer-left'), 'the observer-left record');
    const joined = audit.find((r) => r.event === 'observer-joined')!;
    expect(joined.fields).toMatchObject({
      sessionId,
      user: 'alice',
      target: 't',
      observer: 'supervisor',
      observers: 1,
    });
    expect(joined.fields.observerIp).toBeTruthy();
    const left = audit.find((r) => r.event === 'observer-left')!;
    expect(left.fields).toMatchObject({ sessionId, observer: 'supervisor', observers: 0 });
  });

  it('what the observer sends never reaches the host; its socket stays open', async () => {
    const { host } = await setup();
    const { client, conn, sessionId } = await userSession(host);
    const observer = await watch(sessionId, await token('*', 'supervisor', ['watch']));
    await observer.waitForFrame('screen');
    observer.type('rm -rf /\r');
    observer.send({ type: 'action', action: 'interrupt' });
    observer.send({ type: 'resize', cols: 20, rows: 5 });
    observer.send({ type: 'settings', settings: { backspace: 'bs' } });
    // The user's typing is the next thing the host sees: nothing of the observer's came before it.
    client.type('user-typed');
    await conn.expect('user-typed');
    expect(conn.received.toString('latin1')).not.toContain('rm -rf');
    await conn.write('still-open\r\n');
    await observer.waitForText('still-open');
    expect(observer.ws.readyState).toBe(observer.ws.OPEN);
  });

  it('when the user resizes, observers get the screen again at the new size, and the output after it', async () => {
    const { host } = await setup();
    const { client, conn, sessionId } = await userSession(host);
    await conn.write('line-one\r\n');
    await client.waitForText('line-one');
    const observer = await watch(sessionId, await token('t', 'supervisor', ['watch']));
    const first = await observer.waitForFrame('screen');
    expect([first.cols, first.rows]).toEqual([80, 24]);
    // A window being dragged: several sizes in a row; the last is the one observers end with.
    client.send({ type: 'resize', cols: 100, rows: 30 });
    client.send({ type: 'resize', cols: 120, rows: 40 });
    client.send({ type: 'resize', cols: 132, rows: 43 });
    await waitFor(
      () => observer.frames.some((f) => f.type === 'screen' && f.cols === 132 && f.rows === 43),
      'a screen at the last size',
    );
    const screens = observer.frames.filter((f) => f.type === 'screen');
    expect(screens.length).toBeLessThanOrEqual(4);
    expect(screens.at(-1)).toMatchObject({ cols: 132, rows: 43 });
    const last = screens.at(-1)!;
    expect(last.type === 'screen' && Buffer.from(last.data).toString('utf8')).toContain('line-one');
    await conn.write('line-two\r\n');
    await observer.waitForText('line-two');
    // The observer's own resizes change nothing.
    const count = observer.frames.filter((f) => f.type === 'screen').length;
    observer.send({ type: 'resize', cols: 20, rows: 5 });
    await conn.write('line-three\r\n');
    await observer.waitForText('line-three');
    expect(observer.frames.filter((f) => f.type === 'screen')).toHaveLength(count);
  });

  it('the observer gets STATE closed and a close when the session ends', async () => {
    const { host } = await setup();
    const { sessionId, conn } = await userSession(host);
    const observer = await watch(sessionId, await token('t', 'supervisor', ['watch']));
    await observer.waitForFrame('screen');
    await conn.end();
    await observer.waitForFrame('state', (f) => f.state === 'closed');
    expect((await observer.closed).code).toBe(closeCodeFor('GW_ERR_HOST_CLOSED'));
  });

  it('a resumed page is told the count', async () => {
    const { host } = await setup();
    const { client, sessionId } = await userSession(host);
    const connected = client.frames.find((f) => f.type === 'state' && f.state === 'connected');
    const credential =
      connected?.type === 'state' && connected.state === 'connected' ? connected.resume!.credential : '';
    const observer = await watch(sessionId, await token('t', 'supervisor', ['watch']));
    await observer.waitForFrame('screen');
    await client.waitForFrame('notice', (f) => f.notice.kind === 'observers');
    client.ws.terminate();
    const back = await open(`/ws?target=t&token=${await token('t', 'alice')}`);
    back.send({ type: 'resume', credential });
    const notice = await back.waitForFrame('notice', (f) => f.notice.kind === 'observers');
    expect(notice.notice).toEqual({ kind: 'observers', count: 1 });
  });

  it('an observer that stops reading is dropped; the user gets every byte meanwhile', async () => {
    // Lossless for the user, so that "every byte" is what it gets; the observer is dropped all the same.
    const { host, audit } = await setup({
      watch: 'limits: { highWaterBytes: 65536, lowWaterBytes: 16384 }',
      output: 'lossless',
    });
    const { client, conn, sessionId } = await userSession(host);
    const observer = await watch(sessionId, await token('t', 'supervisor', ['watch']));
    await observer.waitForFrame('screen');
    // The observer reads nothing more: the kernel's buffers fill, then the gateway's send buffer.
    observer.ws.pause();
    const line = `${'x'.repeat(1000)}\r\n`;
    const lines = 8000;
    for (let i = 0; i < lines; i++) await conn.write(line);
    await conn.write('the-end\r\n');
    await client.waitForText('the-end', 20_000);
    expect(client.outputBuffer.length).toBeGreaterThanOrEqual(lines * line.length);
    await waitFor(() => audit.some((r) => r.event === 'observer-left'), 'the slow observer to be dropped');
    expect(observerCounts(client)).toEqual([1, 0]);
  }, 30_000);

  it('refuses an unknown session, another target, a token without the grant, and telgate.v1', async () => {
    const { host } = await setup();
    const { sessionId } = await userSession(host);
    const refusals: Array<[string, string, TerminalClientOptions?]> = [
      ['no-such-session', await token('t', 'supervisor', ['watch'])],
      [sessionId, await token('other', 'supervisor', ['watch'])],
      [sessionId, await token('t', 'supervisor', ['recordings'])],
      [sessionId, await token('t', 'supervisor', ['watch']), { protocols: [SUBPROTOCOL] }],
    ];
    for (const [id, watchToken, options] of refusals) {
      const refused = await watch(id, watchToken, options);
      const closed = await refused.waitForFrame('state', (f) => f.state === 'closed');
      expect(closed.state === 'closed' && closed.code, id).toBe('GW_ERR_WATCH_REFUSED');
      expect((await refused.closed).code).toBe(closeCodeFor('GW_ERR_WATCH_REFUSED'));
    }
    const badToken = await watch(sessionId, 'not-a-jwt');
    expect((await badToken.closed).code).toBe(closeCodeFor('GW_ERR_AUTH_FAILED'));
  });

  it('watch.announce off: the user is not told; watch.maxObservers bounds the observers', async () => {
    const { host } = await setup({ watch: 'watch: { announce: false, maxObservers: 1 }' });
    const { client, conn, sessionId } = await userSession(host);
    const first = await watch(sessionId, await token('t', 'supervisor', ['watch']));
    await first.waitForFrame('screen');
    const second = await watch(sessionId, await token('t', 'supervisor', ['watch']));
    expect((await second.closed).code).toBe(closeCodeFor('GW_ERR_OVERLOADED'));
    await conn.write('marker\r\n');
    await client.waitForText('marker');
    expect(observerCounts(client)).toEqual([]);
  });

  it('without token auth nobody watches', async () => {
    const { host } = await setup({ auth: false });
    const client = await open('/ws?target=t');
    client.send({ type: 'resize', cols: 80, rows: 24 });
    await host.nextConnection();
    const connected = await client.waitForFrame('state', (f) => f.state === 'connected');
    const refused = await watch((connected.state === 'connected' && connected.sessionId) || '', 'x');
    expect((await refused.closed).code).toBe(closeCodeFor('GW_ERR_WATCH_REFUSED'));
  });
});
