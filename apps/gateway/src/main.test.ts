import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect as connectTcp, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeServerFrame,
  encodeClientFrame,
  type ServerFrame,
  SUBPROTOCOL,
  SUBPROTOCOLS,
} from '@telgate/protocol';
import { startScriptedHost } from '@telgate/test-peers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { mintToken } from './auth/token.js';
import { DRAIN_NOTICE_CODE } from './cluster/drain.js';
import { displayUrl, type StartResult, startGateway } from './main.js';
import { createMetrics } from './observability/metrics.js';
import { TEST_TIMEOUT_MS } from './testing/gateway.js';

async function start(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ result: StartResult; told: string }> {
  let told = '';
  const result = await startGateway({
    argv,
    env,
    tell: (text) => {
      told += text;
    },
    deps: () => ({ metrics: createMetrics({ processMetrics: false }), webRoot: null, logger: undefined }),
  });
  return { result, told };
}

describe('startGateway', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telgate-main-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves on the address asked for and stops', async () => {
    const { result, told } = await start(['--host', '127.0.0.1', '--port', '0', '--log-level', 'silent']);
    if (!result.ok) throw new Error(`did not start: ${told}`);
    try {
      expect(result.gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(told).toBe(`telgate: serving ${result.gateway.url} (Ctrl-C stops)\n`);
      const response = await fetch(`${result.gateway.url}/healthz`, {
        signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
      });
      expect(await response.json()).toEqual({ status: 'ok', sessions: 0 });
    } finally {
      await result.gateway.stop();
    }
  });

  it('explains a bad configuration file, without a stack trace, and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'listen:\n  port: 99999\n');
    const { result, told } = await start(['--config', file]);
    expect(result).toEqual({ ok: false, exitCode: 1 });
    expect(told).toBe(`telgate: invalid configuration (${file}):\n  listen.port (line 2): must be ≤ 65535\n`);
  });

  it('explains a bad command line with the usage, and exits 2', async () => {
    const { result, told } = await start(['--bogus']);
    expect(result).toEqual({ ok: false, exitCode: 2 });
    expect(told).toMatch(/^telgate: Unknown option '--bogus'.*\n\nUsage: /s);
  });

  it('prints the usage for --help and exits 0', async () => {
    const { result, told } = await start(['--help']);
    expect(result).toEqual({ ok: false, exitCode: 0 });
    expect(told).toContain('--config FILE');
  });

  it('says so when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { result, told } = await start([
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--log-level',
        'silent',
      ]);
      expect(result).toEqual({ ok: false, exitCode: 1 });
      expect(told).toBe(`telgate: 127.0.0.1:${port} is already in use; choose another port with --port\n`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('displayUrl', () => {
  it('shows wildcard addresses as localhost and brackets IPv6', () => {
    expect(displayUrl('localhost', 8080)).toBe('http://localhost:8080');
    expect(displayUrl('0.0.0.0', 8080)).toBe('http://localhost:8080');
    expect(displayUrl('::', 80)).toBe('http://localhost:80');
    expect(displayUrl('::1', 8080)).toBe('http://[::1]:8080');
  });
});

/** Runs the gateway's main module from source, with workspace packages mapped to their sources too. */
function spawnGateway(args: string[], logLevel: string): ChildProcessWithoutNullStreams {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  return spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: packageDir,
    env: {
      ...process.env,
      TELGATE_LOG_LEVEL: logLevel,
      TSX_TSCONFIG_PATH: join(packageDir, 'tsconfig.test.json'),
    },
    stdio: 'pipe',
  });
}

/** Resolves with the address the gateway serves, once it says so. */
function served(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /serving (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error(`exited before serving: ${stderr}`)));
  });
}

/**
 * A browser that completes the WebSocket handshake and then stops reading for good: it never answers
 * the gateway's close, so only destroying its socket ends the connection.
 */
