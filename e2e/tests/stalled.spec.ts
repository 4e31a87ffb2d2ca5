/**
 * A gateway that freezes (here: stopped with SIGSTOP) keeps its TCP connections open, so the page's
 * WebSocket stays "open". The page must not keep showing "Connected" with a ticking clock: it shows
 * "Connection stalled" once the gateway's heartbeats stop, and "Connected" again when it resumes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@telgate/test-peers';
import { expect, test } from '../fixtures.js';
import { expectConnected } from '../terminal.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A gateway of its own (freezing the shared one would stall every other test), with the demo host. */
async function startFreezableGateway(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await findFreePort();
  const config = join(dir, 'telgate.yaml');
  writeFileSync(
    config,
    `listen: { host: 127.0.0.1, port: ${port} }\ndemo: { enabled: true, port: 0 }\nlimits: { heartbeatIntervalMs: 500 }\n`,
  );
  const child = spawn(process.execPath, [join(ROOT, 'apps/gateway/dist/main.js'), '--config', config], {
    stdio: 'ignore',
    env: { ...process.env, TELGATE_LOG_LEVEL: 'warn' },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return { url, child };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the gateway did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('shows "Connection stalled" while the gateway is frozen, and "Connected" once it answers again', async ({
  page,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'telgate-stalled-'));
  const { url, child } = await startFreezableGateway(dir);
  const pid = child.pid!;
  try {
    await page.goto(`${url}/?target=demo&renderer=dom`);
    await expectConnected(page);
    const status = page.getByTestId('connection-state');
    await expect(status).toContainText('Connected to');

    process.kill(pid, 'SIGSTOP');
    await expect(status).toHaveAttribute('data-state', 'stalled');
    await expect(status).toContainText('Connection stalled');

    process.kill(pid, 'SIGCONT');
    await expectConnected(page);
    await expect(status).toContainText('Connected to');
  } finally {
    if (child.exitCode === null) process.kill(pid, 'SIGCONT');
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
