import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { PeerError } from './errors.js';
import { runFixture } from './fixtures/run-fixture.js';
import { LOOPBACK_HOST } from './loopback.js';
import { requireExecutable } from './peer-files.js';
import { isProcessAlive } from './process-tree.js';
import { startServerProcess } from './server-process.js';
import { findExecutable } from './system.js';

const socat = findExecutable('socat')!;

describe('startServerProcess', () => {
  it('reports a server that exits before listening, quoting its stderr', async () => {
    const failure = startServerProcess({
      description: 'a failing server',
      command: () => ['sh', '-c', 'echo "no such option: --frobnicate" >&2; exit 3'],
    });
    await expect(failure).rejects.toMatchObject({ code: 'PEER_ERR_SERVER_EXITED' });
    await expect(failure).rejects.toThrow(/a failing server exited \(code 3\).*no such option: --frobnicate/);
  });

  it('gives up on a server that never listens, and kills it', async () => {
    const marker = `never-listens-${process.pid}-${Date.now()}`;
    const failure = startServerProcess({
      description: 'a silent server',
      command: () => ['bash', '-c', `exec -a ${marker} sleep 300`],
      readyTimeoutMs: 300,
    });
    await expect(failure).rejects.toMatchObject({ code: 'PEER_ERR_START_TIMEOUT' });
    await expect(failure).rejects.toThrow(/a silent server did not listen on 127\.0\.0\.1:\d+ in time/);
    expect(await pgrep(marker)).toEqual([]);
  });

  it('moves to another port when the chosen one is taken meanwhile', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, LOOPBACK_HOST, resolve));
    const takenPort = (squatter.address() as { port: number }).port;
    const portsTried: number[] = [];
    try {
      const server = await startServerProcess({
        description: 'socat',
        command: (port) => {
          portsTried.push(port);
          // The first attempt collides, as if another process had won the race for the free port.
          const bind = portsTried.length === 1 ? takenPort : port;
          return [socat, `TCP-LISTEN:${bind},bind=127.0.0.1,reuseaddr,fork`, 'EXEC:/bin/cat'];
        },
      });
      expect(portsTried).toHaveLength(2);
      expect(server.port).toBe(portsTried[1]);
      await server.stop();
    } finally {
      squatter.close();
    }
  });

  it('stops the server and every process below it, however deeply nested or detached', async () => {
    // A login shell runs in a session of its own (setsid); killing the process group would miss it.
    const server = await startServerProcess({
      description: 'socat with descendants',
      command: (port) => [
        'sh',
        '-c',
        `setsid sleep 300 & (sleep 300 & wait) & exec ${socat} TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork EXEC:/bin/cat`,
      ],
    });
    await vi.waitFor(() => expect(server.processTree().length).toBeGreaterThanOrEqual(4), { timeout: 5_000 });
    const pids = server.processTree();
    await server.stop();
    expect(pids.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]);
  });
});

describe('requireExecutable', () => {
  it('says how to install what is missing', () => {
    const lookup = () => requireExecutable('netkit in.telnetd', '/nonexistent/in.telnetd');
    expect(lookup).toThrow(PeerError);
    expect(lookup).toThrow(
      /PEER_ERR_MISSING_BINARY: netkit in\.telnetd is not installed.*run scripts\/system-deps\.sh/,
    );
  });
});

describe('a process that ends without stopping its servers', () => {
  it('takes them down when it exits', async () => {
    const { report, exited } = runFixture<{ pids: number[] }>('exit-without-stop');
    const { pids } = await report;
    expect(pids.length).toBeGreaterThan(1);
    expect(await exited).toEqual({ code: 0, signal: null });
    await vi.waitFor(() => expect(pids.filter(isProcessAlive)).toEqual([]), { timeout: 5_000 });
  });

  it('takes them down on SIGTERM, and still terminates by that signal', async () => {
    const { child, report, exited } = runFixture<{ pids: number[] }>('wait-for-signal');
    const { pids } = await report;
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
    await vi.waitFor(() => expect(pids.filter(isProcessAlive)).toEqual([]), { timeout: 5_000 });
  });
});

function pgrep(pattern: string): Promise<number[]> {
  return new Promise((resolve) => {
    const child = spawn('pgrep', ['-f', pattern], { stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      output += text;
    });
    child.once('close', () => resolve(output.split('\n').filter(Boolean).map(Number)));
  });
}