function stuckClient(base: string): Promise<Socket> {
  const url = new URL(base);
  return new Promise<Socket>((resolve, reject) => {
    const socket = connectTcp(Number(url.port), url.hostname);
    socket.once('error', reject);
    socket.write(
      'GET /ws?target=host HTTP/1.1\r\n' +
        `Host: ${url.host}\r\n` +
        'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
        `Sec-WebSocket-Protocol: ${SUBPROTOCOL}\r\n\r\n`,
    );
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      if (chunk.toString('latin1').startsWith('HTTP/1.1 101')) resolve(socket);
      else reject(new Error(`handshake refused: ${chunk.toString('latin1')}`));
    });
  });
}

describe('the gateway process', () => {
  it('exits cleanly on SIGTERM', async () => {
    const child = spawnGateway(['--host', '127.0.0.1', '--port', '0'], 'warn');
    const killer = setTimeout(() => child.kill('SIGKILL'), 4 * TEST_TIMEOUT_MS);
    try {
      await served(child);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s, ends every session with GW_ERR_SHUTDOWN and exits 0 within the grace period, even with a browser that stopped reading',
    async (signal) => {
      const graceMs = 1000;
      const host = await startScriptedHost(async (connection) => {
        await connection.write('ready\r\n');
        await connection.closed;
      });
      const dir = await mkdtemp(join(tmpdir(), 'telgate-shutdown-'));
      const config = join(dir, 'telgate.yaml');
      await writeFile(
        config,
        `listen: { host: 127.0.0.1, port: 0 }\n` +
          `targets: [{ id: host, host: 127.0.0.1, port: ${host.port}, protocol: raw }]\n` +
          `limits: { shutdownGraceMs: ${graceMs} }\n`,
      );
      const child = spawnGateway(['--config', config], 'info');
      const killer = setTimeout(() => child.kill('SIGKILL'), 8 * TEST_TIMEOUT_MS);
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      let stuck: Socket | undefined;
      try {
        const base = await served(child);
        stuck = await stuckClient(base);

        const frames: ServerFrame[] = [];
        const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?target=host`, SUBPROTOCOL);
        const closed = new Promise<{ code: number; reason: string }>((resolve) =>
          ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
        );
        const output = new Promise<void>((resolve, reject) => {
          ws.once('error', reject);
          ws.on('message', (data: Buffer) => {
            const decoded = decodeServerFrame(new Uint8Array(data));
            if (!decoded.ok) return;
            frames.push(decoded.frame);
            if (decoded.frame.type === 'output') {
              ws.send(encodeClientFrame({ type: 'ack', count: decoded.frame.data.length }));
              resolve();
            }
          });
        });
        await output;
        const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(TEST_TIMEOUT_MS) });
        expect(await health.json()).toMatchObject({ sessions: 2 });

        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        const signalledAt = Date.now();
        child.kill(signal);
        expect(await closed).toEqual({ code: 4016, reason: 'GW_ERR_SHUTDOWN' });
        expect(frames.at(-1)).toMatchObject({ type: 'state', state: 'closed', code: 'GW_ERR_SHUTDOWN' });
        expect(await exited).toBe(0);
        // Bounded by the grace period, well before the 30 s a WebSocket server waits for a close reply.
        expect(Date.now() - signalledAt).toBeLessThan(graceMs + 10_000);
        const closes = stdout
          .split('\n')
          .filter((line) => line.includes('"session ended"'))
          .map((line) => JSON.parse(line) as { outcome: string });
        expect(closes.map((record) => record.outcome)).toEqual(['shutdown', 'shutdown']);
      } finally {
        clearTimeout(killer);
        stuck?.destroy();
        if (child.exitCode === null) child.kill('SIGKILL');
        await host.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
    40_000,
  );

  it.each([
    ['ends the sessions at the deadline and exits 0', 'no signal'],
    ['a SIGTERM meanwhile brings the deadline forward to drainSeconds', 'SIGTERM'],
  ] as const)(
    'drains on POST /api/admin/drain: /healthz 503, sessions warned, %s',
    async (_what, signal) => {
      const secret = 'process-admin-drain-secret-long-enough-0';
      const host = await startScriptedHost(async (connection) => {
        await connection.write('ready\r\n');
        await connection.closed;
      });
      const dir = await mkdtemp(join(tmpdir(), 'telgate-admin-drain-'));
      const config = join(dir, 'telgate.yaml');
      await writeFile(
        config,
        `listen: { host: 127.0.0.1, port: 0 }\n` +
          `targets: [{ id: host, host: 127.0.0.1, port: ${host.port}, protocol: raw }]\n` +
          `security: { auth: { mode: token, hs256Secret: ${secret} } }\n` +
          `cluster: { gatewayId: gw-1, drainSeconds: 1 }\n` +
          `limits: { shutdownGraceMs: 1000 }\n`,
      );
      const child = spawnGateway(['--config', config], 'info');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10 * TEST_TIMEOUT_MS);
      try {
        const base = await served(child);
        const token = await mintToken({ target: 'host', user: 'alice', hs256Secret: secret });
        const frames: ServerFrame[] = [];
        const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?target=host&token=${token}`, [
          ...SUBPROTOCOLS,
        ]);
        const closed = new Promise<{ code: number; reason: string }>((resolve) =>
          ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
        );
        const waiters = new Set<() => void>();
        ws.on('message', (data: Buffer) => {
          const decoded = decodeServerFrame(new Uint8Array(data));
          if (!decoded.ok) return;
          frames.push(decoded.frame);
          if (decoded.frame.type === 'output') {
            ws.send(encodeClientFrame({ type: 'ack', count: decoded.frame.data.length }));
          }
          for (const wake of [...waiters]) wake();
        });
        const seen = (match: (frame: ServerFrame) => boolean) =>
          new Promise<void>((resolve, reject) => {
            ws.once('error', reject);
            const wake = () => {
              if (!frames.some(match)) return;
              waiters.delete(wake);
              resolve();
            };
            waiters.add(wake);
            wake();
          });
        await seen((frame) => frame.type === 'output');
        const warned = seen(
          (frame) =>
            frame.type === 'notice' &&
            frame.notice.kind === 'warning' &&
            frame.notice.code === DRAIN_NOTICE_CODE,
        );

        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        const admin = await mintToken({ target: '*', user: 'ops', hs256Secret: secret, grants: ['admin'] });
        const seconds = signal === 'SIGTERM' ? 600 : 2;
        const askedAt = Date.now();
        const response = await fetch(`${base}/api/admin/drain`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ seconds }),
          signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
        });
        expect(response.status).toBe(202);
        const { deadline } = (await response.json()) as { deadline: string };
        expect(Date.parse(deadline) - askedAt).toBeGreaterThanOrEqual(seconds * 1000 - 1000);
        await warned;
        const health = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(TEST_TIMEOUT_MS) });
        expect(health.status).toBe(503);
        expect(await health.json()).toMatchObject({ status: 'draining', sessions: 1, deadline });
        // The session goes on while the gateway drains.
        expect(child.exitCode).toBeNull();

        if (signal === 'SIGTERM') child.kill('SIGTERM');
        expect(await closed).toEqual({ code: 4016, reason: 'GW_ERR_SHUTDOWN' });
        expect(frames.at(-1)).toMatchObject({ type: 'state', state: 'closed', code: 'GW_ERR_SHUTDOWN' });
        expect(await exited).toBe(0);
        const took = Date.now() - askedAt;
        // Not before the deadline (2 s; with SIGTERM, drainSeconds: 1), and well before 600 s.
        expect(took).toBeGreaterThanOrEqual(signal === 'SIGTERM' ? 900 : 1900);
        expect(took).toBeLessThan(15_000);
      } finally {
        clearTimeout(killer);
        if (child.exitCode === null) child.kill('SIGKILL');
        await host.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
