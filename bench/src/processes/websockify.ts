/**
 * websockify (Debian's, the Python one) in front of a host: the reference WebSocket-to-TCP bridge the
 * gateway is compared with. bench/run.sh installs it with apt when it is missing and runs as root;
 * otherwise it is unavailable, and the benchmark says so in its row instead of measuring it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findFreePort } from '@telgate/test-peers';
import { Worker } from './worker.js';

/** The command run; BENCH_WEBSOCKIFY names another (a path, or a missing one to see the row skipped). */
const COMMAND = process.env.BENCH_WEBSOCKIFY || 'websockify';

function installed(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', COMMAND], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why websockify cannot be measured here, or undefined when it can (bench/run.sh installs it as root). */
export function websockifyProblem(): string | undefined {
  if (installed()) return undefined;
  return process.getuid?.() === 0
    ? `${COMMAND} is not installed (bench/run.sh installs it with apt-get outside smoke mode)`
    : `${COMMAND} is not installed, and installing it (apt-get install websockify) needs root`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface WebsockifyProcess {
  readonly port: number;
  /** websockify's own process; it forks one per connection. */
  readonly pid: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts websockify on a free loopback port, forwarding to `hostPort`; resolves once it accepts. */
export async function startWebsockify(hostPort: number, workDir: string): Promise<WebsockifyProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    const log = openSync(join(workDir, `websockify-${port}.log`), 'a');
    // Its own process group: websockify forks a process per connection, and stop() ends them all.
    const child = spawn(COMMAND, [`127.0.0.1:${port}`, `127.0.0.1:${hostPort}`], {
      stdio: ['ignore', log, log],
      detached: true,
    });
    closeSync(log);
    const worker = Worker.adopt('websockify', child, { group: true });
    const deadline = Date.now() + 10_000;
    while (worker.running && Date.now() < deadline) {
      if (await accepts(port)) {
        return { port, pid: worker.pid, url: `ws://127.0.0.1:${port}/`, stop: () => worker.stop() };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await worker.stop();
    // Most likely the port was taken between finding it and websockify binding it.
    if (attempt === 3) throw new Error(`websockify did not start on 127.0.0.1:${port}; see ${workDir}`);
  }
}
