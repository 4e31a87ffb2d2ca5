import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { PeerError } from './errors.js';
import { forgetOnExit, killOnExit } from './exit-cleanup.js';
import { findFreePort, LOOPBACK_HOST } from './loopback.js';
import { isListeningOn, killProcessTree, listProcessTree } from './process-tree.js';
import { findExecutable, SYSTEM_PATH } from './system.js';

export const DEFAULT_READY_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 5;
const READY_POLL_MS = 20;
const STDERR_TAIL_CHARS = 2_000;

/** A server process listening on a loopback port. */
export interface ServerProcess {
  readonly host: typeof LOOPBACK_HOST;
  readonly port: number;
  /** The pid of the listening process (the root of the server's process tree). */
  readonly pid: number;
  /** The pids of the server and everything it runs now (sessions, logins, shells). */
  processTree(): number[];
  /** Kills the whole process tree and waits until it is gone. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface ServerLaunch {
  /** Names the server in error messages. */
  readonly description: string;
  /** The command line for a server listening on 127.0.0.1:`port`; that process itself must listen. */
  readonly command: (port: number) => string[];
  readonly readyTimeoutMs?: number;
  /** Listen on this port (say, to start a server again where it was) instead of a free one. */
  readonly port?: number;
}

/**
 * Starts a server on a free loopback port and resolves once it listens there. Every server runs in its
 * own session and process group so it can be killed as a whole, and through `env --default-signal`:
 * a process started from a non-interactive shell's background job inherits SIGINT ignored, and the
 * shells a telnetd starts would inherit that too, so Ctrl-C typed in a session would interrupt nothing.
 */
export async function startServerProcess(launch: ServerLaunch): Promise<ServerProcess> {
  const env = findExecutable('env');
  if (!env) throw new PeerError('PEER_ERR_MISSING_BINARY', 'env (coreutils) is not on the PATH');
  const readyTimeoutMs = launch.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const deadline = Date.now() + readyTimeoutMs;

  for (let attempt = 1; ; attempt++) {
    const port = launch.port ?? (await findFreePort());
    const outcome = await startOnPort(env, launch, port, deadline);
    if ('server' in outcome) return outcome.server;
    // Another process took the port between our probe and the server's bind: try another one.
    const canMove = launch.port === undefined;
    if (canMove && outcome.portTaken && attempt < PORT_ATTEMPTS && Date.now() < deadline) continue;
    throw outcome.error;
  }
}

type StartOutcome = { server: ServerProcess } | { error: PeerError; portTaken: boolean };

async function startOnPort(
  env: string,
  launch: ServerLaunch,
  port: number,
  deadline: number,
): Promise<StartOutcome> {
  const command = launch.command(port);
  const child = spawn(env, ['--default-signal', ...command], {
    detached: true, // setsid(): its own session and process group.
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: SYSTEM_PATH, LANG: 'C.UTF-8', HOME: process.env.HOME ?? '/' },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_CHARS);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not be started: ${error.message}`));
    child.once('exit', (code, signal) => resolve(`exited (${signal ?? `code ${code}`})`));
  });
  let exitReason: string | undefined;
  void exited.then((reason) => {
    exitReason = reason;
  });

  const pid = child.pid;
  if (pid !== undefined) killOnExit(pid);

  while (exitReason === undefined && pid !== undefined && !isListeningOn(pid, port)) {
    if (Date.now() > deadline) {
      await stopChild(child, exited);
      const detail = stderr.trim() ? `; its stderr: ${stderr.trim()}` : '';
      return {
        error: new PeerError(
          'PEER_ERR_START_TIMEOUT',
          `${launch.description} did not listen on ${LOOPBACK_HOST}:${port} in time${detail} (command: ${command.join(' ')})`,
        ),
        portTaken: false,
      };
    }
    await sleep(READY_POLL_MS);
  }

  if (exitReason !== undefined || pid === undefined) {
    await stopChild(child, exited);
    // Let the stderr pipe drain so the message carries the server's own explanation.
    await sleep(READY_POLL_MS);
    const reason = exitReason ?? 'could not be started';
    return {
      error: new PeerError(
        'PEER_ERR_SERVER_EXITED',
        `${launch.description} ${reason} before listening on ${LOOPBACK_HOST}:${port}: ${stderr.trim() || '(no output)'} (command: ${command.join(' ')})`,
      ),
      portTaken: /address already in use/i.test(stderr),
    };
  }

  let stopping: Promise<void> | undefined;
  return {
    server: {
      host: LOOPBACK_HOST,
      port,
      pid,
      processTree: () => listProcessTree(pid),
      stop() {
        stopping ??= stopChild(child, exited);
        return stopping;
      },
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  await killProcessTree(pid);
  // The root is our child: only Node can reap it, and its exit event says it has been.
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
  child.stderr?.destroy();
  forgetOnExit(pid);
}
