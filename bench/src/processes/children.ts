/**
 * Every process the benchmarks start is registered here and ended when the benchmark process exits, is
 * interrupted or fails, so no run leaves a host, client or gateway behind.
 */
import type { ChildProcess } from 'node:child_process';

interface Tracked {
  readonly child: ChildProcess;
  /** Started in a process group of its own: end the whole group (e.g. websockify's per-connection forks). */
  readonly group: boolean;
}

const live = new Set<Tracked>();
let hooksInstalled = false;

function signal(tracked: Tracked, name: NodeJS.Signals): void {
  const pid = tracked.child.pid;
  if (pid === undefined) return;
  try {
    if (tracked.group) process.kill(-pid, name);
    else tracked.child.kill(name);
  } catch {
    // Already gone.
  }
}

function killAllNow(): void {
  for (const tracked of live) signal(tracked, 'SIGKILL');
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killAllNow);
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(name, () => {
      killAllNow();
      process.exit(128 + (name === 'SIGINT' ? 2 : name === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Tracks `child` until it exits. */
export function track(child: ChildProcess, options: { group?: boolean } = {}): void {
  installHooks();
  const tracked: Tracked = { child, group: options.group ?? false };
  live.add(tracked);
  child.once('exit', () => live.delete(tracked));
}

/**
 * Ends `child`: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. Safe to call on a
 * child that already exited.
 */
export async function stopChild(child: ChildProcess, graceMs = 3000, group = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const tracked: Tracked = { child, group };
  signal(tracked, 'SIGTERM');
  const timer = setTimeout(() => signal(tracked, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Children still running (for tests that check nothing leaked). */
export function liveChildren(): number {
  return live.size;
}

/**
 * Waits for processes being started side by side. Each one that started is added to `stoppers` (so the
 * caller stops it), even when another failed; then the first failure, if any, is thrown.
 */
export async function startedAll<const T extends readonly unknown[]>(
  stoppers: Array<{ stop(): Promise<void> }>,
  starting: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starting);
  for (const s of settled) {
    const value = s.status === 'fulfilled' ? (s.value as { stop?: unknown } | undefined) : undefined;
    if (value && typeof value.stop === 'function' && !stoppers.includes(value as { stop(): Promise<void> })) {
      stoppers.push(value as { stop(): Promise<void> });
    }
  }
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}
