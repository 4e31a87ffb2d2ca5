/**
 * RFC 854's Synch: IAC DM sent with TCP's urgent mark on the DM, so the host reads it ahead of the data
 * queued before it and discards that data up to the mark. Node's sockets cannot send urgent data (libuv
 * has no MSG_OOB), so that one send is made by a short-lived perl sharing the host's socket, exactly as
 * BSD telnet makes it: `send(fd, "\xff\xf2", MSG_OOB)`, which marks the last byte, the DM, urgent. perl
 * is part of every Debian system (perl-base is Essential); where it is missing or fails, the caller sends
 * the DM in-band, and says so.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { Socket } from 'node:net';

/** Where perl is looked for, in order. */
export const PERL_PATHS: readonly string[] = ['/usr/bin/perl', '/bin/perl', '/usr/local/bin/perl'];

/** At most this many perls run at once, gateway-wide; the other sends wait their turn. */
export const MAX_CONCURRENT_SENDS = 4;

/** A perl that has not sent its two bytes in this long is stuck: it is killed and the send reported failed. */
export const URGENT_SEND_TIMEOUT_MS = 2_000;

// The socket is the child's fd 3. Bytes, not characters (binmode), and both must go: a short send is a failure.
const SEND_SYNCH_SCRIPT = [
  'use Socket qw(MSG_OOB);',
  'open(my $s, "+<&=", 3) or die "cannot use the socket: $!\\n";',
  'binmode($s);',
  'my $n = send($s, "\\xff\\xf2", MSG_OOB);',
  'defined($n) && $n == 2 or die "send failed: $!\\n";',
].join(' ');

export type UrgentSendResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The first executable perl among `paths`, or undefined. */
export function findPerl(paths: readonly string[] = PERL_PATHS): string | undefined {
  for (const path of paths) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here: try the next
    }
  }
  return undefined;
}

export interface UrgentSynchOptions {
  /** perl's path; `null` when there is none (the send then fails at once). Found once when omitted. */
  readonly perl?: string | null;
  readonly timeoutMs?: number;
}

/**
 * The socket's descriptor. The child gets its own copy of the number, not the Socket: handing a Socket to
 * spawn() stops Node reading from it (Node assumes the child will), and the host's output would stall.
 */
function socketFd(socket: Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

let defaultPerl: string | null | undefined;

/**
 * Process slots shared by every session. Waiters are bounded by the sessions: a session has at most one
 * send in flight or waiting (it coalesces Synchs asked for meanwhile).
 */
let running = 0;
const waiting: Array<() => void> = [];

async function takeSlot(): Promise<void> {
  if (running < MAX_CONCURRENT_SENDS) {
    running++;
    return;
  }
  // The slot is handed over by releaseSlot, so `running` is already counted for us.
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function releaseSlot(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

function perlFor(options: UrgentSynchOptions): string | null {
  if (options.perl !== undefined) return options.perl;
  defaultPerl ??= findPerl() ?? null;
  return defaultPerl;
}

/**
 * Sends IAC DM on `socket` with the DM as TCP urgent data. Bytes the socket has already handed to the
 * kernel go out before it; bytes still queued in Node (a host that stopped reading) go after, which the
 * host reads as part of the Synch's data anyway. Never rejects.
 */
export async function sendUrgentSynch(
  socket: Socket,
  options: UrgentSynchOptions = {},
): Promise<UrgentSendResult> {
  const perl = perlFor(options);
  if (perl === null) return { ok: false, reason: 'perl, which sends TCP urgent data, is not installed' };
  await takeSlot();
  try {
    // Checked after the wait: the connection may have gone meanwhile.
    if (socket.destroyed) return { ok: false, reason: 'the connection is closed' };
    const fd = socketFd(socket);
    if (fd === undefined) return { ok: false, reason: 'the socket has no file descriptor to share' };
    return await runPerl(perl, fd, options.timeoutMs ?? URGENT_SEND_TIMEOUT_MS);
  } finally {
    releaseSlot();
  }
}

function runPerl(perl: string, fd: number, timeoutMs: number): Promise<UrgentSendResult> {
  return new Promise((resolve) => {
    let settled = false;
    let stderr = '';
    const finish = (result: UrgentSendResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(perl, ['-e', SEND_SYNCH_SCRIPT], { stdio: ['ignore', 'ignore', 'pipe', fd], env: {} });
    } catch (err) {
      resolve({ ok: false, reason: `perl could not run: ${(err as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, reason: 'perl did not send the urgent data in time' });
    }, timeoutMs);
    timer.unref();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      if (stderr.length < 512) stderr += text;
    });
    child.on('error', (err) => finish({ ok: false, reason: `perl could not run: ${err.message}` }));
    child.on('close', (code) => {
      if (code === 0) finish({ ok: true });
      else finish({ ok: false, reason: stderr.trim() || `perl exited with ${code}` });
    });
  });
}
