/** Memory and limits of processes, read from /proc (Linux). */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]) * 1024;
}

/** Resident set size now, in bytes. */
export function residentBytes(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** The highest resident set size since start or since `resetPeakResident`, in bytes. */
export function peakResidentBytes(pid: number): number {
  return statusField(pid, 'VmHWM');
}

/** Restarts the peak (VmHWM) at the current size; false where the kernel does not allow it. */
export function resetPeakResident(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** The soft limit on open files of this process (children inherit it). */
export function openFileLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'latin1');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  if (!match || match[1] === 'unlimited') return Number.POSITIVE_INFINITY;
  return Number(match[1]);
}

/**
 * Samples a process's resident size every `intervalMs` and keeps the highest value; where the kernel
 * allows, its own peak counter (VmHWM) catches what falls between samples.
 */
export class PeakResidentSampler {
  private readonly timer: NodeJS.Timeout;
  private readonly usesKernelPeak: boolean;
  private sampled: number;

  constructor(
    private readonly pid: number,
    intervalMs = 20,
  ) {
    this.usesKernelPeak = resetPeakResident(pid);
    this.sampled = residentBytes(pid);
    this.timer = setInterval(() => {
      try {
        this.sampled = Math.max(this.sampled, residentBytes(pid));
      } catch {
        // The process exited; keep what was seen.
      }
    }, intervalMs);
  }

  /** Stops sampling; the peak resident size seen, in bytes. */
  stop(): number {
    clearInterval(this.timer);
    let peak = this.sampled;
    try {
      peak = Math.max(peak, residentBytes(this.pid));
      if (this.usesKernelPeak) peak = Math.max(peak, peakResidentBytes(this.pid));
    } catch {
      // Gone.
    }
    return peak;
  }
}

/** CPU time a process has used so far (user and system, all threads), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Nanoseconds every thread of `pid` has run on a CPU (schedstat: finer than the 10 ms of `stat`). */
function threadsRunNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}

/** The processes whose parent is `pid`, from /proc. */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // Gone.
    }
  }
  return children;
}

/**
 * CPU time used so far by `pid`, its live descendants, and the children it has already reaped (whose
 * time the kernel adds to it), in seconds: what a relay costs when it forks per connection, as
 * websockify does.
 */
export function treeCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const reapedTicks = Number(fields[13]) + Number(fields[14]); // cutime, cstime
  let ns = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop()!;
    try {
      ns += threadsRunNs(next);
    } catch {
      continue; // exited meanwhile
    }
    pending.push(...childrenOf(next));
  }
  return ns / 1e9 + reapedTicks / 100;
}
