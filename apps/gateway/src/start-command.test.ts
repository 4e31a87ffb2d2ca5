/**
 * `npm start`, the README's first command, run as a user runs it: from the repository root, with a PATH
 * that has nothing of the checkout on it and a `pnpm` that fails loudly first on it, so the start path
 * (install, build, serve) is shown to need no pnpm but the one it installs itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROMPT } from '@telgate/demo-host';
import {
  decodeServerFrame,
  encodeClientFrame,
  encodeInputText,
  type ServerFrame,
  SUBPROTOCOL,
} from '@telgate/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

const REPOSITORY = fileURLToPath(new URL('../../..', import.meta.url));
/** A fresh clone installs and builds first: minutes on a busy two-core machine. */
const START_DEADLINE_MS = 240_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** The user's PATH: the test runner's, less every directory inside the checkout (its own pnpm and tools). */
function userPath(guard: string): string {
  const outside = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && !dir.startsWith(REPOSITORY));
  return [guard, ...outside].join(delimiter);
}

async function waitForHealth(base: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${output()}`);
    const healthy = await fetch(`${base}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no /healthz within ${START_DEADLINE_MS} ms:\n${output()}`);
}

/** Opens a session to the demo target and resolves with the text it printed once the prompt shows. */
function demoSessionText(base: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?target=demo`, SUBPROTOCOL);
    let text = '';
    const decoder = new TextDecoder();
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no demo prompt within 10 s; got ${JSON.stringify(text)}`));
    }, 10_000);
    ws.on('open', () => ws.send(encodeClientFrame({ type: 'resize', cols: 80, rows: 24 })));
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      const decoded = decodeServerFrame(new Uint8Array(data));
      if (!decoded.ok) return reject(new Error(decoded.message));
      const frame: ServerFrame = decoded.frame;
      if (frame.type !== 'output') return;
      text += decoder.decode(frame.data, { stream: true });
      if (text.includes(PROMPT)) {
        clearTimeout(timer);
        ws.send(encodeInputText('exit\r'));
        ws.close(1000);
        resolve(text);
      }
    });
  });
}

describe('npm start from a clone, with no pnpm of its own on PATH', () => {
  let guard: string;
  let child: ChildProcess;
  let output = '';
  let base: string;

  beforeAll(async () => {
    guard = await mkdtemp(join(tmpdir(), 'telgate-pnpm-guard-'));
    // Leaves a trace as well as failing, in case a caller swallowed the exit code.
    await writeFile(
      join(guard, 'pnpm'),
      `#!/bin/sh\necho "a pnpm from PATH was run: $*" >&2\ntouch "${guard}/pnpm-was-run"\nexit 97\n`,
    );
    await chmod(join(guard, 'pnpm'), 0o755);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn('npm', ['start', '--', '--host', '127.0.0.1', '--port', String(port)], {
      cwd: REPOSITORY,
      env: { ...process.env, PATH: userPath(guard) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so npm, bash and the gateway all end with the test
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitForHealth(base, child, () => output);
  }, START_DEADLINE_MS + 10_000);

  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    await rm(guard, { recursive: true, force: true });
  }, 20_000);

  it('serves the page and a live demo session, never running a pnpm from PATH', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script[^>]+src="\/assets\/index-[^"]+\.js"/);

    const targets = (await (await fetch(`${base}/api/targets`)).json()) as { targets: { id: string }[] };
    expect(targets.targets.map((target) => target.id)).toContain('demo');

    expect(await demoSessionText(base)).toContain(PROMPT);
    expect(existsSync(join(guard, 'pnpm-was-run'))).toBe(false);
  }, 30_000);
});
