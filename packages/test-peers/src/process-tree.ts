import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The fields of /proc/PID/stat this module needs. */
interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly processGroup: number;
  readonly session: number;
  /** 'Z' for a zombie: dead, waiting to be reaped. */
  readonly state: string;
}

function readProcessTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcessInfo(Number(name));
    if (info) table.set(info.pid, info);
  }
  return table;
}

function readProcessInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined; // Exited between listing and reading.
  }
  // The command name is in parentheses and may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    processGroup: Number(fields[2]),
    session: Number(fields[3]),
  };
}

/** True while `pid` exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  const info = readProcessInfo(pid);
  return info !== undefined && info.state !== 'Z';
}

/**
 * `rootPid` and every process that descends from it. Telnet servers put each session in a new session
 * (setsid), so process groups alone would miss login shells; parent links find them. Processes that
 * are in a process group or session led by one of those are included too, to catch any that were
 * orphaned and re-parented.
 */
export function listProcessTree(rootPid: number, table = readProcessTable()): number[] {
  const root = table.get(rootPid);
  if (!root) return [];
  const members = new Set<number>([rootPid]);
  const childrenOf = new Map<number, number[]>();
  for (const info of table.values()) {
    const siblings = childrenOf.get(info.ppid);
    if (siblings) siblings.push(info.pid);
    else childrenOf.set(info.ppid, [info.pid]);
  }
  const queue = [rootPid];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of childrenOf.get(pid) ?? []) {
      if (!members.has(child)) {
        members.add(child);
        queue.push(child);
      }
    }
  }
  // Only groups and sessions led by a member: the root's own group is foreign unless it leads it.
  const ledByMember = (id: number) => members.has(id);
  const groups = new Set([...members].map((pid) => table.get(pid)!.processGroup).filter(ledByMember));
  const sessions = new Set([...members].map((pid) => table.get(pid)!.session).filter(ledByMember));
  for (const info of table.values()) {
    if (groups.has(info.processGroup) || sessions.has(info.session)) members.add(info.pid);
  }
  return [...members];
}

/**
 * Kills `rootPid` and all its descendants, leaves first, so that every process is reaped by its own
 * (still living) parent. Killing parents first would orphan the children, and on machines whose init
 * does not reap orphans they would stay behind as zombies. `rootPid` itself must be reaped by the caller.
 */
export async function killProcessTree(rootPid: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = readProcessTable();
    const members = listProcessTree(rootPid, table);
    const living = members.filter((pid) => table.get(pid)?.state !== 'Z');
    if (living.length === 0) return;
    if (Date.now() > deadline) {
      for (const pid of living) signal(pid, 'SIGKILL');
      return;
    }
    // A process whose child is a zombie not yet reaped is no leaf: killing it now would orphan the
    // zombie. When only such processes remain, the next round finds them reaped.
    const parents = new Set(members.map((pid) => table.get(pid)?.ppid));
    for (const pid of living) if (!parents.has(pid)) signal(pid, 'SIGKILL');
    await sleep(10);
  }
}

/** For process-exit handlers, which cannot wait: kills the whole tree at once. */
export function killProcessTreeSync(rootPid: number): void {
  for (const pid of listProcessTree(rootPid)) signal(pid, 'SIGKILL');
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** True once `pid` owns a TCP socket listening on 127.0.0.1:`port` (read from /proc, no connection made). */
export function isListeningOn(pid: number, port: number): boolean {
  const inodes = listeningSocketInodes(port);
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match && inodes.has(match[1]!)) return true;
    } catch {
      // The descriptor was closed while we looked.
    }
  }
  return false;
}

const TCP_LISTEN = '0A';
const LOOPBACK_HEX = '0100007F'; // 127.0.0.1 in /proc/net/tcp's little-endian notation.

function listeningSocketInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const wanted = `${LOOPBACK_HEX}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/tcp', 'latin1').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === wanted && fields[3] === TCP_LISTEN && fields[9]) inodes.add(fields[9]);
  }
  return inodes;
}
