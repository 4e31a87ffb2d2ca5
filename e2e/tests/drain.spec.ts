/**
 * A gateway drained for maintenance, as its users see it: the built gateway with the demo host and
 * cluster.drainSeconds, SIGTERM while a page holds a session, the warning banner on the page, /healthz
 * answering 503, and the session ended when the operator ends the drain.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '../fixtures.js';
import {
  DEMO_PROMPT,
  expectConnected,
  expectPromptLast,
  expectScreen,
  run,
  saveScreenshot,
} from '../terminal.js';

const MAIN = fileURLToPath(new URL('../../apps/gateway/dist/main.js', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let dir: string;
let gateway: ChildProcess | undefined;
let exited: Promise<number | null>;
let url: string;

test.beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'telgate-drain-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'gateway.json');
  writeFileSync(
    config,
    JSON.stringify({
      listen: { host: '127.0.0.1', port },
      demo: { enabled: true },
      cluster: { gatewayId: 'gw-a', drainSeconds: 600 },
      logging: { level: 'warn' },
    }),
  );
  const child = spawn(process.execPath, [MAIN, '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  gateway = child;
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start: ${stderr}`)), 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('telgate: serving')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
});

test.afterEach(async () => {
  if (gateway && gateway.exitCode === null) {
    gateway.kill('SIGKILL');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('a draining gateway warns the page, keeps the session, and ends it when the drain ends', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1100, height: 640 });
  await page.goto(`${url}/?target=demo&renderer=dom`);
  await expectConnected(page);
  await expectPromptLast(page, DEMO_PROMPT);

  gateway!.kill('SIGTERM');
  const banner = page.locator('[data-testid="notice"][data-code="GW_WARN_DRAINING"]');
  await expect(banner).toBeVisible({ timeout: 10_000 });
  await expect(banner).toContainText(
    'This gateway is closing for maintenance: this session ends in 10 minutes',
  );
  const health = await fetch(`${url}/healthz`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ status: 'draining', gateway: 'gw-a' });
  // The session goes on meanwhile.
  await run(page, 'help');
  await expectScreen(page, /Telnet commands/);
  await saveScreenshot(page, 'drain');

  // The operator ends the drain: the session ends as for a shutdown, and the gateway exits 0.
  gateway!.kill('SIGTERM');
  await expect(page.getByText('The gateway is shutting down for maintenance.')).toBeVisible({
    timeout: 15_000,
  });
  expect(await exited).toBe(0);
});
