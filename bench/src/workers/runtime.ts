/**
 * The worker side of src/processes/worker.ts: configuration from argv, messages over IPC, and an exit
 * as soon as the parent goes away, so a killed benchmark never leaves workers behind.
 */
import type { WorkerMessage } from '../processes/worker.js';

export function workerConfig<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('a bench worker needs its configuration as JSON in argv[2]');
  return JSON.parse(raw) as T;
}

export function report<M extends WorkerMessage>(message: M): void {
  process.send?.(message);
}

/** Handles messages from the parent. */
export function onRequest<In extends WorkerMessage>(handler: (message: In) => void | Promise<void>): void {
  process.on('message', (message: In) => {
    Promise.resolve()
      .then(() => handler(message))
      .catch(fail);
  });
}

let failing = false;

/** Reports the error to the parent and exits. */
export function fail(error: unknown): void {
  if (failing) return;
  failing = true;
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (process.connected) process.send?.({ type: 'failed', message }, () => process.exit(1));
  else process.stderr.write(`${message}\n`);
  // If the channel is gone there is no one to tell.
  setTimeout(() => process.exit(1), 1000);
}

/** Runs `main`, reporting any failure; the worker then lives until the parent stops it or leaves. */
export function runWorker(main: () => Promise<void>): void {
  process.once('disconnect', () => process.exit(0));
  // An orderly exit, so that a CPU profile (--cpu-prof) is written.
  process.once('SIGTERM', () => process.exit(0));
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  main().catch(fail);
}
