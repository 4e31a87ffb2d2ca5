/**
 * Bench workers: hosts, clients and relays in child Node processes, so each one's CPU and memory are its
 * own and none shares an event loop with the gateway or with the process that measures. A worker gets
 * its configuration as JSON in argv and talks to the parent over the IPC channel.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stopChild, track } from './children.js';

/** The loader that runs the workers' TypeScript. */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let profiled = 0;

export interface WorkerMessage {
  readonly type: string;
}

/** A worker's failure, as it reported it before exiting. */
export interface WorkerFailure extends WorkerMessage {
  readonly type: 'failed';
  readonly message: string;
}

export class WorkerError extends Error {
  constructor(
    readonly worker: string,
    message: string,
  ) {
    super(`${worker}: ${message}`);
    this.name = 'WorkerError';
  }
}

/** The parent's handle on one worker process. */
export class Worker<Out extends WorkerMessage, In extends WorkerMessage = never> {
  private readonly inbox: Out[] = [];
  private waiter: (() => void) | undefined;
  private ended: string | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly group: boolean,
  ) {
    child.on('message', (message: Out | WorkerFailure) => {
      if (message.type === 'failed') this.ended = (message as WorkerFailure).message;
      else this.inbox.push(message as Out);
      this.wake();
    });
    child.once('exit', (code, signal) => {
      this.ended ??= `exited (${signal ?? `code ${code}`})`;
      this.wake();
    });
  }

  /**
   * Starts `src/workers/<name>.ts` with `config`. `execArgv` adds Node flags (e.g. --expose-gc); the
   * worker's stderr is passed through so its failures are seen.
   */
  static start<Out extends WorkerMessage, In extends WorkerMessage = never>(
    name: string,
    config: unknown,
    execArgv: readonly string[] = [],
  ): Worker<Out, In> {
    const script = fileURLToPath(new URL(`../workers/${name}.ts`, import.meta.url));
    // BENCH_PROFILE_DIR: every worker writes a CPU profile too, named after it.
    const profileDir = process.env.BENCH_PROFILE_DIR;
    const profile = profileDir
      ? [
          '--cpu-prof',
          '--cpu-prof-dir',
          join(profileDir, 'workers'),
          '--cpu-prof-name',
          `${name}-${Date.now()}-${++profiled}.cpuprofile`,
        ]
      : [];
    const child = fork(script, [JSON.stringify(config)], {
      execArgv: ['--import', TSX_LOADER, ...profile, ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return Worker.adopt<Out, In>(name, child);
  }

  /** Wraps a process started some other way, with an IPC channel (stdio 'ipc'). */
  static adopt<Out extends WorkerMessage, In extends WorkerMessage = never>(
    name: string,
    child: ChildProcess,
    options: { group?: boolean } = {},
  ): Worker<Out, In> {
    track(child, options);
    return new Worker<Out, In>(name, child, options.group ?? false);
  }

  get pid(): number {
    return this.child.pid!;
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  send(message: In): void {
    if (this.child.connected) this.child.send(message);
  }

  /** The next message of `type` (earlier messages of other types are dropped); fails after `timeoutMs`. */
  async next<T extends Out['type']>(type: T, timeoutMs: number): Promise<Extract<Out, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((m) => m.type === type);
      if (index >= 0) return this.inbox.splice(index, 1)[0] as Extract<Out, { type: T }>;
      if (this.ended !== undefined) throw new WorkerError(this.name, this.ended);
      const left = deadline - Date.now();
      if (left <= 0) throw new WorkerError(this.name, `no "${type}" message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Sends `request` and waits for the reply of type `replyType`. */
  async request<T extends Out['type']>(request: In, replyType: T, timeoutMs: number) {
    this.send(request);
    return this.next(replyType, timeoutMs);
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  stop(graceMs?: number): Promise<void> {
    return stopChild(this.child, graceMs, this.group);
  }
}
