import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('the gateway process', () => {
  it('exits cleanly on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    // From source, with workspace packages mapped to their sources too (tsconfig.test.json paths).
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--host', '127.0.0.1', '--port', '0'], {
      cwd: packageDir,
      env: {
        ...process.env,
        TELGATE_LOG_LEVEL: 'warn',
        TSX_TSCONFIG_PATH: join(packageDir, 'tsconfig.test.json'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 4 * TEST_TIMEOUT_MS);
    try {
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
          if (stderr.includes('serving http://')) resolve();
        });
        child.once('exit', () => reject(new Error(`exited before serving: ${stderr}`)));
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(killer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});
