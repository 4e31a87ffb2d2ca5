/**
 * Audit log and recordings through the gateway: a real Telnet server with /bin/login, token-authenticated
 * sessions, and the audit file and .cast files read back from disk; then a recording directory on a
 * full disk.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, open as openFile, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBPROTOCOLS } from '@telgate/protocol';
import {
  ensureTestUser,
  type ScriptedHost,
  SHELL_PROMPT,
  startScriptedHost,
  startTelnetServer,
  TEST_PASSWORD,
  TEST_USER,
  type TelnetServer,
} from '@telgate/test-peers';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stopGateway } from '../app.js';
import { mintToken } from '../auth/token.js';
import { createTelnetRelay } from '../relay/index.js';
import { castOutput, parseAsciicast } from '../testing/asciicast.js';
import { buildTestApp } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';

vi.setConfig({ testTimeout: 60_000 });

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
let app: FastifyInstance | undefined;
let server: TelnetServer | undefined;
let scripted: ScriptedHost | undefined;
let dir: string;
const clients: TerminalClient[] = [];

beforeAll(async () => {
  await ensureTestUser();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await app?.close();
  await server?.stop();
  await scripted?.stop();
  app = undefined;
  server = undefined;
  scripted = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

function config(port: number, extra = ''): string {
  return `
listen: { host: 127.0.0.1 }
targets:
  - { id: real, label: Real host, host: 127.0.0.1, port: ${port}, negotiation: active }
security: { auth: { mode: token, hs256Secret: ${SECRET} } }
recording: { targets: [real], directory: ${join(dir, 'rec')} }
audit: { file: ${join(dir, 'audit', 'audit.jsonl')} }
${extra}`;
}

async function readAudit(): Promise<Record<string, unknown>[]> {
  const path = join(dir, 'audit', 'audit.jsonl');
  if (!existsSync(path)) return [];
  const text = await readFile(path, 'utf8');
  // Only whole lines: the file may be read while a line is being appended.
  return text
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function waitForAudit(predicate: (records: Record<string, unknown>[]) => boolean) {
  let records: Record<string, unknown>[] = [];
  const deadline = Date.now() + 10_000;
  for (;;) {
    records = await readAudit();
    if (predicate(records)) return records;
    if (Date.now() > deadline) throw new Error(`audit records so far: ${JSON.stringify(records)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function signIn(c: TerminalClient): Promise<void> {
  await c.waitForText('login: ', 15_000);
  c.type(`${TEST_USER}\r`);
  await c.waitForText('Password: ');
  c.type(`${TEST_PASSWORD}\r`);
  await c.waitForText(SHELL_PROMPT, 15_000);
}

async function run(c: TerminalClient, command: string, expectText: string): Promise<void> {
  const from = c.text.length;
  c.type(`${command}\r`);
  await c.until(() => c.text.slice(from).includes(expectText), `${expectText} after ${command}`);
}

describe('audit log and recordings with a real inetutils telnetd', () => {
  it('one opened and one ended record per session with the documented fields, no secret; the recording parses as asciicast v2', async () => {
    dir = await mkdtemp(join(tmpdir(), 'telgate-rec-'));
    server = await startTelnetServer('inetutils-login');
    app = await buildTestApp(config(server.port), { onSession: createTelnetRelay() });
    const tokens: string[] = [];
    const sessionIds: string[] = [];
    for (const user of ['alice', 'bob']) {
      const token = await mintToken({ target: 'real', user, hs256Secret: SECRET });
      tokens.push(token);
      const c = await TerminalClient.open(app, `/ws?target=real&token=${token}`);
      clients.push(c);
      c.send({ type: 'resize', cols: 100, rows: 30 });
      await signIn(c);
      await run(c, 'echo recorded-$((6*7))', 'recorded-42');
      c.send({ type: 'resize', cols: 120, rows: 40 });
      c.send({ type: 'action', action: 'are-you-there' });
      await run(c, 'echo second-$((2+3))', 'second-5');
      const state = await c.waitForFrame('state', (f) => f.state === 'connected');
      sessionIds.push(state.sessionId!);
      c.type('exit\r');
      await c.closed;
    }

    const records = await waitForAudit((r) => r.filter((x) => x.event === 'ended').length === 2);
    for (const [index, sessionId] of sessionIds.entries()) {
      const mine = records.filter((r) => r.sessionId === sessionId);
      expect(mine.map((r) => r.event)).toEqual(['opened', 'ended']);
      const [opened, ended] = mine as [Record<string, unknown>, Record<string, unknown>];
      const user = index === 0 ? 'alice' : 'bob';
      expect(opened).toMatchObject({
        event: 'opened',
        sessionId,
        user,
        clientIp: '127.0.0.1',
        target: 'real',
        host: '127.0.0.1',
        port: server.port,
        recording: `${sessionId}.cast`,
      });
      expect(Date.parse(opened.time as string)).not.toBeNaN();
      expect(Date.parse(opened.startedAt as string)).not.toBeNaN();
      expect(ended).toMatchObject({
        event: 'ended',
        sessionId,
        user,
        target: 'real',
        outcome: 'GW_ERR_HOST_CLOSED',
        recording: `${sessionId}.cast`,
        recordingComplete: true,
      });
      expect(ended.durationMs).toBeGreaterThan(0);
      expect(ended.bytesFromHost).toBeGreaterThan(0);
      expect(ended.bytesToHost).toBeGreaterThan(0);
      expect(typeof ended.closeCode).toBe('number');
      expect(Date.parse(ended.endedAt as string)).toBeGreaterThanOrEqual(
        Date.parse(ended.startedAt as string),
      );
    }
    const auditText = await readFile(join(dir, 'audit', 'audit.jsonl'), 'utf8');
    for (const token of tokens) expect(auditText).not.toContain(token);
    expect(auditText).not.toContain(TEST_PASSWORD);
    expect(auditText).not.toContain('recorded-42');

    // The recording: strict asciicast v2, with the output, the resize and the action, and no input.
    const castText = await readFile(join(dir, 'rec', `${sessionIds[0]}.cast`), 'utf8');
    const cast = parseAsciicast(castText);
    expect(cast.header).toMatchObject({
      version: 2,
      width: 100,
      height: 30,
      env: { TERM: 'xterm-256color' },
    });
    expect(cast.header.title).toBe('Real host (alice)');
    expect(castOutput(cast)).toContain('recorded-42');
    expect(castOutput(cast)).toContain('second-5');
    expect(cast.events).toContainEqual([expect.any(Number), 'r', '120x40']);
    expect(cast.events).toContainEqual([expect.any(Number), 'm', 'are-you-there']);
    expect(cast.events.at(-1)).toEqual([expect.any(Number), 'm', 'ended GW_ERR_HOST_CLOSED']);
    expect(cast.events.some(([, code]) => code === 'i')).toBe(false);
    expect(castText).not.toContain(TEST_PASSWORD);
    const meta = JSON.parse(await readFile(join(dir, 'rec', `${sessionIds[0]}.json`), 'utf8'));
    expect(meta).toMatchObject({
      id: sessionIds[0],
      target: 'real',
      user: 'alice',
      complete: true,
      closeReason: 'GW_ERR_HOST_CLOSED',
      castBytes: Buffer.byteLength(castText),
    });
  });

  it('input recording, when switched on, records what the user types as i events', async () => {
    dir = await mkdtemp(join(tmpdir(), 'telgate-rec-'));
    server = await startTelnetServer('inetutils-login');
    app = await buildTestApp(config(server.port).replace('directory:', 'input: true, directory:'), {
      onSession: createTelnetRelay(),
    });
    const token = await mintToken({ target: 'real', user: 'carol', hs256Secret: SECRET });
    const c = await TerminalClient.open(app, `/ws?target=real&token=${token}`);
    clients.push(c);
    await signIn(c);
    await run(c, 'echo typed-$((1+1))', 'typed-2');
    const { sessionId } = await c.waitForFrame('state', (f) => f.state === 'connected');
    c.close();
    await waitForAudit((r) => r.some((x) => x.event === 'ended'));
    const cast = parseAsciicast(await readFile(join(dir, 'rec', `${sessionId}.cast`), 'utf8'));
    const typed = cast.events
      .filter(([, code]) => code === 'i')
      .map(([, , data]) => data)
      .join('');
    expect(typed).toContain('echo typed-$((1+1))\r');
  });
});

describe('a session that detaches and is resumed (telgate.v2)', () => {
  it('audit: opened, detached, resumed, ended; the recording has detach and resume markers', async () => {
    dir = await mkdtemp(join(tmpdir(), 'telgate-rec-'));
    scripted = await startScriptedHost(() => {});
    app = await buildTestApp(
      `
listen: { host: 127.0.0.1 }
targets:
  - { id: lab, host: 127.0.0.1, port: ${scripted.port}, negotiation: passive, resume: { graceSeconds: 60 } }
recording: { targets: [lab], directory: ${join(dir, 'rec')} }
audit: { file: ${join(dir, 'audit', 'audit.jsonl')} }
`,
      { onSession: createTelnetRelay() },
    );
    const first = await TerminalClient.open(app, '/ws?target=lab', { protocols: [...SUBPROTOCOLS] });
    clients.push(first);
    // telgate.v2 waits for the first frame (a RESUME or not) before it dials.
    first.send({ type: 'resize', cols: 80, rows: 24 });
    const conn = await scripted.nextConnection();
    const connected = await first.waitForFrame('state', (f) => f.state === 'connected');
    if (connected.state !== 'connected' || !connected.resume) throw new Error('no resume credential');
    await conn.write('before the detach\r\n');
    await first.waitForText('before the detach');
    first.ws.terminate();
    await waitForAudit((r) => r.some((x) => x.event === 'detached'));
    await conn.write('while away\r\n');
    const second = await TerminalClient.open(app, '/ws?target=lab', { protocols: [...SUBPROTOCOLS] });
    clients.push(second);
    second.send({ type: 'resume', credential: connected.resume.credential });
    await second.waitForFrame('screen');
    await conn.write('after the resume\r\n');
    await second.waitForText('after the resume');
    second.ws.close(1000);
    const records = await waitForAudit((r) => r.some((x) => x.event === 'ended'));
    const sessionId = connected.sessionId;
    expect(records.map((r) => [r.event, r.sessionId])).toEqual([
      ['opened', sessionId],
      ['detached', sessionId],
      ['resumed', sessionId],
      ['ended', sessionId],
    ]);
    expect(records[1]).toMatchObject({ user: 'anonymous', target: 'lab', reason: expect.any(String) });
    expect(records[2]).toMatchObject({ clientIp: '127.0.0.1', awayMs: expect.any(Number) });
    expect(records[3]).toMatchObject({ outcome: 'client_closed', closeCode: 1000, recordingComplete: true });
    const cast = parseAsciicast(await readFile(join(dir, 'rec', `${sessionId}.cast`), 'utf8'));
    const markers = cast.events.filter(([, code]) => code === 'm').map(([, , data]) => data);
    expect(markers).toEqual(['detached', 'resumed', 'ended client_closed']);
    const output = castOutput(cast);
    expect(output.indexOf('before the detach')).toBeLessThan(output.indexOf('while away'));
    expect(output.indexOf('while away')).toBeLessThan(output.indexOf('after the resume'));
  });
});

describe('a gateway that stops', () => {
  it('writes the ended record (outcome shutdown) and closes the recording of a session still open', async () => {
    dir = await mkdtemp(join(tmpdir(), 'telgate-rec-'));
    scripted = await startScriptedHost(() => {});
    app = await buildTestApp(
      `
listen: { host: 127.0.0.1 }
targets:
  - { id: lab, host: 127.0.0.1, port: ${scripted.port}, negotiation: passive }
recording: { targets: [lab], directory: ${join(dir, 'rec')} }
audit: { file: ${join(dir, 'audit', 'audit.jsonl')} }
`,
      { onSession: createTelnetRelay() },
    );
    const c = await TerminalClient.open(app, '/ws?target=lab');
    clients.push(c);
    const conn = await scripted.nextConnection();
    const { sessionId } = await c.waitForFrame('state', (f) => f.state === 'connected');
    await conn.write('working\r\n');
    await c.waitForText('working');
    await stopGateway(app);
    app = undefined;
    const records = await readAudit();
    expect(records.map((r) => r.event)).toEqual(['opened', 'ended']);
    expect(records[1]).toMatchObject({ sessionId, outcome: 'shutdown', recordingComplete: true });
    const cast = parseAsciicast(await readFile(join(dir, 'rec', `${sessionId}.cast`), 'utf8'));
    expect(castOutput(cast)).toContain('working');
    expect(cast.events.at(-1)).toEqual([expect.any(Number), 'm', 'ended shutdown']);
  });
});

describe('a recording directory on a disk that fails writes', () => {
  it('the session keeps working, memory stays bounded, the recording is incomplete, the audit says so, /metrics counts it', async () => {
    expect(existsSync('/dev/full'), 'this test needs /dev/full').toBe(true);
    dir = await mkdtemp(join(tmpdir(), 'telgate-rec-'));
    // A host that prints a lot, then answers each line it gets.
    scripted = await startScriptedHost(async (connection) => {
      const block = `${'output-line '.repeat(8)}\r\n`.repeat(1000);
      for (let i = 0; i < 8; i++) await connection.write(block);
      await connection.write('ready> ');
      for (;;) {
        const line = await connection
          .readUntil((bytes) => bytes.includes(0x0d), 30_000)
          .catch(() => undefined);
        if (!line) return;
        await connection.write(`got ${line.toString('latin1').trim()}\r\nready> `);
      }
    });
    const full = async () => {
      // Every write goes to /dev/full: the kernel answers ENOSPC, as a full disk does.
      const handle = await openFile('/dev/full', 'w');
      return {
        write: async (data: Uint8Array) => void (await handle.write(data)),
        close: () => handle.close(),
      };
    };
    app = await buildTestApp(
      `
listen: { host: 127.0.0.1 }
targets:
  - { id: chatty, host: 127.0.0.1, port: ${scripted.port}, protocol: raw }
recording: { targets: ['*'], directory: ${join(dir, 'rec')}, maxQueueBytes: 16777216 }
audit: { file: ${join(dir, 'audit', 'audit.jsonl')} }
`,
      { onSession: createTelnetRelay(), recordingSink: full },
    );
    const heapBefore = process.memoryUsage().heapUsed;
    const c = await TerminalClient.open(app, '/ws?target=chatty');
    clients.push(c);
    await c.waitForText('ready> ', 15_000);
    c.type('still-working\r');
    await c.waitForText('got still-working');
    expect(c.outputBytes).toBeGreaterThan(700_000);
    // The dropped recording is not held anywhere: the heap did not grow by the output's size.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    c.close();
    const records = await waitForAudit((r) => r.some((x) => x.event === 'ended'));
    const ended = records.find((r) => r.event === 'ended')!;
    expect(ended).toMatchObject({
      user: 'anonymous',
      target: 'chatty',
      recordingComplete: false,
      recordingIncomplete: 'write_failed',
    });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/telgate_recordings_incomplete_total\{reason="write_failed"\} 1/);
    expect(metrics.body).toMatch(/telgate_recordings_started_total 1/);
    // The metadata (on the real disk) says so too.
    const names = await readdir(join(dir, 'rec'));
    const metaName = names.find((name) => name.endsWith('.json'))!;
    const meta = JSON.parse(await readFile(join(dir, 'rec', metaName), 'utf8'));
    expect(meta).toMatchObject({ complete: false, incompleteReason: 'write_failed' });
  });
});
