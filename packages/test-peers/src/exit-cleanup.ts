import { killProcessTreeSync } from './process-tree.js';

/** Root pids of the servers this process started and has not stopped yet. */
const running = new Set<number>();
const HANDLED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let exitHookInstalled = false;
let signalHooksInstalled = false;

/**
 * Makes sure the server rooted at `pid` dies with this process even if stop() is never called: on a
 * normal exit, and on SIGINT/SIGTERM/SIGHUP (the servers run in their own session, so a terminal's
 * Ctrl-C does not reach them by itself).
 */
export function killOnExit(pid: number): void {
  running.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killAll);
  }
  if (!signalHooksInstalled) {
    signalHooksInstalled = true;
    for (const name of HANDLED_SIGNALS) process.on(name, onSignal);
  }
}

export function forgetOnExit(pid: number): void {
  running.delete(pid);
}

function killAll(): void {
  for (const pid of running) killProcessTreeSync(pid);
  running.clear();
}

function onSignal(name: NodeJS.Signals): void {
  killAll();
  // A listener replaces the signal's default action. When ours is the only one, remove it and re-raise
  // so the process still terminates; when others listen, they decide what the signal means.
  if (process.listenerCount(name) === 1) {
    for (const other of HANDLED_SIGNALS) process.off(other, onSignal);
    signalHooksInstalled = false;
    process.kill(process.pid, name);
  }
}
